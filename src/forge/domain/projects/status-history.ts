/**
 * Fetching the status history of issues whose embedded changelog Jira cut, with as few calls as Jira
 * allows: one bulk changelog request names up to 1000 issues, and its pages come oldest first across
 * all of them, so paging can stop as soon as every issue's first In Progress move has been seen.
 */
import type { StatusCategoryKey, StatusChange } from './issue-mapping';

/** `POST /rest/api/3/changelog/bulkfetch` accepts at most this many issue ids or keys per request. */
export const BULK_CHANGELOG_MAX_ISSUES = 1000;

/** Splits issue ids into request-sized groups, keeping their order and dropping repeats. */
export function bulkChangelogBatches(issueIds: readonly string[], max = BULK_CHANGELOG_MAX_ISSUES): string[][] {
  const unique = [...new Set(issueIds)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += max) batches.push(unique.slice(i, i + max));
  return batches;
}

/**
 * True when no later page can change any requested issue's first In Progress moment: each has a move into
 * a status known to be In Progress, and later pages only hold later moves. A status missing from
 * `categories` never settles an issue (paging on is always correct, only slower).
 */
export function firstInProgressSettled(
  issueIds: readonly string[],
  changes: ReadonlyMap<string, readonly StatusChange[]>,
  categories: ReadonlyMap<string, StatusCategoryKey>,
): boolean {
  return issueIds.every((id) => (changes.get(id) ?? []).some((c) => categories.get(c.toStatusId) === 'indeterminate'));
}
