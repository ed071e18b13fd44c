/**
 * Relay signing key rules: which keys may be added or retired. Pure: the caller passes the time and the key
 * the relay signed its newest accepted batch with. A key's secret never leaves these values except to storage.
 */
import { z } from 'zod';

/** Key ids travel in the `x-bridge-key-id` header and in RELAY_SIGNING_KEYS (`kid:secret,...`). */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Printable ASCII without ',' or whitespace: the relay's env format splits on ',' and trims. */
export const SIGNING_SECRET_PATTERN = /^[!-+\--~]{32,256}$/;
/** Enough for one rotation in progress plus spares; every key is tried by id, so more only adds risk. */
export const MAX_SIGNING_KEYS = 5;

/** Where the keys come from: Forge secret storage, the encrypted Forge variable RELAY_SIGNING_KEYS, or nowhere. */
export type SigningKeySource = 'secret-storage' | 'forge-variable' | 'none';

export interface StoredSigningKey {
  readonly id: string;
  readonly secret: string;
  /** ISO time the key was added; absent on keys stored before rotation existed. */
  readonly createdAt?: string;
}

export const keyIdSchema = z.string().regex(KEY_ID_PATTERN, 'a key id of 1-64 letters, digits, ".", "_" or "-"');
export const signingSecretSchema = z
  .string()
  .min(32, 'the secret must be at least 32 characters')
  .max(256, 'the secret must be at most 256 characters')
  .regex(SIGNING_SECRET_PATTERN, 'printable ASCII only, without "," or spaces (the relay reads kid:secret,kid2:secret2)');

export const rotateInputSchema = z.object({ keyId: keyIdSchema, secret: signingSecretSchema }).strict();
export const retireInputSchema = z.object({ keyId: keyIdSchema }).strict();

export type KeyChange =
  | { readonly ok: true; readonly keys: readonly StoredSigningKey[] }
  | { readonly ok: false; readonly code: 'invalid-input' | 'conflict' | 'not-found'; readonly path: string; readonly message: string };

/** The new key goes first (the one to hand the relay); every old key stays valid until it is retired. */
export function rotateKeys(keys: readonly StoredSigningKey[], input: { keyId: string; secret: string }, nowIso: string): KeyChange {
  if (keys.some((k) => k.id === input.keyId)) return { ok: false, code: 'invalid-input', path: 'keyId', message: `a key with id "${input.keyId}" already exists; choose a new id` };
  if (keys.some((k) => k.secret === input.secret)) return { ok: false, code: 'invalid-input', path: 'secret', message: 'this secret is already in use; generate a new one' };
  if (keys.length >= MAX_SIGNING_KEYS) {
    return { ok: false, code: 'conflict', path: 'keyId', message: `at most ${MAX_SIGNING_KEYS} keys can be valid at once; retire a key first` };
  }
  return { ok: true, keys: [{ id: input.keyId, secret: input.secret, createdAt: nowIso }, ...keys] };
}

/** Refuses to leave no key, and to retire the key the relay still signs with (its batches would be refused). */
export function retireKey(keys: readonly StoredSigningKey[], keyId: string, relayKeyId: string | null): KeyChange {
  if (!keys.some((k) => k.id === keyId)) return { ok: false, code: 'not-found', path: 'keyId', message: `no key has id "${keyId}"` };
  if (keys.length === 1) return { ok: false, code: 'conflict', path: 'keyId', message: 'this is the only signing key; rotate to a new key before retiring it' };
  if (keyId === relayKeyId) {
    return {
      ok: false,
      code: 'conflict',
      path: 'keyId',
      message: `the relay signed its most recent batch with "${keyId}": give the relay the new key first (RELAY_SIGNING_KEYS), restart it, and retire "${keyId}" once a batch signed with the new key has arrived`,
    };
  }
  return { ok: true, keys: keys.filter((k) => k.id !== keyId) };
}

/** Newest createdAt among the keys (ISO strings of one format sort by time). */
export function lastRotatedAt(keys: readonly StoredSigningKey[]): string | null {
  let newest: string | null = null;
  for (const key of keys) if (key.createdAt && (newest === null || key.createdAt > newest)) newest = key.createdAt;
  return newest;
}

/** A key id read from a request header, kept only when it is a well-formed id (it is shown to people). */
export function safeKeyId(raw: string | undefined): string | null {
  return raw !== undefined && KEY_ID_PATTERN.test(raw) ? raw : null;
}
