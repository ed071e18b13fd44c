import { incidentGroupKey } from '../../shared/impact';
import { MAX_QUEUE_RETRIES } from '../constants';
import { applyJiraChange, type JiraChange } from './apply-jira-change';
import type { IncidentDeps } from './apply-impact-event';
import { isRetryableImpactFailure } from '../ports/impact';
import { recordFailedDelivery } from '../delivery/delivery-log';
import { impactRetryRequest, type RetryRequest, type RetryState } from '../delivery/retry-policy';

export type JiraChangeSyncResult =
  | { readonly kind: 'not-linked' }
  /** The incident sync is off: the change was not pushed to Impact. */
  | { readonly kind: 'sync-off'; readonly incidentId: string }
  | { readonly kind: 'synced'; readonly incidentId: string }
  | { readonly kind: 'failed'; readonly incidentId: string; readonly reason: string }
  | { readonly kind: 'retry'; readonly incidentId: string; readonly retry: RetryRequest };

/** Failed-delivery id of a Jira change: stable, so a retry that fails again replaces the same record. */
export const jiraChangeId = (change: JiraChange): string => `jira-${change.issueId}-${change.occurredAt}`.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64);

/**
 * A Jira change of an incident issue → Impact. When Impact refuses a write it becomes a failed delivery
 * (listed and retried like the relay's events). `retry` is the queue's state when the change runs as a
 * `jira-change` job: a rate limit or outage then asks the queue for another attempt until the last one.
 * The trigger passes null (a Forge trigger is not retried), so its failures are recorded at once.
 */
export async function syncJiraChange(
  change: JiraChange,
  id: string,
  retry: RetryState | null,
  deps: IncidentDeps & { readonly random?: () => number },
): Promise<JiraChangeSyncResult> {
  const result = await applyJiraChange(change, deps);
  if (result.kind === 'not-linked' || result.kind === 'sync-off') return result;
  const { incidentId, failure } = result;
  if (failure === null) return { kind: 'synced', incidentId };
  const retryCount = retry?.retryCount ?? 0;
  if (retry !== null && isRetryableImpactFailure(failure) && retryCount < MAX_QUEUE_RETRIES) {
    return { kind: 'retry', incidentId, retry: impactRetryRequest(failure, retryCount, deps.random ?? Math.random) };
  }
  const reason = result.failures.join('; ');
  const delivery = {
    eventId: id,
    // The relay's group key of the incident's Impact events: a retry shares their concurrency key.
    groupKey: incidentGroupKey(incidentId),
    receivedAt: new Date(change.occurredAt).toISOString(),
    requeue: { jiraChange: { issueId: change.issueId, items: change.items.map((item) => ({ ...item })), actorIsApp: change.actorIsApp, occurredAt: change.occurredAt } },
  };
  await recordFailedDelivery(delivery, retryCount, failure.kind, reason, deps);
  return { kind: 'failed', incidentId, reason };
}
