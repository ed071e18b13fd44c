import { StorageKeys } from '../../constants';
import { jiraStatusFor } from '../../domain/incidents';
import { IncidentKeys, incidentIdForIssue, loadRecord } from '../../incidents/incident-store';
import { configForIssueKey } from '../../incidents/incident-settings';
import { incidentGroupKey } from '../../../shared/impact';
import { loadResyncRequest, type IncidentResyncRequest } from '../../incidents/resync-state';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { ReadIssueAsUser, VisibleIssue } from '../../ports/visible-issue';
import type { FailedDelivery } from '../../delivery/delivery-record';
import type { IncidentResyncStatus, IssueIncident, PostMortemIssue, ResolverResult } from './contract';

export interface IncidentPanelDeps {
  readonly store: KeyValueStore;
  readonly readIssueAsUser: ReadIssueAsUser;
}

/** Failed deliveries are few (the UI retries or drops them): a bounded scan (KVS pages hold at most 20) finds this incident's. */
const FAILED_SCAN_PAGES = 5;

async function lastFailure(store: KeyValueStore, incidentId: string, issueId: string): Promise<IssueIncident['lastError']> {
  const failed: FailedDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < FAILED_SCAN_PAGES; page += 1) {
    const result = await store.listByPrefix<FailedDelivery>(StorageKeys.failedDeliveryPrefix, { limit: 20, cursor });
    failed.push(...result.results.map(({ value }) => value));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  // Webhooks, retried Jira changes and resyncs of an incident all carry its relay group key.
  const groupKey = incidentGroupKey(incidentId);
  const mine = failed.filter((f) => f.groupKey === groupKey || f.jiraChange?.issueId === issueId).sort((a, b) => (a.failedAt < b.failedAt ? 1 : -1));
  const newest = mine[0];
  return newest ? { at: newest.failedAt, reason: newest.reason } : null;
}

/** Only http(s) links reach the page: the panel renders it as a link. */
const safeUrl = (url: string | null | undefined): string | null => (url && /^https?:\/\//.test(url) ? url : null);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function resyncStatus(request: IncidentResyncRequest | undefined): IncidentResyncStatus | null {
  if (!request) return null;
  return { requestId: request.requestId, requestedAt: new Date(request.requestedAt).toISOString(), finishedAt: iso(request.finishedAt), outcome: request.outcome, detail: request.detail };
}

/** A post-mortem the sync created names its incident by a reverse key; answered only while the incident still links to it. */
async function postMortemOf(store: KeyValueStore, issue: VisibleIssue): Promise<PostMortemIssue | null> {
  const incidentId = await store.get<string>(IncidentKeys.postMortemOf(issue.id));
  if (!incidentId) return null;
  const link = (await loadRecord(store, incidentId)).link;
  if (!link || link.postMortem?.issueId !== issue.id) return null;
  return { kind: 'post-mortem', issueKey: issue.key, incidentId, incidentIssueKey: link.issueKey };
}

/** The Impact incident an issue is linked to, as the sync last saw both sides (or the incident a post-mortem belongs to). */
export async function getIssueIncident(issueKey: string | undefined, deps: IncidentPanelDeps): Promise<ResolverResult<IssueIncident | PostMortemIssue | null>> {
  if (!issueKey) return { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } };
  const issue = await deps.readIssueAsUser(issueKey);
  if (!issue) return { ok: false, error: { code: 'not-found', message: `${issueKey} does not exist or you cannot see it` } };
  const incidentId = await incidentIdForIssue(deps.store, issue.id);
  if (!incidentId) return { ok: true, value: await postMortemOf(deps.store, issue) };
  // The status map of the project the issue is in (per-project settings).
  const [record, config] = await Promise.all([loadRecord(deps.store, incidentId), configForIssueKey(deps.store, issue.key)]);
  const known = record.known;
  return {
    ok: true,
    value: {
      kind: 'incident',
      issueKey: issue.key,
      incidentId,
      jiraStatus: issue.statusName,
      impactStatus: known?.status ?? null,
      expectedJiraStatus: known ? jiraStatusFor(config.statuses, known.status) : null,
      priority: known?.priority ?? null,
      title: known?.title ?? null,
      impactUrl: safeUrl(known?.url),
      commander: known?.commander?.email ?? null,
      commanderName: known?.commander?.name ?? null,
      lastSync: known ? new Date(known.updatedAt).toISOString() : null,
      lastError: await lastFailure(deps.store, incidentId, issue.id),
      postMortem: record.link?.postMortem ? { issueKey: record.link.postMortem.issueKey } : null,
      resync: resyncStatus(await loadResyncRequest(deps.store, incidentId)),
      outOfSync: (record.outOfSync ?? []).map((f) => ({ field: f.field, impact: f.impact, jira: f.jira, reason: f.reason })),
    },
  };
}
