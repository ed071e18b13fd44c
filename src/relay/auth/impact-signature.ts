import { createHmac, timingSafeEqual } from 'node:crypto';
import { RelayError } from '../errors';

export const IMPACT_SIGNATURE_HEADER = 'x-hub-signature-256';
export const IMPACT_TIMESTAMP_HEADER = 'x-impact-timestamp';

export interface ImpactSignatureInput {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly rawBody: Uint8Array;
  readonly nowSeconds: number;
}

/** `sha256=<hex>` of HMAC-SHA256 over `${timestamp}.` followed by the raw body bytes. */
export function signImpactBody(secret: string, timestamp: number | string, rawBody: Uint8Array): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * Verifies an Impact webhook over the RAW bytes, before anything parses them. Any of `secrets` may have
 * signed it (rotation); each is tried in constant time. The timestamp must be within `toleranceSeconds`
 * of now, so a captured request cannot be replayed later.
 */
export function createImpactVerifier(
  secrets: readonly string[],
  toleranceSeconds: number,
): (input: ImpactSignatureInput) => void {
  if (secrets.length === 0) throw new Error('at least one Impact secret is required');
  return ({ signature, timestamp, rawBody, nowSeconds }) => {
    if (!signature || !timestamp) {
      throw new RelayError('bad-signature', `${IMPACT_SIGNATURE_HEADER} and ${IMPACT_TIMESTAMP_HEADER} headers are required`);
    }
    if (!/^\d{1,12}$/.test(timestamp)) throw new RelayError('bad-signature', `${IMPACT_TIMESTAMP_HEADER} must be unix seconds`);
    if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
      throw new RelayError('stale-timestamp', `${IMPACT_TIMESTAMP_HEADER} is outside the ${toleranceSeconds} s window`);
    }
    const presented = Buffer.from(signature, 'utf8');
    let ok = false;
    for (const secret of secrets) {
      const expected = Buffer.from(signImpactBody(secret, timestamp, rawBody), 'utf8');
      ok = (expected.length === presented.length && timingSafeEqual(expected, presented)) || ok;
    }
    if (!ok) throw new RelayError('bad-signature', 'signature does not match the body');
  };
}
