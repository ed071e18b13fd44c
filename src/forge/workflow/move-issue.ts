import { asWorkflowStatus, learnFrom, nextMove, normalizeName, withStatus, withStatuses, type LearnedWorkflow, type TransitionStep, type WorkflowStatus } from '../domain/workflow';
import type { JiraFailure, JiraResult, JiraStatus } from '../ports/jira';
import type { JiraWorkflowPort } from '../ports/jira-workflow';
import type { KeyValueStore } from '../ports/key-value-store';
import { forgetOffered, readLearnedWorkflow, rememberOffered, rememberStatuses, statusPlace } from './transition-cache';

/**
 * The workflow engine: moves an issue to a target status along a plan, one POST per workflow step. The
 * caller's domain chooses the target and may hand the steps it planned (they are run exactly as planned);
 * when the plan could not reach the target on what was learned, the engine decides with the domain's
 * nextMove (learn the current status's transitions, take the known path, or explore one step) and plans
 * again from where the issue stands.
 */
export interface WorkflowDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraWorkflowPort;
}

/** Where an issue stands, with what is learned of its project's workflow (transitions from there included). */
export interface IssueInWorkflow {
  readonly projectKey: string;
  readonly issueId: string;
  readonly status: WorkflowStatus;
  readonly learned: LearnedWorkflow;
}

export type MoveResult =
  | { readonly ok: true; readonly transitions: number; readonly steps: readonly TransitionStep[]; readonly status: WorkflowStatus }
  | { readonly ok: false; readonly failure: JiraFailure; readonly transitions: number; readonly steps: readonly TransitionStep[] }
  | {
      readonly ok: false;
      readonly failure: { readonly kind: 'no-path'; readonly target: string; readonly from: string };
      readonly transitions: number;
      readonly steps: readonly TransitionStep[];
    };

/** Longest walk (planned steps plus exploration) before giving up. */
const MAX_MOVES = 12;

/**
 * Reads the issue's status and the learned workflow (the statuses from Jira once per day), and learns the
 * transitions from the current status unless the issue already shows `targetName` — what a plan needs.
 * `from`: the issue's status as the caller has just read it (saves that read).
 */
export async function locateIssue(deps: WorkflowDeps, projectKey: string, issueId: string, targetName: string, from?: JiraStatus): Promise<JiraResult<IssueInWorkflow>> {
  let read: JiraStatus;
  if (from) read = from;
  else {
    const current = await deps.jira.getIssueStatus(issueId);
    if (!current.ok) return current;
    read = current.value.status;
  }
  const status = asWorkflowStatus(read);
  const cached = await readLearnedWorkflow(deps.store, projectKey);
  let learned = cached.learned;
  if (!cached.hasStatuses) {
    const statuses = await deps.jira.getProjectStatuses(projectKey);
    if (statuses.ok) {
      const known = statuses.value.map(asWorkflowStatus);
      learned = withStatuses(learned, known);
      await rememberStatuses(deps.store, projectKey, known);
    }
  }
  learned = withStatus(learned, status);
  if (normalizeName(status.name) !== normalizeName(targetName) && !learned.knownFrom.includes(status.id)) {
    const offered = await learn(deps, projectKey, issueId, status.id, learned);
    if (!offered.ok) return offered;
    learned = offered.value;
  }
  return { ok: true, value: { projectKey, issueId, status, learned } };
}

/**
 * Moves the located issue to `targetName`. `planned`: the steps the caller's plan made on `at.learned`
 * from `at.status`, run first as they are; without them (or when they end short of the target) the engine
 * plans with nextMove.
 */
export async function moveIssue(deps: WorkflowDeps, at: IssueInWorkflow, targetName: string, planned?: readonly TransitionStep[]): Promise<MoveResult> {
  const { projectKey, issueId } = at;
  let status = at.status;
  let learned = at.learned;
  const taken: TransitionStep[] = [];
  const visited = new Set<string>([status.id]);
  let queued: readonly TransitionStep[] | undefined = planned && planned.length > 0 ? planned : undefined;
  for (let guard = 0; guard < MAX_MOVES; guard += 1) {
    const move = queued ? ({ kind: 'path', steps: queued } as const) : nextMove(learned, status, targetName, visited);
    queued = undefined;
    switch (move.kind) {
      case 'arrived':
        return { ok: true, transitions: taken.length, steps: taken, status };
      case 'stuck':
        return { ok: false, failure: { kind: 'no-path', target: targetName, from: status.name }, transitions: taken.length, steps: taken };
      case 'learn': {
        const offered = await learn(deps, projectKey, issueId, move.fromStatusId, learned);
        if (!offered.ok) return { ok: false, failure: offered.failure, transitions: taken.length, steps: taken };
        learned = offered.value;
        break;
      }
      case 'path':
      case 'explore':
        for (const step of move.kind === 'path' ? move.steps : [move.step]) {
          // A plan made from elsewhere (or through a status never read) stops here and is made again.
          if (step.fromStatusId !== status.id || !learned.knownFrom.includes(status.id)) break;
          const moved = await deps.jira.transitionIssue(issueId, step.transitionId);
          if (!moved.ok) {
            // What was cached from this status may be out of date: the next move reads it again.
            await forgetOffered(deps.store, statusPlace(projectKey, status.id));
            return { ok: false, failure: moved.failure, transitions: taken.length, steps: taken };
          }
          taken.push(step);
          status = learned.statuses.find((s) => s.id === step.toStatusId) ?? { id: step.toStatusId, name: step.toStatusName, category: 'indeterminate' };
          visited.add(status.id);
        }
        break;
      default:
        return assertNever(move);
    }
  }
  return { ok: false, failure: { kind: 'no-path', target: targetName, from: status.name }, transitions: taken.length, steps: taken };
}

/** Locates the issue and moves it, planning every step with nextMove (an issue just created, say). */
export async function moveIssueToStatus(deps: WorkflowDeps, projectKey: string, issueId: string, targetName: string, from?: JiraStatus): Promise<MoveResult> {
  const at = await locateIssue(deps, projectKey, issueId, targetName, from);
  if (!at.ok) return { ok: false, failure: at.failure, transitions: 0, steps: [] };
  return moveIssue(deps, at.value, targetName);
}

async function learn(deps: WorkflowDeps, projectKey: string, issueId: string, fromStatusId: string, learned: LearnedWorkflow): Promise<JiraResult<LearnedWorkflow>> {
  const offered = await deps.jira.getTransitions(issueId);
  if (!offered.ok) return offered;
  await rememberOffered(deps.store, statusPlace(projectKey, fromStatusId), offered.value);
  return { ok: true, value: learnFrom(learned, fromStatusId, offered.value) };
}

function assertNever(x: never): never {
  throw new Error(`unexpected workflow move ${JSON.stringify(x)}`);
}

