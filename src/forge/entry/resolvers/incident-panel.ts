import { StorageKeys } from '../../constants';
import { jiraStatusFor } from '../../domain/incidents';
import { incidentIdForIssue, loadConfig, loadRecord } from '../../incidents/incident-store';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { FailedDelivery } from '../consumer/delivery-record';
import type { IssueIncident, ResolverResult } from './contract';

/** The issue as the caller sees it (null: no such issue, or not visible to them). */
export interface VisibleIssue {
  readonly id: string;
  readonly key: string;
  readonly statusName: string | null;
}

export interface IncidentPanelDeps {
  readonly store: KeyValueStore;
  readonly readIssueAsUser: (issueKey: string) => Promise<VisibleIssue | null>;
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
  const mine = failed
    .filter((f) => (f.event ? f.event.source === 'impact' && f.groupKey === incidentId : f.jiraChange?.issueId === issueId))
    .sort((a, b) => (a.failedAt < b.failedAt ? 1 : -1));
  const newest = mine[0];
  return newest ? { at: newest.failedAt, reason: newest.reason } : null;
}

/** The Impact incident an issue is linked to, as the sync last saw both sides. */
export async function getIssueIncident(issueKey: string | undefined, deps: IncidentPanelDeps): Promise<ResolverResult<IssueIncident | null>> {
  if (!issueKey) return { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } };
  const issue = await deps.readIssueAsUser(issueKey);
  if (!issue) return { ok: false, error: { code: 'not-found', message: `${issueKey} does not exist or you cannot see it` } };
  const incidentId = await incidentIdForIssue(deps.store, issue.id);
  if (!incidentId) return { ok: true, value: null };
  const [record, config] = [await loadRecord(deps.store, incidentId), await loadConfig(deps.store)];
  const known = record.known;
  return {
    ok: true,
    value: {
      issueKey: issue.key,
      incidentId,
      jiraStatus: issue.statusName,
      impactStatus: known?.status ?? null,
      expectedJiraStatus: known ? jiraStatusFor(config.statuses, known.status) : null,
      priority: known?.priority ?? null,
      commander: known?.commander?.email ?? null,
      lastSync: known ? new Date(known.updatedAt).toISOString() : null,
      lastError: await lastFailure(deps.store, incidentId, issue.id),
      postMortem: record.link?.postMortem ? { issueKey: record.link.postMortem.issueKey } : null,
    },
  };
}
