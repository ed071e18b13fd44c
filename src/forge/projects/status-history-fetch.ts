/**
 * Reads the complete status history of the issues whose embedded changelog Jira cut: one bulk changelog
 * request per 1000 issues, paged by `nextPageToken` only until every issue's first In Progress move is known.
 */
import { bulkChangelogBatches, firstInProgressSettled, type StatusCategoryKey, type StatusChange } from '../domain/projects';
import type { JiraResult } from '../ports/jira';
import type { JiraProjectsPort } from '../ports/jira-projects';

/** A token that never ends would loop forever: past this many pages of one batch, Jira is misbehaving. */
const MAX_PAGES_PER_BATCH = 200;

export async function fetchStatusHistories(
  jira: Pick<JiraProjectsPort, 'statusHistories'>,
  issueIds: readonly string[],
  categories: ReadonlyMap<string, StatusCategoryKey>,
): Promise<JiraResult<ReadonlyMap<string, readonly StatusChange[]>>> {
  const changes = new Map<string, StatusChange[]>();
  for (const batch of bulkChangelogBatches(issueIds)) {
    let nextPageToken: string | undefined;
    for (let page = 0; ; page += 1) {
      if (page >= MAX_PAGES_PER_BATCH) return { ok: false, failure: { kind: 'unavailable', status: undefined, message: `bulk changelog kept paging past ${MAX_PAGES_PER_BATCH} pages` } };
      const result = await jira.statusHistories({ issueIds: batch, nextPageToken });
      if (!result.ok) return result;
      for (const [id, moves] of result.value.changes) changes.set(id, [...(changes.get(id) ?? []), ...moves]);
      nextPageToken = result.value.nextPageToken;
      if (nextPageToken === undefined || firstInProgressSettled(batch, changes, categories)) break;
    }
  }
  return { ok: true, value: changes };
}
