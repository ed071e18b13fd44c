/**
 * Conditional writes (docs/impact-contract.md §2.1). Every read answers `ETag: "<version>"`; a write may
 * send `If-Match` naming the version it was decided on, and Impact refuses it with 409 (naming the current
 * version) when the resource has changed since. Entity tags follow RFC 9110 §8.8.3: `"7"`; a bare `7` is
 * accepted too (what hand-written clients send); `*` matches any existing resource; a list matches any of
 * its versions. If-Match uses the strong comparison (RFC 9110 §13.1.1), so a weak tag `W/"7"` never matches.
 */
export const IMPACT_IF_MATCH_HEADER = 'if-match';
export const IMPACT_ETAG_HEADER = 'etag';

/** The entity tag of a version, as Impact sends it in `ETag` and clients send it in `If-Match`. */
export const etagOf = (version: number): string => `"${version}"`;

export type IfMatch =
  | { readonly kind: 'absent' }
  | { readonly kind: 'any' }
  /** Strong tags; `weak` counts weak ones, which never match. */
  | { readonly kind: 'versions'; readonly versions: readonly number[]; readonly weak: number }
  | { readonly kind: 'invalid'; readonly message: string };

const TAG = /^(W\/)?(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14}))$/;

export function parseIfMatch(header: string | null | undefined): IfMatch {
  if (header === undefined || header === null) return { kind: 'absent' };
  const trimmed = header.trim();
  if (trimmed === '*') return { kind: 'any' };
  const versions: number[] = [];
  let weak = 0;
  for (const raw of trimmed.split(',')) {
    const match = TAG.exec(raw.trim());
    if (!match) return { kind: 'invalid', message: `If-Match must be "*" or entity tags naming versions, such as "7" (got ${JSON.stringify(header.slice(0, 80))})` };
    if (match[1]) weak += 1;
    else versions.push(Number(match[2] ?? match[3]));
  }
  return { kind: 'versions', versions, weak };
}

/** Whether a write with this precondition may go ahead on a resource at `current`. */
export function ifMatchAllows(ifMatch: IfMatch, current: number): boolean {
  switch (ifMatch.kind) {
    case 'absent':
    case 'any':
      return true;
    case 'versions':
      return ifMatch.versions.includes(current);
    case 'invalid':
      return false;
  }
}
