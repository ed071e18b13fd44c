/**
 * Jira's create metadata, as the app reads it (GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes and
 * /issuetypes/{issueTypeId}; schemas PageOfCreateMetaIssueTypes and PageOfCreateMetaIssueTypeWithField of the
 * pinned spec), reduced to what the pre-flight check needs.
 */
export interface CreateMetaIssueType {
  readonly id: string;
  readonly name: string;
  readonly subtask: boolean;
}

/** One entry of a field's `allowedValues`: priorities and components have `name`, options `value`. */
export interface CreateMetaAllowedValue {
  readonly id?: string;
  readonly name?: string;
  readonly value?: string;
  readonly disabled?: boolean;
}

export interface CreateMetaField {
  readonly fieldId: string;
  readonly name: string;
  readonly required: boolean;
  readonly hasDefaultValue: boolean;
  /** `schema.type` (`string`, `priority`, `array`, `option`, …) and `schema.items` for arrays. */
  readonly schemaType: string;
  readonly items?: string;
  /** null: Jira lists no allowed values for the field (any value of its type is accepted). */
  readonly allowedValues: readonly CreateMetaAllowedValue[] | null;
}

/** What Jira told us about one project + issue type; `fields` is null when the issue type is not in the project. */
export interface CreateMetadata {
  readonly projectKey: string;
  readonly issueTypes: readonly CreateMetaIssueType[];
  readonly issueType: CreateMetaIssueType | null;
  readonly fields: readonly CreateMetaField[] | null;
}

/** An issue type named as the rule names it: its name (`Bug`) or numeric id (`10004`), as Jira's create accepts. */
export function resolveIssueType(issueTypes: readonly CreateMetaIssueType[], wanted: string): CreateMetaIssueType | null {
  const trimmed = wanted.trim();
  if (/^\d+$/.test(trimmed)) return issueTypes.find((t) => t.id === trimmed) ?? null;
  return issueTypes.find((t) => t.name === trimmed) ?? null;
}
