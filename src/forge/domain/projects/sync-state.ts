/**
 * A tracked project's sync as a small state machine: pending → syncing → complete | error. While syncing,
 * the cursor (query + nextPageToken) is saved after every page, so any invocation can carry on from it.
 */
export type SyncStatus = 'pending' | 'syncing' | 'complete' | 'error';

export interface SyncCursor {
  readonly jql: string;
  /** Undefined until the first page has been read. */
  readonly nextPageToken: string | undefined;
  readonly startedMs: number;
  /** Highest `updated` seen in this run: the restart point if Jira forgets the page token. */
  readonly highWaterMs: number | undefined;
  readonly pages: number;
  readonly issuesSeen: number;
  readonly issueErrors: number;
  /** A full run: each page records the ids it saw, and the records of unseen issues are swept at the end. */
  readonly sweep?: boolean;
}

export interface IssueSyncError {
  readonly issueId: string;
  readonly issueKey: string;
  readonly error: string;
  readonly atMs: number;
}

export interface TrackedProject {
  readonly projectId: string;
  readonly key: string;
  readonly name: string;
  readonly status: SyncStatus;
  /** Start of the last complete sync: the next incremental window starts here (minus the lookback). */
  readonly lastSyncStartMs: number | undefined;
  readonly lastSyncEndMs: number | undefined;
  readonly lastError: string | undefined;
  readonly issueCount: number;
  readonly cursor: SyncCursor | undefined;
  /** Newest issue-level failures (bounded), for the settings page. */
  readonly issueErrors: readonly IssueSyncError[];
  /** Figures of the last finished run. */
  readonly lastRun: { readonly pages: number; readonly issuesSeen: number; readonly issueErrors: number } | undefined;
}

export const MAX_KEPT_ISSUE_ERRORS = 20;

export function newTrackedProject(p: { projectId: string; key: string; name: string }): TrackedProject {
  return { ...p, status: 'pending', lastSyncStartMs: undefined, lastSyncEndMs: undefined, lastError: undefined, issueCount: 0, cursor: undefined, issueErrors: [], lastRun: undefined };
}

/** Starts a run, or keeps the current one when a cursor exists (a resumed or duplicate job). */
export function beginSync(project: TrackedProject, nowMs: number, jql: string, sweep = false): TrackedProject {
  if (project.status === 'syncing' && project.cursor) return project;
  return { ...project, status: 'syncing', lastError: undefined, cursor: { jql, nextPageToken: undefined, startedMs: nowMs, highWaterMs: undefined, pages: 0, issuesSeen: 0, issueErrors: 0, ...(sweep ? { sweep } : {}) } };
}

export interface PageOutcome {
  readonly nextPageToken: string | undefined;
  readonly isLast: boolean;
  readonly issuesSeen: number;
  readonly newIssues: number;
  readonly highWaterMs: number | undefined;
  readonly errors: readonly IssueSyncError[];
}

/** Records one page; the last page completes the run. */
export function afterPage(project: TrackedProject, page: PageOutcome, nowMs: number): TrackedProject {
  const cursor = project.cursor;
  if (!cursor) throw new Error(`project ${project.key} has no sync in progress`);
  const issueErrors = [...page.errors, ...project.issueErrors].slice(0, MAX_KEPT_ISSUE_ERRORS);
  const highWaterMs = page.highWaterMs === undefined ? cursor.highWaterMs : Math.max(page.highWaterMs, cursor.highWaterMs ?? 0);
  const next: SyncCursor = {
    ...cursor,
    nextPageToken: page.nextPageToken,
    highWaterMs,
    pages: cursor.pages + 1,
    issuesSeen: cursor.issuesSeen + page.issuesSeen,
    issueErrors: cursor.issueErrors + page.errors.length,
  };
  const issueCount = project.issueCount + page.newIssues;
  if (page.isLast || page.nextPageToken === undefined) {
    return {
      ...project,
      status: 'complete',
      issueCount,
      issueErrors,
      cursor: undefined,
      lastSyncStartMs: cursor.startedMs,
      lastSyncEndMs: nowMs,
      lastRun: { pages: next.pages, issuesSeen: next.issuesSeen, issueErrors: next.issueErrors },
    };
  }
  return { ...project, issueCount, issueErrors, cursor: next };
}

/** Jira forgot the page token: re-query from the newest `updated` already stored (ordered ASC). */
export function restartFromHighWater(project: TrackedProject, jql: string): TrackedProject {
  if (!project.cursor) return project;
  return { ...project, cursor: { ...project.cursor, jql, nextPageToken: undefined } };
}

export function failSync(project: TrackedProject, message: string, nowMs: number): TrackedProject {
  return { ...project, status: 'error', lastError: message, cursor: undefined, lastSyncEndMs: nowMs };
}
