import type { LearnedWorkflow } from './learned-workflow';
import { graphOf } from './learned-workflow';
import { normalizeName } from './status-name';
import { findStatusByName, findTransitionPath, transitionsFrom, type StatusCategoryKey, type TransitionStep, type WorkflowStatus } from './workflow-path';

/**
 * The workflow engine's next move toward the status named `targetName`, decided on what is learned:
 *  - arrived: the issue shows the target;
 *  - learn: the transitions from the current status were never read (read them, then decide again);
 *  - path: the fewest known transitions to the target (findTransitionPath, the same planning the incident
 *    plan uses, so a plan made on the same graph has the same steps);
 *  - explore: the target is not reachable on what is known: one transition toward the target's category,
 *    never into a done status (closure automation) nor back to a status already visited, and the graph
 *    grows from there;
 *  - stuck: nothing left to try.
 */
export type NextMove =
  | { readonly kind: 'arrived' }
  | { readonly kind: 'learn'; readonly fromStatusId: string }
  | { readonly kind: 'path'; readonly steps: readonly TransitionStep[] }
  | { readonly kind: 'explore'; readonly step: TransitionStep }
  | { readonly kind: 'stuck' };

const CATEGORY_RANK: Record<StatusCategoryKey, number> = { new: 0, indeterminate: 1, done: 2 };

export function nextMove(learned: LearnedWorkflow, at: WorkflowStatus, targetName: string, visited: ReadonlySet<string>): NextMove {
  if (normalizeName(at.name) === normalizeName(targetName)) return { kind: 'arrived' };
  if (!learned.knownFrom.includes(at.id)) return { kind: 'learn', fromStatusId: at.id };
  const graph = graphOf(learned, at.id);
  const known = graph.statuses.some((s) => s.id === at.id) ? graph : { ...graph, statuses: [...graph.statuses, at] };
  const path = findTransitionPath(known, at.id, targetName);
  if (path.ok) return path.steps.length > 0 ? { kind: 'path', steps: path.steps } : { kind: 'arrived' };
  const target = findStatusByName(known, targetName);
  if (!target) return { kind: 'stuck' };
  const wanted = CATEGORY_RANK[target.category];
  const options = transitionsFrom(known, at.id)
    .map((t) => ({ t, to: known.statuses.find((s) => s.id === t.to) }))
    .filter((o): o is { t: (typeof o)['t']; to: WorkflowStatus } => o.to !== undefined && !visited.has(o.to.id) && o.to.category !== 'done');
  // Stable sort: ties keep workflow order.
  options.sort((a, b) => Math.abs(CATEGORY_RANK[a.to.category] - wanted) - Math.abs(CATEGORY_RANK[b.to.category] - wanted));
  const best = options[0];
  return best
    ? { kind: 'explore', step: { transitionId: best.t.id, transitionName: best.t.name, fromStatusId: at.id, toStatusId: best.to.id, toStatusName: best.to.name } }
    : { kind: 'stuck' };
}
