import { normalizeName } from './status-name';

/**
 * A project's workflow as a graph, read from Jira once and cached by the adapter.
 * `from` empty means a global transition (available from every status). Initial transitions (the one
 * that creates an issue) must not be included.
 */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface WorkflowStatus {
  readonly id: string;
  readonly name: string;
  readonly category: StatusCategoryKey;
}

export interface WorkflowTransition {
  readonly id: string;
  readonly name: string;
  readonly from: readonly string[];
  readonly to: string;
}

export interface WorkflowGraph {
  /** Status a freshly created issue is in. */
  readonly initialStatusId: string;
  readonly statuses: readonly WorkflowStatus[];
  readonly transitions: readonly WorkflowTransition[];
}

export interface TransitionStep {
  readonly transitionId: string;
  readonly transitionName: string;
  readonly fromStatusId: string;
  readonly toStatusId: string;
  readonly toStatusName: string;
}

export interface AvailableTransition {
  readonly id: string;
  readonly name: string;
  readonly toStatusId: string;
  readonly toStatusName: string;
}

export type TransitionPathResult =
  | { readonly ok: true; readonly steps: readonly TransitionStep[] }
  | {
      readonly ok: false;
      readonly reason: 'unknown-status' | 'no-path';
      readonly fromStatusId: string;
      readonly target: string;
      /** What Jira offers from the current status, for the failed-delivery record. */
      readonly available: readonly AvailableTransition[];
    };

export function findStatusByName(graph: WorkflowGraph, name: string): WorkflowStatus | undefined {
  const wanted = normalizeName(name);
  return graph.statuses.find((s) => normalizeName(s.name) === wanted);
}

/** Transitions Jira offers in `statusId`, in workflow order (never a transition to the same status). */
export function transitionsFrom(graph: WorkflowGraph, statusId: string): WorkflowTransition[] {
  return graph.transitions.filter((t) => (t.from.length === 0 || t.from.includes(statusId)) && t.to !== statusId);
}

function available(graph: WorkflowGraph, statusId: string): AvailableTransition[] {
  return transitionsFrom(graph, statusId).map((t) => ({
    id: t.id,
    name: t.name,
    toStatusId: t.to,
    toStatusName: graph.statuses.find((s) => s.id === t.to)?.name ?? t.to,
  }));
}

/**
 * Fewest transitions from `fromStatusId` to the status named `targetName` (breadth-first; ties go to the
 * earlier transition in workflow order). A done-category status is never an intermediate: passing through
 * "Closed" would set a resolution and fire closure automation on the way. The start and the target may be
 * done (reopening, closing).
 */
export function findTransitionPath(graph: WorkflowGraph, fromStatusId: string, targetName: string): TransitionPathResult {
  const target = findStatusByName(graph, targetName);
  const start = graph.statuses.find((s) => s.id === fromStatusId);
  if (!target || !start) {
    return { ok: false, reason: 'unknown-status', fromStatusId, target: targetName, available: start ? available(graph, fromStatusId) : [] };
  }
  if (target.id === start.id) return { ok: true, steps: [] };
  const byId = new Map(graph.statuses.map((s) => [s.id, s]));
  const cameFrom = new Map<string, TransitionStep>();
  const visited = new Set<string>([start.id]);
  let frontier: string[] = [start.id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const statusId of frontier) {
      const status = byId.get(statusId);
      // Only the start may be left from a done status.
      if (!status || (status.category === 'done' && statusId !== start.id)) continue;
      for (const t of transitionsFrom(graph, statusId)) {
        const to = byId.get(t.to);
        if (!to || visited.has(to.id)) continue;
        visited.add(to.id);
        cameFrom.set(to.id, { transitionId: t.id, transitionName: t.name, fromStatusId: statusId, toStatusId: to.id, toStatusName: to.name });
        if (to.id === target.id) return { ok: true, steps: unwind(cameFrom, start.id, target.id) };
        next.push(to.id);
      }
    }
    frontier = next;
  }
  return { ok: false, reason: 'no-path', fromStatusId, target: target.name, available: available(graph, fromStatusId) };
}

function unwind(cameFrom: ReadonlyMap<string, TransitionStep>, startId: string, targetId: string): TransitionStep[] {
  const steps: TransitionStep[] = [];
  for (let at = targetId; at !== startId; ) {
    const step = cameFrom.get(at);
    if (!step) throw new Error('unreachable: broken path');
    steps.push(step);
    at = step.fromStatusId;
  }
  return steps.reverse();
}
