/** Bearer tokens of API clients, compared in constant time (digests of equal length, every token tried). */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ImpactApiClient {
  readonly token: string;
  /** Shown as `origin.client` in the webhooks this client's writes cause. */
  readonly client: string;
}

/** A bare token string belongs to this client name. */
export const DEFAULT_API_CLIENT_NAME = 'api-client';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function createTokenMatcher(tokens: readonly (string | ImpactApiClient)[]): (authorization: string | undefined) => ImpactApiClient | null {
  const clients = tokens.map((t) => (typeof t === 'string' ? { token: t, client: DEFAULT_API_CLIENT_NAME } : t));
  for (const c of clients) if (c.token.length === 0) throw new Error('impact-sim: API tokens must not be empty');
  const digests = clients.map((c) => ({ client: c, digest: digest(c.token) }));
  return (authorization) => {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const presented = digest(match?.[1] ?? '');
    let found: ImpactApiClient | null = null;
    for (const candidate of digests) {
      // No early exit: the time taken does not depend on which token (if any) matched.
      if (timingSafeEqual(presented, candidate.digest) && match?.[1] !== undefined && found === null) found = candidate.client;
    }
    return found;
  };
}
