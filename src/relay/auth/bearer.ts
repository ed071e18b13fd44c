import { hash, timingSafeEqual } from 'node:crypto';
import { RelayError } from '../errors';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Checks `Authorization: Bearer <token>` against every accepted token (several during rotation).
 * Both sides are hashed first so the comparison is constant-time and length-independent, and every
 * token is compared even after a match so timing does not reveal which one matched.
 */
export function createBearerCheck(tokens: readonly string[]): (authorization: string | undefined) => void {
  if (tokens.length === 0) throw new Error('at least one bearer token is required');
  const digests = tokens.map(sha256);
  return (authorization) => {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (!match?.[1]) throw new RelayError('unauthorized', 'a valid Authorization: Bearer token is required');
    const presented = sha256(match[1]);
    let ok = false;
    for (const digest of digests) ok = timingSafeEqual(digest, presented) || ok;
    if (!ok) throw new RelayError('unauthorized', 'a valid Authorization: Bearer token is required');
  };
}

/** One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per request, which `createHash` costs. */
function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
