import type { Grouping } from './problem-key';
import type { ProblemState, StatusCategory } from './state';

/**
 * "Link by hand" (issue 16, row 37): an admin points an open alert problem at an existing Jira issue, so the
 * next notification of the group comments on (and resolves) that issue instead of opening a new one. Pure:
 * the caller reads the issue, what it is already linked to and the problem's record, and stores the answer.
 */

/** What an issue is already linked to, whichever feature linked it. */
export type ExistingIssueLink =
  | { readonly kind: 'alert'; readonly problemKey: string }
  | { readonly kind: 'incident'; readonly incidentId: string }
  | { readonly kind: 'post-mortem'; readonly incidentId: string };

export type LinkRefusal = { readonly code: 'conflict' | 'not-found'; readonly message: string };

/** The sentence a refusal uses for an issue that is linked already, for both link kinds. */
export function alreadyLinkedMessage(issueKey: string, existing: ExistingIssueLink): string {
  switch (existing.kind) {
    case 'alert':
      return `${issueKey} is already linked to an alert group (${existing.problemKey}); unlink it first`;
    case 'incident':
      return `${issueKey} is already linked to Impact incident ${existing.incidentId}; unlink it first`;
    case 'post-mortem':
      return `${issueKey} is the post-mortem of Impact incident ${existing.incidentId} and cannot be linked`;
    default:
      return assertNever(existing);
  }
}

/** A problem is open while one of its alerts is firing as last seen. */
export function isOpenProblem(state: Pick<ProblemState, 'alerts'>): boolean {
  return Object.values(state.alerts).some((a) => a.status === 'firing');
}

export interface AlertLinkInput {
  /** The issue to link, with its status category as Jira reports it now. */
  readonly issue: { readonly key: string; readonly statusCategory: StatusCategory };
  readonly existing: ExistingIssueLink | null;
  readonly problemKey: string;
  /** The problem's state as stored, its issue's category taken from the status mirror; null: none stored. */
  readonly problem: ProblemState | null;
  /** When the link is made (ISO 8601): the state's `updatedAt`. */
  readonly now: string;
}

export type AlertLinkDecision = { readonly ok: true; readonly state: ProblemState } | { readonly ok: false; readonly error: LinkRefusal };

/**
 * Links only an issue linked to nothing, to an open problem that has no open issue. A problem whose issue is
 * Done (closed by a person while the alert still fires) may take the new issue: the old one becomes a previous
 * issue, as a re-fire would make it. The alerts as seen stay, so the next notification says only what changed.
 */
export function decideAlertLink(input: AlertLinkInput): AlertLinkDecision {
  const { issue, existing, problem } = input;
  const refuse = (code: LinkRefusal['code'], message: string): AlertLinkDecision => ({ ok: false, error: { code, message } });
  if (existing) return refuse('conflict', alreadyLinkedMessage(issue.key, existing));
  if (!problem) return refuse('not-found', `no alert group ${input.problemKey} is tracked by the app (it may have been resolved and forgotten)`);
  if (!isOpenProblem(problem)) return refuse('conflict', 'that alert group is closed: all its alerts are resolved, so no update would ever reach the issue');
  const current = problem.issue;
  if (current && current.key === issue.key) return refuse('conflict', `${issue.key} is already the issue of that alert group`);
  if (current && current.statusCategory !== 'done') return refuse('conflict', `that alert group already has an open issue, ${current.key}; unlink ${current.key} first`);
  if (issue.statusCategory === 'done') return refuse('conflict', `${issue.key} is done: reopen it first, or a new alert would only be noted on a closed issue`);
  const previousIssueKeys = current ? [current.key, ...problem.previousIssueKeys.filter((k) => k !== current.key)].slice(0, 10) : problem.previousIssueKeys;
  // A problem rolled into a (Done) storm issue leaves the storm: the linked issue is its own (storm.ts).
  const own: ProblemState = { ...problem };
  delete own.storm;
  return {
    ok: true,
    state: { ...own, issue: { key: issue.key, statusCategory: issue.statusCategory }, previousIssueKeys: previousIssueKeys.filter((k) => k !== issue.key), updatedAt: input.now },
  };
}

/** One open alert group of a search (the panel's list to link from). */
export interface AlertGroupHit {
  readonly problemKey: string;
  readonly ruleId: string | null;
  readonly grouping: 'fingerprint' | 'group';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly firing: number;
  readonly alertNames: readonly string[];
  /** The issue the group is on now, when it has an open one (linking is then refused). */
  readonly issueKey: string | null;
  readonly issueDone: boolean;
  readonly lastSeen: string;
}

export interface AlertGroupSearch {
  readonly hits: readonly AlertGroupHit[];
  /** True when the scan stopped before the end of the problems (narrow the search). */
  readonly truncated: boolean;
}

/** The newest link by hand of an issue, as the panel polls it. */
export interface AlertLinkRequest {
  readonly requestId: string;
  readonly problemKey: string;
  readonly requestedAt: string;
  readonly outcome: 'pending' | 'linked' | 'refused';
  /** Why it was refused; null otherwise. */
  readonly detail: string | null;
}

/** linkIssueAlertGroup's answer: linked at once, or pending until the group's queue lane stores it (poll `requestId`). */
export interface AlertLinkAnswer {
  readonly problemKey: string;
  readonly previousIssueKey: string | null;
  readonly outcome: 'pending' | 'linked';
  readonly requestId: string;
}

/** What a search hit shows of an open problem. */
export interface AlertGroupCandidate {
  readonly problemKey: string;
  readonly ruleId: string | null;
  readonly grouping: Grouping;
  readonly groupLabels: Readonly<Record<string, string>>;
  /** The alerts' own labels as last seen (for a search by an alert's label). */
  readonly alertLabels: readonly Readonly<Record<string, string>>[];
}

/**
 * Whether a problem matches a search: every word of the query (case-insensitive) must appear in its rule id,
 * problem key, or a `name=value` label of the group or of one of its alerts. An empty query matches all.
 */
export function matchesAlertSearch(candidate: AlertGroupCandidate, query: string): boolean {
  const words = query.toLowerCase().split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const texts = [
    candidate.ruleId ?? '',
    candidate.problemKey,
    ...[candidate.groupLabels, ...candidate.alertLabels].flatMap((labels) => Object.entries(labels).map(([k, v]) => `${k}=${v}`)),
  ].map((t) => t.toLowerCase());
  return words.every((w) => texts.some((t) => t.includes(w.replace(/"/g, ''))));
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
