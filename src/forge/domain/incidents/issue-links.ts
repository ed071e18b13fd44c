import { normalizeName } from './status-map';
import type { StatusCategoryKey } from '../workflow/workflow-path';

/** A Jira issue link type as `GET /rest/api/3/issueLinkType` returns it. */
export interface IssueLinkType {
  readonly id: string;
  readonly name: string;
  readonly inward: string;
  readonly outward: string;
}

const HIERARCHY = /parent|child|sub-?task/i;

/**
 * Link types to try, in preference order: each preferred name matches a type's name first, then its
 * inward/outward description ("Relates to" is usually the description of "Relates"). Duplicates and
 * hierarchy-like types are removed: a post-mortem is never made a child of the incident.
 */
export function linkTypeCandidates(types: readonly IssueLinkType[], preference: readonly string[]): IssueLinkType[] {
  const out: IssueLinkType[] = [];
  const add = (t: IssueLinkType | undefined) => {
    if (t && !HIERARCHY.test(t.name) && !out.some((o) => o.id === t.id)) out.push(t);
  };
  for (const wanted of preference.map(normalizeName)) {
    add(types.find((t) => normalizeName(t.name) === wanted));
    add(types.find((t) => normalizeName(t.inward) === wanted || normalizeName(t.outward) === wanted));
  }
  return out;
}

export type ClosureDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'post-mortem-not-done'; readonly postMortemIssueKey: string }
  | { readonly allowed: false; readonly reason: 'post-mortem-missing' };

export interface ClosureInput {
  /** null when the incident issue has no post-mortem issue. */
  readonly postMortem: { readonly issueKey: string; readonly statusCategory: StatusCategoryKey } | null;
  readonly requirePostMortem: boolean;
}

/** The workflow validator's rule: an incident issue may close only once its post-mortem issue is done. */
export function mayCloseIncidentIssue(input: ClosureInput): ClosureDecision {
  if (input.postMortem === null) return input.requirePostMortem ? { allowed: false, reason: 'post-mortem-missing' } : { allowed: true };
  if (input.postMortem.statusCategory === 'done') return { allowed: true };
  return { allowed: false, reason: 'post-mortem-not-done', postMortemIssueKey: input.postMortem.issueKey };
}

export function closureMessage(decision: ClosureDecision): string | null {
  if (decision.allowed) return null;
  return decision.reason === 'post-mortem-missing'
    ? 'This incident needs a post-mortem issue before it can be closed.'
    : `Close the post-mortem ${decision.postMortemIssueKey} before closing this incident.`;
}
