import type { AdfDoc, CreateCommand, StatusCategory } from '../domain/alerts';
import type { EntityProperty, JiraIncidentPort } from './jira-incidents';

/**
 * The Jira REST calls the Alertmanager feature makes. Every failure is one of four kinds, so callers decide
 * with one exhaustive switch: retry later (rate-limited, unavailable), start over (not-found), or report
 * Jira's own words to a person (rejected).
 */
export type JiraFailure =
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number; readonly reason: string | undefined }
  | { readonly kind: 'unavailable'; readonly status: number | undefined; readonly message: string }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly jiraMessages: readonly string[] };

export type JiraResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: JiraFailure };

export interface CreatedIssue {
  readonly id: string;
  readonly key: string;
}

export interface JiraStatus {
  readonly id: string;
  readonly name: string;
  readonly category: StatusCategory;
}

export interface IssueStatus {
  readonly id: string;
  readonly key: string;
  readonly status: JiraStatus;
}

export interface AvailableTransition {
  readonly id: string;
  readonly name: string;
  readonly to: JiraStatus;
}

export interface IssueLinkRequest {
  readonly type: { readonly name: string };
  readonly inwardIssue: { readonly key: string };
  readonly outwardIssue: { readonly key: string };
}

/** Calls made as the app (`api.asApp()`). */
export interface JiraPort extends Pick<JiraIncidentPort, 'listComments' | 'getCommentProperties'> {
  createIssue(body: CreateCommand['body']): Promise<JiraResult<CreatedIssue>>;
  /** POST /issue/{key}/comment, with comment entity properties set in the same request. */
  addComment(issueKey: string, body: AdfDoc, properties?: readonly EntityProperty[]): Promise<JiraResult<{ readonly id: string }>>;
  getTransitions(issueKey: string): Promise<JiraResult<readonly AvailableTransition[]>>;
  transitionIssue(issueKey: string, transitionId: string): Promise<JiraResult<void>>;
  linkIssues(request: IssueLinkRequest): Promise<JiraResult<void>>;
  getIssueStatus(issueKey: string): Promise<JiraResult<IssueStatus>>;
  /** Issues whose `incident-bridge-problem` entity property has this problemKey (JQL, newest first). */
  findByProblemKey(problemKey: string): Promise<JiraResult<readonly IssueStatus[]>>;
  /** Whether any issue carries the `incident-bridge-problem` property: one JQL search, at most one result. */
  hasProblemIssues(): Promise<JiraResult<boolean>>;
}

/** Calls made as the signed-in user (`api.asUser()`), for permission checks in resolvers. */
export interface JiraUserPort {
  canAdministerProject(projectKey: string): Promise<JiraResult<boolean>>;
}

/** The signed-in user's global permission (asked as the user). */
export interface JiraSitePermissionPort {
  /** Jira's global ADMINISTER ("Administer Jira"). */
  canAdministerJira(): Promise<JiraResult<boolean>>;
}

export function describeJiraFailure(failure: JiraFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return `Jira rate limit${failure.reason ? ` (${failure.reason})` : ''}, retry after ${failure.retryAfterSeconds} s`;
    case 'unavailable':
      return `Jira unavailable${failure.status === undefined ? '' : ` (HTTP ${failure.status})`}: ${failure.message}`;
    case 'not-found':
      return `not found in Jira: ${failure.message}`;
    case 'rejected':
      return `Jira refused the request (HTTP ${failure.status}): ${failure.jiraMessages.join('; ') || 'no message'}`;
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected Jira failure ${JSON.stringify(x)}`);
}
