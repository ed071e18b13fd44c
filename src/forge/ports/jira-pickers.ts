import type { JiraResult } from './jira';

/** What the Mappings tab's pickers offer, read from Jira as the signed-in user (they see what the user sees). */
export interface PickerProject {
  readonly key: string;
  readonly name: string;
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

export interface JiraMappingPickersPort {
  /** GET /rest/api/3/project/search, the first page (100 projects) matching `query` (key or name). */
  projects(query: string): Promise<JiraResult<readonly PickerProject[]>>;
  /** GET /rest/api/3/project/{key}/statuses: the statuses of every issue type's workflow, once each. */
  statuses(projectKey: string): Promise<JiraResult<readonly PickerStatus[]>>;
  /** GET /rest/api/3/field: the custom fields. */
  customFields(): Promise<JiraResult<readonly PickerField[]>>;
}
