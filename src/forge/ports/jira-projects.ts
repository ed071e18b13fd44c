import type { JiraResult } from './jira';
import type { FieldInfo, StatusCategoryKey, StatusChange } from '../domain/projects';
import type { JiraUser } from '../domain/incidents';

/** The Jira calls the project sync makes (as the app). */
export interface ProjectSummary {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

export interface ProjectPage {
  readonly values: readonly ProjectSummary[];
  readonly isLast: boolean;
}

export interface IssueSearchRequest {
  readonly jql: string;
  readonly nextPageToken: string | undefined;
  readonly maxResults: number;
  readonly fields: readonly string[];
  readonly expand: string;
  readonly properties: readonly string[];
}

export interface IssueSearchPage {
  /** Raw issues: each is mapped (and may fail) on its own. */
  readonly issues: readonly unknown[];
  readonly nextPageToken: string | undefined;
  readonly isLast: boolean;
}

export interface StatusHistoryRequest {
  /** At most BULK_CHANGELOG_MAX_ISSUES ids. */
  readonly issueIds: readonly string[];
  readonly nextPageToken: string | undefined;
}

/** One page of status moves of several issues, oldest first across all of them. */
export interface StatusHistoryPage {
  readonly changes: ReadonlyMap<string, readonly StatusChange[]>;
  readonly nextPageToken: string | undefined;
}

export interface JiraProjectsPort {
  searchProjects(startAt: number, maxResults: number): Promise<JiraResult<ProjectPage>>;
  /** The app user's profile time zone: JQL dates are read in it. */
  myTimeZone(): Promise<JiraResult<string>>;
  listFields(): Promise<JiraResult<readonly FieldInfo[]>>;
  projectStatusCategories(projectKey: string): Promise<JiraResult<ReadonlyMap<string, StatusCategoryKey>>>;
  searchIssues(request: IssueSearchRequest): Promise<JiraResult<IssueSearchPage>>;
  /** Status moves only (the bulk changelog endpoint, filtered to the status field). */
  statusHistories(request: StatusHistoryRequest): Promise<JiraResult<StatusHistoryPage>>;
}

/** Jira's user search as the app (the settings page's user matching). */
export interface JiraUserSearchPort {
  /** GET /rest/api/3/user/search: one page of users whose name (or visible email) starts with the query. */
  searchUsers(query: string, startAt: number, maxResults: number): Promise<JiraResult<readonly JiraUser[]>>;
}
