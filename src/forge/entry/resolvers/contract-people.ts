/** User directory and Impact incident response times (issue 17 items 5, 6): reads open, writes for admins. */
import type { AccountRef, IncidentResponseTimes, MatchedPerson, UnmatchedPerson } from '../../domain/people';
import type { DirectoryRun } from '../../people/directory-store';
import type { StoredResponseTimes } from '../../people/incident-metrics';
import type { ResolverResult } from './contract';

export type { AccountRef, DirectoryRun, IncidentResponseTimes, MatchedPerson, UnmatchedPerson };

interface DirectoryPageBase {
  /** Null until a run succeeded. */
  readonly computedAtMs: number | null;
  /** When an admin last changed it (manual match/unmatch), or the run. */
  readonly changedAtMs: number | null;
  readonly jiraUsers: number;
  readonly impactPeople: number;
  readonly matchedTotal: number;
  readonly unmatchedTotal: number;
  readonly lastRun: DirectoryRun | null;
  readonly offset: number;
  readonly limit: number;
}

export type DirectoryPage =
  | (DirectoryPageBase & { readonly list: 'matched'; readonly entries: readonly MatchedPerson[] })
  | (DirectoryPageBase & { readonly list: 'unmatched'; readonly entries: readonly UnmatchedPerson[] });

export type IncidentResponseView = StoredResponseTimes | null;

export type PeopleResolverDefinitions = {
  /** One page of the matched or unmatched people (limit 1–100, default 25). */
  getUserDirectory: (input: { list: 'matched' | 'unmatched'; offset?: number; limit?: number }) => ResolverResult<DirectoryPage>;
  /** Queues a directory run (admins). */
  runUserDirectoryNow: () => ResolverResult<{ queued: true }>;
  /** Jira accounts whose name or visible email starts with `query`, to match someone by hand (admins). */
  searchJiraAccounts: (input: { query: string }) => ResolverResult<AccountRef[]>;
  /** Matches an Impact person to a Jira account by hand, kept across runs (admins). */
  matchUser: (input: { email: string; accountId: string }) => ResolverResult<MatchedPerson | UnmatchedPerson>;
  /** Unmatches an Impact person by hand, kept across runs (admins). */
  unmatchUser: (input: { email: string }) => ResolverResult<MatchedPerson | UnmatchedPerson>;
  /** Forgets an admin's match or unmatch and queues a directory run that matches the person automatically (admins). */
  forgetManualDecision: (input: { email: string }) => ResolverResult<{ forgotten: 'match' | 'unmatch'; queued: true }>;
  /** MTTA/MTTR per priority of the Impact incidents of the last 90 days, as last computed (1 KVS read). */
  getIncidentResponseTimes: () => ResolverResult<IncidentResponseView>;
  /** Queues a recount of the response times (admins). */
  recomputeIncidentResponseTimes: () => ResolverResult<{ queued: true }>;
};
