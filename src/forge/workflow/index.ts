export { locateIssue, moveIssue, moveIssueToStatus, type IssueInWorkflow, type MoveResult, type WorkflowDeps } from './move-issue';
export { takeTransition, type TransitionChoice, type TransitionDeps } from './take-transition';
export { placeOf, projectOfIssueKey, type TransitionPlace } from './transition-cache';
