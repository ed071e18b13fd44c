import type { JiraFailure } from '../ports/jira';
import { describeJiraFailure } from '../ports/jira';

/** What happened to one problem (one Jira issue) of a notification. */
export type ProblemOutcome =
  | { readonly kind: 'created'; readonly problemKey: string; readonly issueKey: string; readonly linkedTo?: string }
  | { readonly kind: 'commented'; readonly problemKey: string; readonly issueKey: string; readonly transitioned: boolean }
  | { readonly kind: 'transitioned'; readonly problemKey: string; readonly issueKey: string }
  /** Storm guard: listed on the rule's storm issue instead of an issue of its own, or a rolled problem's update there. */
  | { readonly kind: 'rolled'; readonly problemKey: string; readonly issueKey: string; readonly action: 'rolled-in' | 'commented'; readonly stormResolved: boolean }
  | { readonly kind: 'skipped'; readonly problemKey?: string; readonly reason: string }
  | { readonly kind: 'failed'; readonly problemKey: string; readonly reason: string };

/** Why applying a notification stopped: Jira's answer, a concurrent creator, or a body the app cannot read. */
export type ApplyFailure = JiraFailure | { readonly kind: 'busy'; readonly retryAfterSeconds: number; readonly message: string } | { readonly kind: 'invalid'; readonly message: string };

export function isRetryable(failure: ApplyFailure): boolean {
  switch (failure.kind) {
    case 'rate-limited':
    case 'unavailable':
    case 'busy':
      return true;
    case 'not-found':
    case 'rejected':
    case 'invalid':
      return false;
    default:
      return assertNever(failure);
  }
}

export function describeFailure(failure: ApplyFailure): string {
  switch (failure.kind) {
    case 'busy':
    case 'invalid':
      return failure.message;
    default:
      return describeJiraFailure(failure);
  }
}

export function describeProblemOutcome(outcome: ProblemOutcome): string {
  switch (outcome.kind) {
    case 'created':
      return `created ${outcome.issueKey}${outcome.linkedTo ? ` (linked to ${outcome.linkedTo})` : ''}`;
    case 'commented':
      return `commented ${outcome.issueKey}${outcome.transitioned ? ' and transitioned it' : ''}`;
    case 'transitioned':
      return `transitioned ${outcome.issueKey}`;
    case 'rolled':
      return `${outcome.action === 'rolled-in' ? 'rolled into' : 'commented on'} storm issue ${outcome.issueKey}${outcome.stormResolved ? ' (all its problems resolved: storm resolved)' : ''}`;
    case 'skipped':
      return `skipped because ${outcome.reason}`;
    case 'failed':
      return `failed: ${outcome.reason}`;
    default:
      return assertNever(outcome);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
