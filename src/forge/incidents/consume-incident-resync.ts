import { MAX_QUEUE_RETRIES, StorageKeys } from '../constants';
import type { DeliveryRecord, FailedDelivery } from '../entry/consumer/delivery-record';
import { retryDelaySeconds, type RetryRequest } from '../entry/consumer/retry-policy';
import type { IncidentResyncJob } from '../jobs';
import { describeJiraFailure } from '../ports/jira';
import type { IncidentDeps } from './apply-impact-event';
import { resyncIncident } from './resync-incident';
import { finishResyncRequest, incidentGroupKey } from './resync-state';

export interface IncidentResyncOutcome {
  readonly applied: number;
  readonly failed: number;
  readonly retry?: RetryRequest;
}

/** Delivery-log and failed-delivery id of a resync request (8-64 url-safe characters, as the retry resolver expects). */
export const resyncEventId = (requestId: string): string => `resync-${requestId}`;

/**
 * The `incident-resync` job: resync, then bookkeeping like an Impact webhook's. A rate limit or outage (of
 * Impact or Jira) asks the queue again until the last attempt; any other failure, or the last attempt,
 * becomes a failed delivery with its reason (retrying it queues the resync again). The panel's request
 * record says how it ended either way.
 */
export async function consumeIncidentResync(
  job: IncidentResyncJob,
  retry: { readonly retryCount: number },
  deps: IncidentDeps & { readonly random?: () => number },
): Promise<IncidentResyncOutcome> {
  const lastAttempt = retry.retryCount >= MAX_QUEUE_RETRIES;
  const random = deps.random ?? Math.random;
  const result = await resyncIncident(job.incidentId, job.requestId, deps);
  const finish = (outcome: 'synced' | 'failed' | 'not-linked', detail: string) => finishResyncRequest(deps.store, job.incidentId, job.requestId, { outcome, detail, at: deps.clock.now() });

  switch (result.kind) {
    case 'not-linked':
      await finish('not-linked', 'the incident is no longer linked to an issue');
      return { applied: 0, failed: 0 };
    case 'impact-failed': {
      const f = result.failure;
      if ((f.kind === 'rate-limited' || f.kind === 'unavailable') && !lastAttempt) {
        const asApply = f.kind === 'rate-limited' ? { kind: 'rate-limited' as const, retryAfterSeconds: f.retryAfterSeconds, reason: undefined } : { kind: 'unavailable' as const, status: f.status, message: f.message };
        deps.logger.warn('incident resync will be retried', { incidentId: job.incidentId, reason: result.reason, retryCount: retry.retryCount });
        return { applied: 0, failed: 0, retry: { retryAfterSeconds: retryDelaySeconds(asApply, retry.retryCount, random), reason: f.kind === 'rate-limited' ? 'upstream-rate-limited' : 'retry', retryData: { done: [] } } };
      }
      await fail(job, retry.retryCount, f.kind, result.reason, deps);
      await finish('failed', result.reason);
      return { applied: 0, failed: 1 };
    }
    case 'applied': {
      const applied = result.result;
      if (applied.ok) {
        await record(job, retry.retryCount, applied.summary, deps);
        if (applied.problems.length > 0) await fail(job, retry.retryCount, 'partial', applied.problems.join('; '), deps);
        // Partly refused (e.g. an unmatched commander): still synced; the summary names what Jira refused.
        await finish('synced', applied.summary);
        return { applied: 1, failed: 0 };
      }
      if (applied.kind === 'jira' && (applied.failure.kind === 'rate-limited' || applied.failure.kind === 'unavailable') && !lastAttempt) {
        deps.logger.warn('incident resync will be retried', { incidentId: job.incidentId, reason: applied.reason, retryCount: retry.retryCount });
        return { applied: 0, failed: 0, retry: { retryAfterSeconds: retryDelaySeconds(applied.failure, retry.retryCount, random), reason: applied.failure.kind === 'rate-limited' ? 'upstream-rate-limited' : 'retry', retryData: { done: [] } } };
      }
      const kind = applied.kind === 'invalid' ? 'invalid' : applied.failure.kind;
      const reason = applied.kind === 'invalid' ? `Impact answered an incident the app cannot read: ${applied.reason}` : applied.reason || describeJiraFailure(applied.failure);
      await fail(job, retry.retryCount, kind, reason, deps);
      await finish('failed', reason);
      return { applied: 0, failed: 1 };
    }
    default:
      return assertNever(result);
  }
}

async function record(job: IncidentResyncJob, retryCount: number, summary: string, deps: IncidentDeps): Promise<void> {
  const eventId = resyncEventId(job.requestId);
  const entry: DeliveryRecord = {
    eventId,
    source: 'impact',
    groupKey: incidentGroupKey(job.incidentId),
    receivedAt: new Date(job.requestedAt).toISOString(),
    processedAt: new Date(deps.clock.now()).toISOString(),
    attempt: retryCount + 1,
    outcome: { kind: 'incident', incidentId: job.incidentId, summary: `resync: ${summary}` },
  };
  await deps.store.set(StorageKeys.delivery(job.requestedAt, eventId), entry);
}

async function fail(job: IncidentResyncJob, retryCount: number, failureKind: string, reason: string, deps: IncidentDeps): Promise<void> {
  const eventId = resyncEventId(job.requestId);
  const failed: FailedDelivery = {
    eventId,
    groupKey: incidentGroupKey(job.incidentId),
    receivedAt: new Date(job.requestedAt).toISOString(),
    failedAt: new Date(deps.clock.now()).toISOString(),
    attempts: retryCount + 1,
    failureKind,
    reason,
    resync: { incidentId: job.incidentId, requestId: job.requestId, requestedAt: job.requestedAt },
  };
  await deps.store.set(StorageKeys.failedDelivery(job.requestedAt, eventId), failed);
  deps.logger.error('incident resync failed', { incidentId: job.incidentId, failure: failureKind, reason });
}

function assertNever(x: never): never {
  throw new Error(`unhandled resync result ${JSON.stringify(x)}`);
}
