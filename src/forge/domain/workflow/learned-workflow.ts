import type { StatusCategoryKey, WorkflowGraph, WorkflowStatus, WorkflowTransition } from './workflow-path';

/**
 * What the app knows of a project's workflow. Jira offers no workflow read to apps with only the work
 * scopes, so the graph is learned: the project's statuses, and each status's outgoing transitions the
 * first time an issue stands in it (`knownFrom`). Planning on it (next-move.ts) never uses a transition
 * that was not seen.
 */
export interface LearnedWorkflow {
  readonly statuses: readonly WorkflowStatus[];
  readonly transitions: readonly WorkflowTransition[];
  /** Status ids whose outgoing transitions were read from Jira. */
  readonly knownFrom: readonly string[];
}

/** A transition as Jira offers it from one status (GET issue/{id}/transitions). */
export interface OfferedTransition {
  readonly id: string;
  readonly name: string;
  readonly to: { readonly id: string; readonly name: string; readonly category: string };
}

export const EMPTY_LEARNED_WORKFLOW: LearnedWorkflow = { statuses: [], transitions: [], knownFrom: [] };

/** Jira's `undefined` category (no category) walks like work in progress. */
export function asCategory(category: string): StatusCategoryKey {
  return category === 'new' || category === 'indeterminate' || category === 'done' ? category : 'indeterminate';
}

export function asWorkflowStatus(status: { readonly id: string; readonly name: string; readonly category: string }): WorkflowStatus {
  return { id: status.id, name: status.name, category: asCategory(status.category) };
}

export function withStatus(learned: LearnedWorkflow, status: WorkflowStatus): LearnedWorkflow {
  return learned.statuses.some((s) => s.id === status.id) ? learned : { ...learned, statuses: [...learned.statuses, status] };
}

export function withStatuses(learned: LearnedWorkflow, statuses: readonly WorkflowStatus[]): LearnedWorkflow {
  return statuses.reduce(withStatus, learned);
}

/** What Jira offered from `fromStatusId` replaces what was known from there. */
export function learnFrom(learned: LearnedWorkflow, fromStatusId: string, offered: readonly OfferedTransition[]): LearnedWorkflow {
  const statuses = withStatuses(learned, offered.map((t) => asWorkflowStatus(t.to))).statuses;
  return {
    statuses,
    transitions: [...learned.transitions.filter((t) => !t.from.includes(fromStatusId)), ...offered.map((t) => ({ id: t.id, name: t.name, from: [fromStatusId], to: t.to.id }))],
    knownFrom: [...learned.knownFrom.filter((id) => id !== fromStatusId), fromStatusId],
  };
}

export function graphOf(learned: LearnedWorkflow, initialStatusId: string): WorkflowGraph {
  return { initialStatusId, statuses: learned.statuses, transitions: learned.transitions };
}
