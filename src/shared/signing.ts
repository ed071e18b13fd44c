import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 request signing between the relay and the ingest web trigger.
 *
 * The signed message is `${timestamp}.${rawBody}` so a captured request cannot be replayed with a
 * fresh timestamp. The key id lets both sides hold several keys while a secret is being rotated.
 */
export const SIGNATURE_HEADER = 'x-bridge-signature';
export const TIMESTAMP_HEADER = 'x-bridge-timestamp';
export const KEY_ID_HEADER = 'x-bridge-key-id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface SigningKey {
  readonly id: string;
  readonly secret: string;
}

export function computeSignature(secret: string, timestamp: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function signRequest(key: SigningKey, rawBody: string, nowSeconds: number): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: computeSignature(key.secret, nowSeconds, rawBody),
    [TIMESTAMP_HEADER]: String(nowSeconds),
    [KEY_ID_HEADER]: key.id,
  };
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still spend a comparison so a length mismatch is not measurably faster.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export type SignatureCheck =
  | { readonly ok: true; readonly keyId: string }
  | { readonly ok: false; readonly reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'unknown-key' | 'bad-signature' };

export interface SignatureInput {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly keyId: string | undefined;
  readonly rawBody: string;
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

export function verifySignature(keys: readonly SigningKey[], input: SignatureInput): SignatureCheck {
  const { signature, timestamp, keyId, rawBody, nowSeconds } = input;
  if (!signature || !timestamp || !keyId) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const ts = Number(timestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - ts) > tolerance) return { ok: false, reason: 'stale-timestamp' };
  const key = keys.find((k) => k.id === keyId);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const expected = computeSignature(key.secret, ts, rawBody);
  return constantTimeEqual(expected, signature) ? { ok: true, keyId } : { ok: false, reason: 'bad-signature' };
}
