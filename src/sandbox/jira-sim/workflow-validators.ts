/**
 * Workflow validators on transitions, run as Jira Cloud runs a Forge `jira:workflowValidator` with a
 * `function`: before the transition is performed, Jira invokes the app's function with
 * `{ issue: { key }, transition: { from: { id: <status id> }, to: { id: <status id> } } }` and expects
 * `{ result: boolean, errorMessage?: string }`; on `result: false` the issue stays where it is, no post
 * function runs, and the caller sees the error message. Source: Forge manifest reference, "Jira workflow
 * validator", https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator/
 * ("Validating with lambda functions"). Over REST the refusal is a 400 ErrorCollection with the message in
 * `errorMessages` (POST /rest/api/3/issue/{issueIdOrKey}/transitions: "400 ... the request is invalid for
 * any other reason", pinned spec).
 *
 * Never kinder than Jira: a validator whose function throws, times out, answers something that is not
 * `{result: boolean}`, or whose app is not installed (no runner) refuses the transition. Jira documents the
 * same for expression validators ("evaluates to false in all other cases, including ... the app providing
 * the workflow validator is uninstalled").
 */
import { JiraError } from './errors';
import type { Actor } from './issue-ops';
import type { IssueRecord, ProjectRecord, TransitionRecord } from './model';

/** The argument Jira passes the validator function (documented shape, nothing more). */
export interface WorkflowValidatorPayload {
  readonly issue: { readonly key: string };
  readonly transition: { readonly from: { readonly id: string }; readonly to: { readonly id: string } };
}

export interface WorkflowValidatorCall {
  /** The `jira:workflowValidator` module key, e.g. `incident-closure`. */
  readonly validatorKey: string;
  readonly payload: WorkflowValidatorPayload;
  /** Who asked for the transition (the function itself runs as the app: asUser is not available to it). */
  readonly actor: Actor;
}

/** Runs one validator; resolves to what the function returned, or rejects when the invocation failed. */
export type WorkflowValidatorRunner = (call: WorkflowValidatorCall) => Promise<unknown>;

/** Shown when a validator fails without a usable message (our wording: Jira's is not documented). */
export const VALIDATOR_FAILED_MESSAGE = 'The transition was refused by a workflow validator that could not be run.';

export class WorkflowValidators {
  /** workflow name → transition id → validator keys, in the order added. */
  private readonly attached = new Map<string, Map<string, string[]>>();
  private runner: WorkflowValidatorRunner | undefined;

  /** Puts a validator on transitions of a workflow (as an admin does in the workflow editor). */
  attach(workflowName: string, transitionIds: readonly string[], validatorKey: string): void {
    const byTransition = this.attached.get(workflowName) ?? new Map<string, string[]>();
    for (const id of transitionIds) {
      const keys = byTransition.get(id) ?? [];
      if (!keys.includes(validatorKey)) keys.push(validatorKey);
      byTransition.set(id, keys);
    }
    this.attached.set(workflowName, byTransition);
  }

  detach(workflowName: string, validatorKey: string): void {
    for (const keys of this.attached.get(workflowName)?.values() ?? []) {
      const at = keys.indexOf(validatorKey);
      if (at >= 0) keys.splice(at, 1);
    }
  }

  validatorsOn(workflowName: string, transitionId: string): readonly string[] {
    return this.attached.get(workflowName)?.get(transitionId) ?? [];
  }

  /** The installed app that answers validator calls (the Forge host); returns the uninstall function. */
  setRunner(runner: WorkflowValidatorRunner): () => void {
    this.runner = runner;
    return () => {
      if (this.runner === runner) this.runner = undefined;
    };
  }

  /** Runs every validator on the transition, in order; throws Jira's 400 at the first refusal. */
  async check(project: ProjectRecord, issue: IssueRecord, transition: TransitionRecord, actor: Actor): Promise<void> {
    for (const validatorKey of this.validatorsOn(project.workflow.name, transition.id)) {
      const payload: WorkflowValidatorPayload = { issue: { key: issue.key }, transition: { from: { id: issue.statusId }, to: { id: transition.to } } };
      const refusal = await this.run({ validatorKey, payload, actor });
      if (refusal !== null) throw new JiraError(400, [refusal]);
    }
  }

  private async run(call: WorkflowValidatorCall): Promise<string | null> {
    if (!this.runner) return VALIDATOR_FAILED_MESSAGE;
    let answer: unknown;
    try {
      answer = await this.runner(call);
    } catch {
      return VALIDATOR_FAILED_MESSAGE;
    }
    if (typeof answer !== 'object' || answer === null || typeof (answer as { result?: unknown }).result !== 'boolean') return VALIDATOR_FAILED_MESSAGE;
    const { result, errorMessage } = answer as { result: boolean; errorMessage?: unknown };
    if (result) return null;
    return typeof errorMessage === 'string' && errorMessage.trim() !== '' ? errorMessage : VALIDATOR_FAILED_MESSAGE;
  }
}
