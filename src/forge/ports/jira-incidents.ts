import type { JiraResult, JiraStatus, AvailableTransition, CreatedIssue, IssueLinkRequest, IssueStatus } from './jira';
import type { AdfDoc, IssueLinkType, JiraUser } from '../domain/incidents';

export interface EntityProperty {
  readonly key: string;
  readonly value: unknown;
}

export interface CommentPage {
  readonly comments: readonly { readonly id: string; readonly created: string | undefined }[];
  readonly startAt: number;
  readonly total: number;
}

/**
 * The Jira REST calls the Impact incident sync makes, as the app. Same failure union as the alert port
 * (ports/jira.ts), kept a separate interface so the alert path's wrappers and fakes stay as they are.
 */
export interface JiraIncidentPort {
  /** POST /issue with entity properties set in the same request. */
  createIssue(fields: Readonly<Record<string, unknown>>, properties: readonly { key: string; value: unknown }[]): Promise<JiraResult<CreatedIssue>>;
  editIssue(issueIdOrKey: string, fields: Readonly<Record<string, unknown>>): Promise<JiraResult<void>>;
  /**
   * POST /issue/{id}/comment as the app (its own comment events are dropped by the trigger's ignoreSelf),
   * with comment entity properties set in the same request.
   */
  addComment(issueIdOrKey: string, body: AdfDoc, properties?: readonly EntityProperty[]): Promise<JiraResult<{ readonly id: string }>>;
  /** GET /issue/{id}/comment, newest first: one page of ids and `created` times (no properties: see below). */
  listComments(issueIdOrKey: string, page: { readonly startAt: number; readonly maxResults: number }): Promise<JiraResult<CommentPage>>;
  /**
   * POST /comment/list?expand=properties: these comments (≤ 1000 ids) with their entity properties. The
   * pinned spec documents the `properties` expand here only, not on getComments.
   */
  getCommentProperties(commentIds: readonly string[]): Promise<JiraResult<readonly { readonly id: string; readonly properties: readonly EntityProperty[] }[]>>;
  /** PUT /issue/{id}/comment/{commentId}: the app's own copy of an Impact note, after the note changed. */
  editComment(issueIdOrKey: string, commentId: string, body: AdfDoc): Promise<JiraResult<void>>;
  /** DELETE /issue/{id}/comment/{commentId} (a comment already gone is a `not-found` failure). */
  deleteComment(issueIdOrKey: string, commentId: string): Promise<JiraResult<void>>;
  getIssueStatus(issueIdOrKey: string): Promise<JiraResult<IssueStatus>>;
  /** POST /search/jql: the issues (id, key) an entity-property JQL finds, oldest first (at most 10). */
  findIssues(jql: string): Promise<JiraResult<readonly { readonly id: string; readonly key: string }[]>>;
  /** GET /issue?fields=…: the raw values of these fields (what a person sees now, before the app writes). */
  getIssueFields(issueIdOrKey: string, fieldIds: readonly string[]): Promise<JiraResult<Readonly<Record<string, unknown>>>>;
  getTransitions(issueIdOrKey: string): Promise<JiraResult<readonly AvailableTransition[]>>;
  transitionIssue(issueIdOrKey: string, transitionId: string): Promise<JiraResult<void>>;
  assignIssue(issueIdOrKey: string, accountId: string | null): Promise<JiraResult<void>>;
  getLinkTypes(): Promise<JiraResult<readonly IssueLinkType[]>>;
  linkIssues(request: IssueLinkRequest): Promise<JiraResult<void>>;
  /** Every status of a project's workflows (names, ids, categories), deduplicated. */
  getProjectStatuses(projectKey: string): Promise<JiraResult<readonly JiraStatus[]>>;
  searchUsers(query: string): Promise<JiraResult<readonly JiraUser[]>>;
  getUser(accountId: string): Promise<JiraResult<JiraUser>>;
}
