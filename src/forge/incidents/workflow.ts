import { findStatusByName, findTransitionPath, normalizeName, transitionsFrom, type StatusCategoryKey, type WorkflowGraph, type WorkflowStatus } from '../domain/incidents';
import type { JiraFailure, JiraStatus } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import { TRANSITIONS_TTL_SECONDS } from '../constants';
import { IncidentKeys, type LearnedWorkflow } from './incident-store';

/**
 * Jira offers no workflow read to apps with only the work scopes, so the graph is learned: the project's
 * statuses from `project/{key}/statuses`, and each status's transitions from `issue/{id}/transitions` the
 * first time an issue stands in it (cached a day). Paths are planned on what is known; when the target
 * is not reachable yet, the issue takes the transition heading toward the target's category and the
 * graph grows from there.
 */
export type MoveResult =
  | { readonly ok: true; readonly transitions: number; readonly status: JiraStatus }
  | { readonly ok: false; readonly failure: JiraFailure; readonly transitions: number }
  | { readonly ok: false; readonly failure: { readonly kind: 'no-path'; readonly target: string; readonly from: string }; readonly transitions: number };

const CATEGORY_RANK: Record<StatusCategoryKey, number> = { new: 0, indeterminate: 1, done: 2 };
const asCategory = (c: string): StatusCategoryKey => (c === 'new' || c === 'indeterminate' || c === 'done' ? c : 'indeterminate');
const toWorkflowStatus = (s: JiraStatus): WorkflowStatus => ({ id: s.id, name: s.name, category: asCategory(s.category) });

async function loadWorkflow(store: KeyValueStore, jira: JiraIncidentPort, projectKey: string): Promise<LearnedWorkflow> {
  const cached = await store.get<LearnedWorkflow>(IncidentKeys.workflow(projectKey));
  if (cached) return cached;
  const statuses = await jira.getProjectStatuses(projectKey);
  return { statuses: statuses.ok ? statuses.value.map(toWorkflowStatus) : [], transitions: [], knownFrom: [] };
}

function graphOf(learned: LearnedWorkflow, initialStatusId: string): WorkflowGraph {
  return { initialStatusId, statuses: learned.statuses, transitions: learned.transitions };
}

function withStatus(learned: LearnedWorkflow, status: WorkflowStatus): LearnedWorkflow {
  return learned.statuses.some((s) => s.id === status.id) ? learned : { ...learned, statuses: [...learned.statuses, status] };
}

/**
 * Moves an issue to the status named `targetName`, one POST per workflow step. `from`: the issue's status
 * as the caller has just read it (saves the read).
 */
export async function moveIssueToStatus(
  deps: { readonly jira: JiraIncidentPort; readonly store: KeyValueStore },
  projectKey: string,
  issueId: string,
  targetName: string,
  from?: JiraStatus,
): Promise<MoveResult> {
  const { jira, store } = deps;
  let status: JiraStatus;
  if (from) status = from;
  else {
    const current = await jira.getIssueStatus(issueId);
    if (!current.ok) return { ok: false, failure: current.failure, transitions: 0 };
    status = current.value.status;
  }
  let learned = withStatus(await loadWorkflow(store, jira, projectKey), toWorkflowStatus(status));
  let dirty = false;
  let transitions = 0;
  const visited = new Set<string>([status.id]);
  const save = async () => {
    if (dirty) await store.set(IncidentKeys.workflow(projectKey), learned, { ttlSeconds: TRANSITIONS_TTL_SECONDS });
  };
  try {
    for (let guard = 0; guard < 12; guard += 1) {
      if (normalizeName(status.name) === normalizeName(targetName)) return { ok: true, transitions, status };
      if (!learned.knownFrom.includes(status.id)) {
        const offered = await jira.getTransitions(issueId);
        if (!offered.ok) return { ok: false, failure: offered.failure, transitions };
        for (const t of offered.value) learned = withStatus(learned, toWorkflowStatus(t.to));
        const from = status.id;
        learned = {
          ...learned,
          transitions: [...learned.transitions.filter((t) => !t.from.includes(from)), ...offered.value.map((t) => ({ id: t.id, name: t.name, from: [from], to: t.to.id }))],
          knownFrom: [...learned.knownFrom, from],
        };
        dirty = true;
      }
      const graph = graphOf(learned, status.id);
      const path = findTransitionPath(graph, status.id, targetName);
      const steps = path.ok
        ? path.steps.map((s) => ({ transitionId: s.transitionId, toStatusId: s.toStatusId }))
        : exploreStep(graph, status.id, targetName, visited);
      if (steps.length === 0) return { ok: false, failure: { kind: 'no-path', target: targetName, from: status.name }, transitions };
      for (const step of steps) {
        // A path through a status whose transitions are unknown stops there and learns them first.
        if (!learned.knownFrom.includes(status.id)) break;
        const moved = await jira.transitionIssue(issueId, step.transitionId);
        if (!moved.ok) {
          // The cached transitions may be out of date: forget this status so the next event reads them again.
          const from = status.id;
          learned = { ...learned, knownFrom: learned.knownFrom.filter((id) => id !== from), transitions: learned.transitions.filter((t) => !t.from.includes(from)) };
          dirty = true;
          return { ok: false, failure: moved.failure, transitions };
        }
        transitions += 1;
        const to = learned.statuses.find((s) => s.id === step.toStatusId);
        status = { id: step.toStatusId, name: to?.name ?? step.toStatusId, category: to?.category ?? 'unknown' };
        visited.add(status.id);
      }
    }
    return { ok: false, failure: { kind: 'no-path', target: targetName, from: status.name }, transitions };
  } finally {
    await save();
  }
}

/** One transition toward the target's category, avoiding done statuses (closure automation) and loops. */
function exploreStep(graph: WorkflowGraph, fromId: string, targetName: string, visited: ReadonlySet<string>): { transitionId: string; toStatusId: string }[] {
  const target = findStatusByName(graph, targetName);
  if (!target) return [];
  const wanted = CATEGORY_RANK[target.category];
  const options = transitionsFrom(graph, fromId)
    .map((t) => ({ t, to: graph.statuses.find((s) => s.id === t.to) }))
    .filter((o): o is { t: (typeof o)['t']; to: WorkflowStatus } => o.to !== undefined && !visited.has(o.to.id) && o.to.category !== 'done');
  options.sort((a, b) => Math.abs(CATEGORY_RANK[a.to.category] - wanted) - Math.abs(CATEGORY_RANK[b.to.category] - wanted));
  const best = options[0];
  return best ? [{ transitionId: best.t.id, toStatusId: best.to.id }] : [];
}
