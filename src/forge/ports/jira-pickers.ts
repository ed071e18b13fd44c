import type { JiraResult, JiraStatus } from './jira';

/** A project the signed-in user can see (GET /rest/api/3/project/search). */
export interface PickerProject {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

/** The statuses of one issue type's workflow in a project (GET /rest/api/3/project/{key}/statuses). */
export interface PickerIssueTypeStatuses {
  readonly issueTypeId: string;
  readonly issueTypeName: string;
  readonly statuses: readonly JiraStatus[];
}

/**
 * What the rule editor's pickers read from Jira AS THE SIGNED-IN USER, so an admin is offered only what they
 * may see. Issue types, priorities, components, fields and options come from the create metadata
 * (CreateMetaPort): what Jira accepts on create, not every value the site has.
 */
export interface JiraPickerPort {
  /** Up to `maxResults` projects whose key or name contains `query` (every project when empty), by key. */
  searchProjects(query: string, maxResults: number): Promise<JiraResult<{ readonly projects: readonly PickerProject[]; readonly total: number }>>;
  projectStatuses(projectKey: string): Promise<JiraResult<readonly PickerIssueTypeStatuses[]>>;
}
