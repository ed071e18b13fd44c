import type { RelayEvent } from '../../../shared/relay-envelope';
import { MAX_QUEUE_RETRIES } from '../../constants';
import { applyImpactEvent, type IncidentDeps } from '../../incidents/apply-impact-event';
import { recordDelivery, recordFailedDelivery, relayDelivery } from '../../delivery/delivery-log';
import { appliedBefore, retryRequest, type RetryRequest, type RetryState } from '../../delivery/retry-policy';

export interface ImpactEventsResult {
  readonly applied: number;
  readonly failed: number;
  readonly retry?: RetryRequest;
}

/**
 * Applies a group's Impact webhooks (one incident per group) in order, with the alert path's policy: a
 * retryable Jira failure asks the queue to run the job again (applied events are skipped); on the last
 * attempt, or when the event is invalid or refused, it becomes a failed delivery and the rest still run.
 */
export async function applyImpactEvents(events: readonly RelayEvent[], retry: RetryState, deps: IncidentDeps & { readonly random?: () => number }): Promise<ImpactEventsResult> {
  const done = appliedBefore(retry.retryData);
  const lastAttempt = retry.retryCount >= MAX_QUEUE_RETRIES;
  let applied = 0;
  let failed = 0;
  for (const event of events) {
    if (done.has(event.id)) continue;
    const result = await applyImpactEvent(event.body, deps);
    const delivery = relayDelivery(event);
    if (result.ok) {
      await recordDelivery(delivery, retry.retryCount, { kind: 'incident', incidentId: result.incidentId, summary: result.summary, ...(result.skipped ? { skipped: true as const } : {}) }, deps);
      // Applied, but Jira refused part of it (missing issue, bad field, assignment): visible and retriable.
      if (result.problems.length > 0) await recordFailedDelivery(delivery, retry.retryCount, 'partial', result.problems.join('; '), deps);
      applied += 1;
    } else if (result.kind === 'jira' && (result.failure.kind === 'rate-limited' || result.failure.kind === 'unavailable') && !lastAttempt) {
      deps.logger.warn('impact event will be retried', { eventId: event.id, reason: result.reason, retryCount: retry.retryCount });
      return { applied, failed, retry: retryRequest(result.failure, retry.retryCount, done, deps.random ?? Math.random) };
    } else {
      const failureKind = result.kind === 'invalid' ? 'invalid' : result.failure.kind;
      await recordFailedDelivery(delivery, retry.retryCount, failureKind, result.reason, deps);
      await recordDelivery(delivery, retry.retryCount, { kind: 'failed', reason: result.reason, problems: [] }, deps);
      deps.logger.error('impact event failed', { eventId: event.id, failure: failureKind, reason: result.reason });
      failed += 1;
    }
    done.add(event.id);
  }
  return { applied, failed };
}
