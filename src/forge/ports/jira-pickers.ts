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

export interface PickerStatus {
  readonly name: string;
  /** Jira's status category key: new, indeterminate, done. */
  readonly category: string;
}

export interface PickerField {
  readonly id: string;
  readonly name: string;
  /** The field's schema type (string, option, array, number, …); null when Jira gives none. */
  readonly type: string | null;
}

/** What the Mappings tab's pickers offer, read from Jira as the signed-in user (they see what the user sees). */
export interface JiraMappingPickersPort {
  /** GET /rest/api/3/project/search, the first page (100 projects) matching `query` (key or name). */
  projects(query: string): Promise<JiraResult<readonly PickerProject[]>>;
  /** GET /rest/api/3/project/{key}/statuses: the statuses of every issue type's workflow, once each. */
  statuses(projectKey: string): Promise<JiraResult<readonly PickerStatus[]>>;
  /** GET /rest/api/3/field: the custom fields. */
  customFields(): Promise<JiraResult<readonly PickerField[]>>;
}
