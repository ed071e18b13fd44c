import type { AdfDoc } from './adf';
import type { IssueFields } from './content';
import type { TransitionTarget } from './rules';

/**
 * What `decide` asks the adapters to do. Each Jira command is exactly one Jira REST v3 call, so counting
 * commands counts calls; each carries everything the call needs.
 */

/** Issue entity property set in the create request; a `jira:entityProperty` module indexes `problemKey`. */
export const PROBLEM_PROPERTY_KEY = 'incident-bridge-problem';

/** The comment entity property every alert comment carries: which problem and which relay event wrote it. */
export const ALERT_COMMENT_PROPERTY = 'incident-bridge-alert';

export interface AlertCommentProperty {
  readonly problemKey: string;
  readonly eventId: string;
}

export interface ProblemProperty {
  /** `am:fp:<hex>` / `am:grp:<hex>`: find with JQL `issue.property[incident-bridge-problem].problemKey = "…"`. */
  readonly problemKey: string;
  readonly source: 'alertmanager';
  readonly grouping: 'fingerprint' | 'group';
  /** Fingerprint or groupKey, verbatim (for people; JQL uses problemKey). */
  readonly identity: string;
  readonly ruleId: string;
}

/** An issue named by key, or the one the `create` command of the same decision makes. */
export type IssueRef = { readonly kind: 'existing'; readonly key: string } | { readonly kind: 'created' };

/** POST /rest/api/3/issue with this body: `{fields, properties}`. */
export interface CreateCommand {
  readonly kind: 'create';
  readonly problemKey: string;
  readonly body: {
    readonly fields: IssueFields;
    readonly properties: readonly [{ readonly key: typeof PROBLEM_PROPERTY_KEY; readonly value: ProblemProperty }];
  };
}

/** POST /rest/api/3/issue/{key}/comment with `{body}`. */
export interface CommentCommand {
  readonly kind: 'comment';
  readonly issue: IssueRef;
  readonly body: AdfDoc;
}

/**
 * POST /rest/api/3/issue/{key}/transitions with `{transition: {id}}`. With `by: 'id'` no lookup is needed;
 * by name or status category the adapter resolves the id from GET …/transitions (cache it per project and
 * issue type to keep within the call targets).
 */
export interface TransitionCommand {
  readonly kind: 'transition';
  readonly issue: IssueRef;
  readonly purpose: 'resolve' | 'reopen';
  readonly target: TransitionTarget;
}

/** POST /rest/api/3/issueLink with `{type: {name}, inwardIssue: {key}, outwardIssue: {key}}`. */
export interface LinkCommand {
  readonly kind: 'link';
  readonly linkType: { readonly name: string };
  /** The new issue. */
  readonly outwardIssue: IssueRef;
  /** The earlier, Done issue for the same problem. */
  readonly inwardIssue: IssueRef;
}

/** No Jira call: drop what KVS maps to a deleted issue (problem state, status mirror). */
export interface ForgetCommand {
  readonly kind: 'forget';
  readonly problemKey: string;
  readonly issueKey: string;
  readonly reason: 'issue-not-found';
}

export type NothingReason =
  | 'unchanged'
  | 'stale'
  | 'resolved-without-issue'
  | 'issue-done'
  | 'suppressed'
  | 'no-rule'
  | 'no-alerts';

export interface NothingCommand {
  readonly kind: 'nothing';
  readonly reason: NothingReason;
}

export type JiraCommand = CreateCommand | CommentCommand | TransitionCommand | LinkCommand;
export type Command = JiraCommand | ForgetCommand | NothingCommand;

export function isJiraCommand(c: Command): c is JiraCommand {
  switch (c.kind) {
    case 'create':
    case 'comment':
    case 'transition':
    case 'link':
      return true;
    case 'forget':
    case 'nothing':
      return false;
    default:
      return assertNever(c);
  }
}

/** Jira REST calls the adapter makes for these commands (one per Jira command). */
export function jiraCallCount(commands: readonly Command[]): number {
  return commands.filter(isJiraCommand).length;
}

function assertNever(x: never): never {
  throw new Error(`unexpected command ${JSON.stringify(x)}`);
}
