import type { AvailableTransition, IssueStatus, JiraResult, JiraStatus } from './jira';

/**
 * The Jira calls the workflow engine (src/forge/workflow) makes. Both the alert port (JiraPort) and the
 * incident port (JiraIncidentPort) have them, so each feature passes its own.
 */
export interface JiraTransitionsPort {
  /** GET /rest/api/3/issue/{id}/transitions: what Jira offers from the issue's current status. */
  getTransitions(issueIdOrKey: string): Promise<JiraResult<readonly AvailableTransition[]>>;
  /** POST /rest/api/3/issue/{id}/transitions: one workflow step. */
  transitionIssue(issueIdOrKey: string, transitionId: string): Promise<JiraResult<void>>;
}

/** What moving along a planned path needs besides: where the issue stands, and the project's statuses. */
export interface JiraWorkflowPort extends JiraTransitionsPort {
  getIssueStatus(issueIdOrKey: string): Promise<JiraResult<IssueStatus>>;
  /** Every status of a project's workflows (names, ids, categories), deduplicated. */
  getProjectStatuses(projectKey: string): Promise<JiraResult<readonly JiraStatus[]>>;
}
