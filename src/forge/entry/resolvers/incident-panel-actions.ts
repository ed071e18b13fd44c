import { z } from 'zod';
import { IncidentKeys, incidentIdForIssue } from '../../incidents/incident-store';
import { forgetIncidentLink } from '../../incidents/unlink-incident';
import { incidentGroupKey } from '../../../shared/impact';
import { loadResyncRequest, type IncidentResyncRequest } from '../../incidents/resync-state';
import type { JiraUserPort } from '../../ports/jira';
import type { JobQueue } from '../../ports/job-queue';
import { concurrencyKeyFor } from '../webtrigger/ingest';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { IncidentResyncStatus, ResolverError, ResolverResult } from './contract';
import { resyncStatus, type IncidentPanelDeps } from './incident-panel';
import type { VisibleIssue } from '../../ports/visible-issue';
import { invalidZodInput } from './resolver-errors';

export interface IncidentPanelActionDeps extends IncidentPanelDeps {
  readonly userJira: JiraUserPort;
  readonly queue: JobQueue;
  readonly now: () => number;
  /** A fresh request id (8-40 url-safe characters). */
  readonly newRequestId: () => string;
  /** Removes the issue's `impact-incident` property as the app. */
  readonly deleteIncidentProperty: (issueIdOrKey: string) => Promise<void>;
}

/** A pending resync younger than this is answered instead of queueing another (double clicks, several viewers). */
export const RESYNC_DEDUPE_MS = 60_000;

type Linked = { readonly ok: true; readonly issue: VisibleIssue; readonly incidentId: string } | { readonly ok: false; readonly error: ResolverError };

const refuse = (code: ResolverError['code'], message: string): Linked => ({ ok: false, error: { code, message } });

/** The issue as the caller sees it, and the incident it is linked to. */
async function linkedIssue(issueKey: string | undefined, caller: CallerContext, deps: IncidentPanelActionDeps): Promise<Linked> {
  if (!issueKey) return refuse('invalid-input', 'open the panel on an issue');
  if (!caller.accountId) return refuse('forbidden', 'sign in to change the incident link');
  const issue = await deps.readIssueAsUser(issueKey);
  if (!issue) return refuse('not-found', `${issueKey} does not exist or you cannot see it`);
  const incidentId = await incidentIdForIssue(deps.store, issue.id);
  if (!incidentId) return refuse('not-found', `${issue.key} is not linked to an Impact incident`);
  return { ok: true, issue, incidentId };
}

const resyncInput = z.object({ side: z.enum(['impact', 'jira']).default('impact') }).strict();

/**
 * "Resync now": queues an `incident-resync` job in the incident's relay lane and answers at once. Anyone
 * who can see the issue may bring Jira to Impact's current values (the system of record), as the next
 * webhook would. Picking Jira's side writes Impact, a choice between two people's values: project admins
 * only. A pending request is reused.
 */
export async function resyncIssueIncident(
  issueKey: string | undefined,
  caller: CallerContext,
  deps: IncidentPanelActionDeps,
  input?: unknown,
): Promise<ResolverResult<{ queued: true; requestId: string; requestedAt: string }>> {
  const parsed = resyncInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { side } = parsed.data;
  const linked = await linkedIssue(issueKey, caller, deps);
  if (!linked.ok) return { ok: false, error: linked.error };
  if (side === 'jira') {
    const denied = await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, [linked.issue.key.split('-')[0] ?? '']);
    if (denied) return { ok: false, error: denied };
  }
  const now = deps.now();
  const pending = await loadResyncRequest(deps.store, linked.incidentId);
  if (side === 'impact' && pending && pending.outcome === 'pending' && now - pending.requestedAt < RESYNC_DEDUPE_MS) {
    return { ok: true, value: { queued: true, requestId: pending.requestId, requestedAt: new Date(pending.requestedAt).toISOString() } };
  }
  const request: IncidentResyncRequest = { requestId: deps.newRequestId(), requestedAt: now, finishedAt: null, outcome: 'pending', detail: null };
  await deps.store.set(IncidentKeys.resync(linked.incidentId), request);
  await deps.queue.push([
    {
      body: { kind: 'incident-resync', incidentId: linked.incidentId, requestId: request.requestId, requestedAt: now, ...(side === 'jira' ? { side } : {}) },
      concurrencyKey: concurrencyKeyFor(incidentGroupKey(linked.incidentId)),
    },
  ]);
  return { ok: true, value: { queued: true, requestId: request.requestId, requestedAt: new Date(now).toISOString() } };
}

const resyncStatusInput = z.object({ requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'the request id "Resync now" answered') });

/**
 * What the panel polls after "Resync now": only that request's status (null once a newer request replaced it).
 * The user's read of the issue is the access check; the panel reads the whole incident again once it ends.
 */
export async function getIssueIncidentResync(issueKey: string | undefined, caller: CallerContext, input: unknown, deps: IncidentPanelActionDeps): Promise<ResolverResult<IncidentResyncStatus | null>> {
  const parsed = resyncStatusInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const linked = await linkedIssue(issueKey, caller, deps);
  if (!linked.ok) return { ok: false, error: linked.error };
  const request = await loadResyncRequest(deps.store, linked.incidentId);
  return { ok: true, value: request?.requestId === parsed.data.requestId ? resyncStatus(request) : null };
}

/**
 * "Unlink": project admins of the issue's project (asked as the user). The property goes first, so a
 * Jira refusal leaves the app's state untouched; then the app forgets the link both ways.
 */
export async function unlinkIssueIncident(issueKey: string | undefined, caller: CallerContext, deps: IncidentPanelActionDeps): Promise<ResolverResult<{ incidentId: string }>> {
  const linked = await linkedIssue(issueKey, caller, deps);
  if (!linked.ok) return { ok: false, error: linked.error };
  const denied = await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, [linked.issue.key.split('-')[0] ?? '']);
  if (denied) return { ok: false, error: denied };
  await deps.deleteIncidentProperty(linked.issue.id);
  await forgetIncidentLink(deps.store, linked.incidentId, linked.issue.id);
  return { ok: true, value: { incidentId: linked.incidentId } };
}
