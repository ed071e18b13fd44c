/**
 * Issues deleted in Jira leave the project sync's records two ways:
 * - at once: the `avi:jira:deleted:issue` trigger (entry/trigger/issue-deleted.ts) deletes the issue's record
 *   when its project is tracked;
 * - by the sweep that ends every full sync, for deletes the trigger missed (the app was not installed, a
 *   trigger invocation failed; Forge does not retry triggers) and for issues moved to another project. While a
 *   full sync runs, each page writes the ids it saw (`pj:seen:<projectId>:<page>`, one KVS write per 100
 *   issues); at the end the sweep reads those and the project's records and deletes every record whose issue
 *   the run did not see.
 *
 * Cost of a sweep for N stored issues: ⌈N/20⌉ KVS queries for the records (the KVS page maximum), ⌈N/2000⌉ for
 * the seen lists, one delete per removed record and per seen list; no Jira call. It runs in the invocation that
 * reads the last page (consumer timeout 300 s): 50,000 issues are about 2,525 queries.
 */
import type { SyncedIssue } from '../domain/projects';
import type { KeyValueStore } from '../ports/key-value-store';
import { KVS_QUERY_LIMIT, ProjectKeys, getProject, listTrackedProjects, saveProject } from './project-store';

export type DeletedIssueOutcome = 'removed' | 'not-stored' | 'not-tracked';

/**
 * The trigger's part: removes one issue's record if its project is tracked and the record exists. Without the
 * project id (a payload without fields), each tracked project is checked (one read per tracked project).
 */
export async function removeDeletedIssue(store: KeyValueStore, projectId: string | undefined, issueId: string): Promise<DeletedIssueOutcome> {
  if (projectId === undefined) {
    let outcome: DeletedIssueOutcome = 'not-tracked';
    for (const tracked of await listTrackedProjects(store)) {
      const result = await removeDeletedIssue(store, tracked.projectId, issueId);
      if (result === 'removed') return result;
      outcome = result;
    }
    return outcome;
  }
  const project = await getProject(store, projectId);
  if (!project) return 'not-tracked';
  const key = ProjectKeys.issue(projectId, issueId);
  if ((await store.get<SyncedIssue>(key)) === undefined) return 'not-stored';
  await store.delete(key);
  // A running sync rewrites the project with its own count; the sweep of the next full sync recounts exactly.
  if (project.status !== 'syncing') await saveProject(store, { ...project, issueCount: Math.max(0, project.issueCount - 1) });
  return 'removed';
}

interface SeenList {
  readonly ids: readonly string[];
}

/** Records the issue ids one page of a full sync saw (ids of issues that failed to map included: they exist). */
export async function recordSeenIssues(store: KeyValueStore, projectId: string, page: number, ids: readonly string[]): Promise<void> {
  await store.set<SeenList>(ProjectKeys.seen(projectId, page), { ids });
}

async function keysUnder<T>(store: KeyValueStore, prefix: string, visit: (key: string, value: T) => void): Promise<number> {
  let cursor: string | undefined;
  let queries = 0;
  do {
    const page = await store.listByPrefix<T>(prefix, { limit: KVS_QUERY_LIMIT, cursor });
    queries += 1;
    for (const r of page.results) visit(r.key, r.value);
    cursor = page.nextCursor;
  } while (cursor);
  return queries;
}

/** Forgets the seen lists of a run that never finished (called when a full sync starts). */
export async function clearSeenIssues(store: KeyValueStore, projectId: string): Promise<void> {
  const keys: string[] = [];
  await keysUnder<SeenList>(store, ProjectKeys.seenPrefix(projectId), (key) => keys.push(key));
  for (const key of keys) await store.delete(key);
}

export interface SweepOutcome {
  readonly removed: number;
  /** Records left: the project's exact issue count. */
  readonly kept: number;
  readonly storageCalls: number;
}

/** Deletes the records of issues the finished full sync did not see, and its seen lists. */
export async function sweepUnseenIssues(store: KeyValueStore, projectId: string): Promise<SweepOutcome> {
  const seen = new Set<string>();
  const seenKeys: string[] = [];
  let storageCalls = await keysUnder<SeenList>(store, ProjectKeys.seenPrefix(projectId), (key, value) => {
    seenKeys.push(key);
    for (const id of value.ids) seen.add(id);
  });
  const stale: string[] = [];
  let kept = 0;
  storageCalls += await keysUnder<SyncedIssue>(store, ProjectKeys.issuePrefix(projectId), (key, issue) => {
    if (seen.has(issue.id)) kept += 1;
    else stale.push(key);
  });
  for (const key of [...stale, ...seenKeys]) await store.delete(key);
  storageCalls += stale.length + seenKeys.length;
  return { removed: stale.length, kept, storageCalls };
}
