/** The issue as the caller sees it (null: no such issue, or not visible to them). */
export interface VisibleIssue {
  readonly id: string;
  readonly key: string;
  readonly statusName: string | null;
}

/** Reads an issue as the calling user (Jira's permission check is the user's, not the app's). */
export type ReadIssueAsUser = (issueKey: string) => Promise<VisibleIssue | null>;
