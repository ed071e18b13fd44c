/**
 * The seed's error table, decided once: 401 stops the sync with a message an admin can act on, 403 skips
 * the project, 404 untracks it (deleted or moved), 429 waits as long as Jira says, outages back off.
 */
export type SyncFailure =
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unavailable'; readonly status: number | undefined; readonly message: string }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly jiraMessages: readonly string[] };

export type FailureAction =
  | { readonly kind: 'retry'; readonly afterSeconds: number; readonly rateLimited: boolean }
  | { readonly kind: 'stop'; readonly message: string }
  | { readonly kind: 'untrack'; readonly message: string }
  | { readonly kind: 'restart-query' };

const MAX_BACKOFF_SECONDS = 900;

/** Which of the sync's calls failed: the issue search, or the status-history fetch of cut changelogs. */
export type SyncCall = 'search' | 'changelog';

export function decideFailure(failure: SyncFailure, attempt: number, usingPageToken: boolean, call: SyncCall = 'search'): FailureAction {
  switch (failure.kind) {
    case 'rate-limited':
      return { kind: 'retry', afterSeconds: Math.min(MAX_BACKOFF_SECONDS, Math.max(1, failure.retryAfterSeconds)), rateLimited: true };
    case 'unavailable':
      return { kind: 'retry', afterSeconds: Math.min(MAX_BACKOFF_SECONDS, 5 * 2 ** Math.min(attempt, 8)), rateLimited: false };
    case 'not-found':
      // Only the search speaks for the project; a changelog 404 says nothing about it being gone.
      if (call === 'changelog') return { kind: 'stop', message: `Jira could not find the issues' changelogs (404): ${failure.message}` };
      return { kind: 'untrack', message: `project no longer exists or was moved: ${failure.message}` };
    case 'rejected':
      if (failure.status === 401) return { kind: 'stop', message: 'Jira refused the app (401): the app may need to be re-installed or its access re-granted' };
      if (failure.status === 403) return { kind: 'stop', message: `the app has no access to this project (403): ${failure.jiraMessages.join('; ')}` };
      // An expired page token is a 400 about the token; the query itself is ours and known to be valid.
      if (call === 'search' && failure.status === 400 && usingPageToken && failure.jiraMessages.some((m) => /token/i.test(m))) return { kind: 'restart-query' };
      return { kind: 'stop', message: `Jira refused the ${call === 'search' ? 'search' : 'changelog request'} (HTTP ${failure.status}): ${failure.jiraMessages.join('; ')}` };
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected failure ${JSON.stringify(x)}`);
}
