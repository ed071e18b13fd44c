/**
 * Conditional writes (docs/impact-contract.md §2.1): `If-Match` checked against a resource's version
 * before the write, a 409 naming the current version when it is stale, and the `ETag` of every answer.
 * The check and the write run in one synchronous step after the body is read, so no other request can
 * slip between them (the simulator is single-threaded; a real Impact does this in one transaction).
 */
import type { Context } from 'hono';
import { etagOf, IMPACT_ETAG_HEADER, IMPACT_IF_MATCH_HEADER, ifMatchAllows, parseIfMatch, type ImpactApiError, type IfMatch } from '../../shared/impact';
import { ImpactApiFailure, invalidRequest } from './errors';

/** 409 `conflict` with `current_version`, and the current `ETag`, so the client can re-read and re-decide. */
export class ImpactVersionConflict extends ImpactApiFailure {
  constructor(
    readonly resource: string,
    readonly currentVersion: number,
    readonly expected: string,
  ) {
    super('conflict', `${resource} is at version ${currentVersion}; If-Match named ${expected}`, undefined, { [IMPACT_ETAG_HEADER]: etagOf(currentVersion) });
  }

  override body(): ImpactApiError {
    const base = super.body();
    return { error: { ...base.error, current_version: this.currentVersion } };
  }
}

/** The request's precondition; a malformed header is a 422 naming it (never silently unconditional). */
export function readIfMatch(c: Context): IfMatch {
  const ifMatch = parseIfMatch(c.req.header(IMPACT_IF_MATCH_HEADER));
  if (ifMatch.kind === 'invalid') throw invalidRequest(ifMatch.message, [{ path: `headers.${IMPACT_IF_MATCH_HEADER}`, message: ifMatch.message }]);
  return ifMatch;
}

/** Throws the 409 when the precondition does not hold for `current`. */
export function requireVersion(ifMatch: IfMatch, resource: string, current: number): void {
  if (ifMatchAllows(ifMatch, current)) return;
  const expected = ifMatch.kind === 'versions' ? [...ifMatch.versions.map(etagOf), ...(ifMatch.weak > 0 ? ['a weak tag (never matches)'] : [])].join(', ') : '*';
  throw new ImpactVersionConflict(resource, current, expected);
}

/** Sets `ETag: "<version>"` on the answer about one resource. */
export function setEtag(c: Context, version: number): void {
  c.header(IMPACT_ETAG_HEADER, etagOf(version));
}
