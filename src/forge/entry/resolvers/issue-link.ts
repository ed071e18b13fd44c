import { z } from 'zod';
import { impactIncidentIdSchema } from '../../../shared/impact/incident';
import { linkProblem, loadAlertLinkRequest, searchOpenProblems, type AlertLinkRequest, type LinkProblemDeps } from '../../alerts/link-problem';
import type { JobQueue } from '../../ports/job-queue';
import { concurrencyKeyFor } from '../webtrigger/ingest';
import { loadRules } from '../../alerts/rule-store';
import type { AlertGroupSearch, AlertLinkAnswer, ExistingIssueLink } from '../../domain/alerts';
import { IncidentKeys, incidentIdForIssue } from '../../incidents/incident-store';
import { linkIncident, type LinkIncidentDeps } from '../../incidents/link-incident';
import type { Clock } from '../../ports/clock';
import { describeJiraFailure, type JiraPort, type JiraUserPort } from '../../ports/jira';
import type { ReadIssueAsUser, VisibleIssue } from '../../ports/visible-issue';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { ResolverError, ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

/**
 * "Link by hand" (issue 16, row 37): from the issue panel, a project admin of the issue's project links the issue
 * to an open alert group or an Impact incident. Inputs are parsed by zod; the issue comes from the module context
 * and is read as the user (Jira decides whether they may see it); the permission is asked as the user too.
 */
export interface IssueLinkDeps extends LinkProblemDeps, LinkIncidentDeps {
  readonly readIssueAsUser: ReadIssueAsUser;
  /** The issue's problem property as the user sees it (null: none). */
  readonly readProblemProperty: (issueKey: string) => Promise<unknown>;
  readonly jira: Pick<JiraPort, 'getIssueStatus'>;
  readonly userJira: JiraUserPort;
  readonly clock: Clock;
  readonly queue: JobQueue;
  /** A fresh request id (8-64 url-safe characters). */
  readonly newRequestId: () => string;
}

type Allowed = { readonly ok: true; readonly issue: VisibleIssue } | { readonly ok: false; readonly error: ResolverError };

/** The issue as the caller sees it, when the caller administers its project. */
async function adminIssue(issueKey: string | undefined, caller: CallerContext, deps: IssueLinkDeps): Promise<Allowed> {
  if (!issueKey) return { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } };
  if (!caller.accountId) return { ok: false, error: { code: 'forbidden', message: 'sign in to link this issue' } };
  const issue = await deps.readIssueAsUser(issueKey);
  if (!issue) return { ok: false, error: { code: 'not-found', message: `${issueKey} does not exist or you cannot see it` } };
  const denied = await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, [issue.key.split('-')[0] ?? '']);
  return denied ? { ok: false, error: denied } : { ok: true, issue };
}

/** What the issue is linked to already: an alert problem (its property), an incident, or it is a post-mortem. */
export async function existingLinkOf(issue: VisibleIssue, deps: Pick<IssueLinkDeps, 'store' | 'readProblemProperty'>): Promise<ExistingIssueLink | null> {
  const property = (await deps.readProblemProperty(issue.key)) as { problemKey?: unknown } | null;
  if (property && typeof property.problemKey === 'string') return { kind: 'alert', problemKey: property.problemKey };
  const incidentId = await incidentIdForIssue(deps.store, issue.id);
  if (incidentId) return { kind: 'incident', incidentId };
  const postMortemOf = await deps.store.get<string>(IncidentKeys.postMortemOf(issue.id));
  return postMortemOf ? { kind: 'post-mortem', incidentId: postMortemOf } : null;
}

const searchInput = z.object({ query: z.string().max(200, 'at most 200 characters').default(''), limit: z.number().int().min(1).max(50).default(20) }).strict();

