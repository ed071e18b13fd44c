import { incidentGroupKey } from '../../shared/impact';
import { MAX_QUEUE_RETRIES } from '../constants';
import { recordDelivery, recordFailedDelivery, type DeliveryRef, type Requeue } from '../delivery/delivery-log';
import { impactRetryRequest, retryRequest, type RetryRequest } from '../delivery/retry-policy';
import type { IncidentResyncJob } from '../jobs';
import { isRetryableImpactFailure } from '../ports/impact';
import { describeJiraFailure } from '../ports/jira';
import type { IncidentDeps } from './apply-impact-event';
import { resyncIncident } from './resync-incident';
import { finishResyncRequest } from './resync-state';

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
  const result = await resyncIncident(job.incidentId, job.requestId, deps, job.side ?? 'impact');
  const finish = (outcome: 'synced' | 'failed' | 'not-linked', detail: string) => finishResyncRequest(deps.store, job.incidentId, job.requestId, { outcome, detail, at: deps.clock.now() });
  const delivery = resyncDelivery(job);
  const fail = async (failureKind: string, reason: string) => {
    await recordFailedDelivery(delivery, retry.retryCount, failureKind, reason, deps);
    await recordDelivery(delivery, retry.retryCount, { kind: 'failed', reason, problems: [] }, deps);
    deps.logger.error('incident resync failed', { incidentId: job.incidentId, failure: failureKind, reason });
    await finish('failed', reason);
    return { applied: 0, failed: 1 };
  };

  switch (result.kind) {
    case 'not-linked':
      await finish('not-linked', 'the incident is no longer linked to an issue');
      return { applied: 0, failed: 0 };
    case 'impact-failed':
      if (isRetryableImpactFailure(result.failure) && !lastAttempt) {
        deps.logger.warn('incident resync will be retried', { incidentId: job.incidentId, reason: result.reason, retryCount: retry.retryCount });
        return { applied: 0, failed: 0, retry: impactRetryRequest(result.failure, retry.retryCount, random) };
      }
      return fail(result.failure.kind, result.reason);
    case 'applied': {
      const applied = result.result;
      if (applied.ok) {
        await recordDelivery(delivery, retry.retryCount, { kind: 'incident', incidentId: job.incidentId, summary: `resync: ${applied.summary}` }, deps);
        if (applied.problems.length > 0) await recordFailedDelivery(delivery, retry.retryCount, 'partial', applied.problems.join('; '), deps);
        // Partly refused (e.g. an unmatched commander): still synced; the summary names what Jira refused.
        await finish('synced', applied.summary);
        return { applied: 1, failed: 0 };
      }
      if (applied.kind === 'jira' && (applied.failure.kind === 'rate-limited' || applied.failure.kind === 'unavailable') && !lastAttempt) {
        deps.logger.warn('incident resync will be retried', { incidentId: job.incidentId, reason: applied.reason, retryCount: retry.retryCount });
        return { applied: 0, failed: 0, retry: retryRequest(applied.failure, retry.retryCount, new Set(), random) };
      }
      if (applied.kind === 'invalid') return fail('invalid', `Impact answered an incident the app cannot read: ${applied.reason}`);
      return fail(applied.failure.kind, applied.reason || describeJiraFailure(applied.failure));
    }
    default:
      return assertNever(result);
  }
}

/** A resync in the delivery log: filed under the panel's request time, in the incident's lane. */
function resyncDelivery(job: IncidentResyncJob): DeliveryRef & { readonly source: 'impact'; readonly requeue: Requeue } {
  return {
    eventId: resyncEventId(job.requestId),
    source: 'impact',
    groupKey: incidentGroupKey(job.incidentId),
    receivedAt: new Date(job.requestedAt).toISOString(),
    // The side travels with it: retrying a failed "use Jira's values" does not turn it into Impact's.
    requeue: { resync: { incidentId: job.incidentId, requestId: job.requestId, requestedAt: job.requestedAt, ...(job.side ? { side: job.side } : {}) } },
  };
}

function assertNever(x: never): never {
  throw new Error(`unhandled resync result ${JSON.stringify(x)}`);
}
