import type { RelayEvent } from '../../../shared/relay-envelope';
import { compileRules } from '../../domain/alerts';
import { applyNotification, type AlertsDeps } from '../../alerts/apply-notification';
import { describeFailure, isRetryable, type ApplyFailure, type ProblemOutcome } from '../../alerts/outcomes';
import { loadRules } from '../../alerts/rule-store';
import { coveringNotification, loadPendingSlot } from '../../alerts/pending-slot';
import { MAX_QUEUE_RETRIES } from '../../constants';
import { recordDelivery, recordFailedDelivery, relayDelivery } from '../../delivery/delivery-log';
import { alertTargetProjects } from '../../delivery/target-projects';
import { appliedBefore, retryRequest, type RetryRequest, type RetryState } from '../../delivery/retry-policy';
import { isQuotaLimit, jiraPausedForMs, pauseJira, requeueDelaySeconds } from '../../alerts/jira-pause';
import { explainAlertRefusal, type RefusalExplainerDeps } from '../../preflight/explain-refusal';
import type { CompiledRules } from '../../domain/alerts';

/** One text for every superseded copy, so the delivery log folds them into one line (delivery-log.ts). */
const SUPERSEDED = 'a newer waiting notification of the group carries all of it (superseded)';

export interface AlertConsumerDeps extends AlertsDeps, RefusalExplainerDeps {
  /** Jitter source; Math.random in production. */
  readonly random?: () => number;
}

export interface AlertEventsResult {
  readonly applied: number;
  readonly failed: number;
  readonly retry?: RetryRequest;
  /**
   * Jira's hourly quota is spent (install-wide pause): push these events again as a new job after the delay.
   * A new job, not a retry: an hour of pause must not use up the event's 4 retries and end as a failure.
   */
  readonly requeue?: { readonly eventIds: readonly string[]; readonly delayInSeconds: number };
}

/**
 * Applies a group's Alertmanager notifications in order. A retryable failure stops the job and asks the
 * queue to run it again (events already applied are skipped); on the last attempt, or when Jira refuses
 * outright, the event becomes a failed delivery and the later events still run. Nothing is dropped silently.
 */
export async function applyAlertEvents(events: readonly RelayEvent[], retry: RetryState, deps: AlertConsumerDeps): Promise<AlertEventsResult> {
  const done = appliedBefore(retry.retryData);
  const notDone = () => events.filter((e) => !done.has(e.id)).map((e) => e.id);
  const paused = await jiraPausedForMs(deps.store, deps.clock.now());
  if (paused > 0) return { applied: 0, failed: 0, requeue: { eventIds: notDone(), delayInSeconds: requeueDelaySeconds(paused) } };
  const rules = compileRules((await loadRules(deps.store, deps.logger)).rules);
  const lastAttempt = retry.retryCount >= MAX_QUEUE_RETRIES;
  const groupKey = events[0]?.groupKey;
  const slot = groupKey === undefined ? [] : await loadPendingSlot(deps.store, groupKey);
  let applied = 0;
  let failed = 0;
  for (const event of events) {
    if (done.has(event.id)) continue;
    // A newer waiting notification of the group carries all of this one, each alert unchanged, and more: it alone
    // makes the Jira changes (alerts/pending-slot.ts). Logged as applied, with why nothing was done.
    const coveredBy = coveringNotification(event, slot);
    if (coveredBy !== undefined) {
      await recordDelivery(relayDelivery(event, alertTargetProjects(event, rules)), retry.retryCount, { kind: 'applied', problems: [{ kind: 'skipped', reason: SUPERSEDED }] }, deps);
      deps.logger.info('alert notification superseded', { eventId: event.id, by: coveredBy });
      applied += 1;
      done.add(event.id);
      continue;
    }
    const result = await applyNotification(event, rules, deps);
    if (result.ok) {
      await recordDelivery(relayDelivery(event, alertTargetProjects(event, rules)), retry.retryCount, { kind: 'applied', problems: result.outcomes }, deps);
      applied += 1;
    } else if (isQuotaLimit(result.failure)) {
      const now = deps.clock.now();
      const untilMs = now + Math.max(1, result.failure.retryAfterSeconds) * 1000;
      await pauseJira(deps.store, untilMs, now);
      deps.logger.warn('Jira quota spent: all Jira work paused until the reset', { reason: result.failure.reason, retryAfterSeconds: result.failure.retryAfterSeconds });
      return { applied, failed, requeue: { eventIds: notDone(), delayInSeconds: requeueDelaySeconds(untilMs - now) } };
    } else if (isRetryable(result.failure) && !lastAttempt) {
      deps.logger.warn('alert notification will be retried', { eventId: event.id, failure: result.failure.kind, retryCount: retry.retryCount });
      return { applied, failed, retry: retryRequest(result.failure, retry.retryCount, done, deps.random ?? Math.random) };
    } else {
      await recordFailure(event, rules, retry.retryCount, result.failure, result.outcomes, deps);
      failed += 1;
    }
    done.add(event.id);
  }
  return { applied, failed };
}

async function recordFailure(event: RelayEvent, rules: CompiledRules, retryCount: number, failure: ApplyFailure, outcomes: readonly ProblemOutcome[], deps: AlertConsumerDeps): Promise<void> {
  const targetProjects = alertTargetProjects(event, rules);
  // A 400 is explained in the pre-flight's words (issue 16): which field or value of which rule Jira refuses.
  const explained = await explainAlertRefusal(event, rules, failure, deps);
  const reason = explained === null ? describeFailure(failure) : `${describeFailure(failure)} — ${explained}`;
  // The rules' target projects: a retry needs Administer Projects in each (failed-deliveries resolver).
  const delivery = relayDelivery(event, targetProjects);
  await recordFailedDelivery(delivery, retryCount, failure.kind, reason, deps);
  await recordDelivery(delivery, retryCount, { kind: 'failed', reason, problems: outcomes }, deps);
  deps.logger.error('alert notification failed', { eventId: event.id, failure: failure.kind, reason });
}
