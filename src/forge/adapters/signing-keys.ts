import { z } from 'zod';
import type { SigningKey } from '../../shared/signing';
import type { KeyValueStore, SecretStore } from '../ports/key-value-store';
import { SecretKeys, StorageKeys } from '../constants';
import { shouldRecordRejection, type RejectedBatchRecord, type SigningKeySource, type StoredSigningKey } from '../domain/connection';

/** `[{id, secret, createdAt?}]`; createdAt is optional so keys stored before rotation existed still load. */
const storedKeysSchema = z.array(z.object({ id: z.string().min(1), secret: z.string().min(16), createdAt: z.string().optional() })).min(1);

/** `kid:secret,kid2:secret2`, the same format the relay's RELAY_SIGNING_KEYS uses. */
export function parseSigningKeyList(value: string): SigningKey[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const colon = part.indexOf(':');
      if (colon <= 0 || colon === part.length - 1) throw new Error('RELAY_SIGNING_KEYS entries must look like kid:secret');
      return { id: part.slice(0, colon), secret: part.slice(colon + 1) };
    });
}

export interface SigningKeySet {
  readonly source: SigningKeySource;
  readonly keys: readonly StoredSigningKey[];
}

/**
 * Keys that may sign relay batches: Forge secret storage first (set by an admin or the local host),
 * else the encrypted Forge variable RELAY_SIGNING_KEYS (`forge variables set --encrypt`).
 */
export async function loadSigningKeySet(secrets: SecretStore, env: NodeJS.ProcessEnv): Promise<SigningKeySet> {
  const stored = storedKeysSchema.safeParse(await secrets.getSecret(SecretKeys.relaySigningKeys));
  if (stored.success) return { source: 'secret-storage', keys: stored.data.map(({ id, secret, createdAt }) => (createdAt ? { id, secret, createdAt } : { id, secret })) };
  const fromEnv = env['RELAY_SIGNING_KEYS'];
  const keys = fromEnv ? parseSigningKeyList(fromEnv) : [];
  return keys.length > 0 ? { source: 'forge-variable', keys } : { source: 'none', keys: [] };
}

export async function loadSigningKeys(secrets: SecretStore, env: NodeJS.ProcessEnv): Promise<SigningKey[]> {
  return (await loadSigningKeySet(secrets, env)).keys.map(({ id, secret }) => ({ id, secret }));
}

/** Always to secret storage, which from then on wins over the Forge variable. */
export async function saveSigningKeys(secrets: SecretStore, keys: readonly StoredSigningKey[]): Promise<void> {
  await secrets.setSecret(SecretKeys.relaySigningKeys, keys);
}

/** Remembers why the relay's last refused batch was refused; read first so a retry storm writes once a minute. */
export async function recordRejectedBatch(store: KeyValueStore, rejection: Omit<RejectedBatchRecord, 'at'>, nowMs: number): Promise<void> {
  const previous = await store.get<RejectedBatchRecord>(StorageKeys.lastRejectedBatch);
  if (!shouldRecordRejection(previous, nowMs)) return;
  await store.set<RejectedBatchRecord>(StorageKeys.lastRejectedBatch, { at: new Date(nowMs).toISOString(), ...rejection });
}