/** Open alert groups the app tracks, by rule id or labels (words of `query`, all must match). Project admins only. */
export async function searchAlertGroups(issueKey: string | undefined, caller: CallerContext, input: unknown, deps: IssueLinkDeps): Promise<ResolverResult<AlertGroupSearch>> {
  const parsed = searchInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const allowed = await adminIssue(issueKey, caller, deps);
  if (!allowed.ok) return allowed;
  const rules = (await loadRules(deps.store)).rules;
  return { ok: true, value: await searchOpenProblems(deps.store, rules, parsed.data.query, parsed.data.limit) };
}

const linkAlertInput = z.object({ problemKey: z.string().regex(/^am:(fp|grp):[0-9a-f]{32}$/, 'an alert group key such as am:grp:<32 hex>') }).strict();

/**
 * Links the issue to an open alert group: its next notification comments on (and may resolve) this issue. Checked
 * and refused here; the record is written by an `alert-link` job in the group's queue lane (so it never races the
 * group's notifications): the answer is `pending` with the request id to poll (getIssueAlertLink) until it ends.
 */
export async function linkIssueAlertGroup(issueKey: string | undefined, caller: CallerContext, input: unknown, deps: IssueLinkDeps): Promise<ResolverResult<AlertLinkAnswer>> {
  const parsed = linkAlertInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const allowed = await adminIssue(issueKey, caller, deps);
  if (!allowed.ok) return allowed;
  const existing = await existingLinkOf(allowed.issue, deps);
  // The status as the app reads it: its category decides, its id feeds the transition cache.
  const status = await deps.jira.getIssueStatus(allowed.issue.key);
  if (!status.ok) return { ok: false, error: { code: status.failure.kind === 'not-found' ? 'not-found' : 'jira-error', message: describeJiraFailure(status.failure) } };
  const rules = (await loadRules(deps.store)).rules;
  const requestId = deps.newRequestId();
  const linked = await linkProblem(status.value, existing, parsed.data.problemKey, rules, new Date(deps.clock.now()).toISOString(), requestId, deps);
  if (!linked.ok) return linked;
  if (linked.outcome === 'queued') {
    const issue = status.value;
    await deps.queue.push([{ body: { kind: 'alert-link', problemKey: linked.problemKey, issue: { id: issue.id, key: issue.key, status: issue.status }, requestId }, concurrencyKey: concurrencyKeyFor(linked.groupKey) }]);
  }
  return { ok: true, value: { problemKey: linked.problemKey, previousIssueKey: linked.previousIssueKey, outcome: linked.outcome === 'queued' ? 'pending' : 'linked', requestId } };
}


const linkStatusInput = z.object({ requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'the request id linkIssueAlertGroup answered') }).strict();

/** How that link by hand ended (pending, linked, refused with why); null when it is not this issue's newest request. */
export async function getIssueAlertLink(issueKey: string | undefined, input: unknown, deps: Pick<IssueLinkDeps, 'store' | 'readIssueAsUser'>): Promise<ResolverResult<AlertLinkRequest | null>> {
  const parsed = linkStatusInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  if (!issueKey) return { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } };
  const issue = await deps.readIssueAsUser(issueKey);
  if (!issue) return { ok: false, error: { code: 'not-found', message: `${issueKey} does not exist or you cannot see it` } };
  const request = await loadAlertLinkRequest(deps.store, issue.key);
  return { ok: true, value: request?.requestId === parsed.data.requestId ? request : null };
}

const linkIncidentInput = z.object({ incidentId: z.string().trim().pipe(impactIncidentIdSchema) }).strict();

/** Makes the issue the incident issue of an Impact incident: the sync writes this issue from then on. */
export async function linkIssueIncident(issueKey: string | undefined, caller: CallerContext, input: unknown, deps: IssueLinkDeps): Promise<ResolverResult<{ incidentId: string; title: string }>> {
  const parsed = linkIncidentInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const allowed = await adminIssue(issueKey, caller, deps);
  if (!allowed.ok) return allowed;
  const existing = await existingLinkOf(allowed.issue, deps);
  const linked = await linkIncident(allowed.issue, existing, parsed.data.incidentId, deps);
  return linked.ok ? { ok: true, value: { incidentId: linked.incidentId, title: linked.title } } : linked;
}
