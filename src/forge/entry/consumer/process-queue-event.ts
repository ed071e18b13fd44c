import { z } from 'zod';
import { queueJobSchema, type AlertLinkJob, type FollowUpStatusJob, type IncidentResyncJob, type JiraChangeJob, type JiraCommentJob, type QueueJob, type RelayEventsJob } from '../../jobs';
import { applyJiraComment } from '../../incidents/notes-sync';
import { applyJiraFollowUpStatus } from '../../incidents/follow-ups-sync';
import { isRetryableImpactFailure } from '../../ports/impact';
import { impactRetryRequest } from '../../delivery/retry-policy';
import { MAX_QUEUE_RETRIES } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import { describeZodError } from '../../../shared/zod-error';
import type { RelayEvent } from '../../../shared/relay-envelope';
import type { JiraPort } from '../../ports/jira';
import { recordDelivery, relayDelivery } from '../../delivery/delivery-log';
import { APPLIED_EVENT_TTL_DAYS, StorageKeys } from '../../constants';
import { applyAlertEvents } from './alert-events';
import { applyImpactEvents } from './impact-events';
import { unpark } from '../../delivery/parked-events';
import type { JobQueue } from '../../ports/job-queue';
import type { RetryRequest } from '../../delivery/retry-policy';
import { concurrencyKeyFor } from '../webtrigger/ingest';
import { syncJiraChange } from '../../incidents/sync-jira-change';
import type { JiraIncidentPort } from '../../ports/jira-incidents';
import type { ImpactFailure, ImpactPort } from '../../ports/impact';
import { consumeProjectSync } from '../../projects/consume-project-sync';
import { consumeIncidentResync } from '../../incidents/consume-incident-resync';
import type { ProjectSyncDeps } from '../../projects/sync-runner';
import type { CreateMetaPort } from '../../ports/create-meta';
import { assembleRelayEvents } from '../../relay-intake/assemble-parts';
import type { ImpactDirectoryPort, JiraUserDirectoryPort } from '../../ports/people';
import { runUserDirectory } from '../../people/run-directory';
import { runIncidentMetrics } from '../../people/incident-metrics';
import { applyAlertLink } from '../../alerts/link-problem';
import { loadRules } from '../../alerts/rule-store';

/** The parts of Forge's AsyncEvent the consumer reads. */
export const asyncEventSchema = z.object({
  body: z.unknown(),
  jobId: z.string().optional(),
  eventId: z.string().optional(),
  retryContext: z.object({ retryCount: z.number().int().nonnegative(), retryData: z.unknown().optional() }).loose().optional(),
});
export type AsyncEventInput = z.infer<typeof asyncEventSchema>;

export interface ConsumerDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly jira: JiraPort;
  readonly random?: () => number;
  /** Tracked-project sync (jobs of kind `project-sync`). */
  readonly projects?: ProjectSyncDeps;
  /** Impact incident sync; without it Impact events are only recorded. */
  readonly incidents?: { readonly jira: JiraIncidentPort; readonly impact: ImpactPort };
  /** The app's queue: jobs paused by Jira's quota are pushed again, delayed (alerts/jira-pause.ts). */
  readonly queue?: JobQueue;
  /** Jira's create metadata as the app: explains a refused (400) alert issue in the delivery log. */
  readonly createMeta?: CreateMetaPort;
  /** User directory and incident response times (jobs `user-directory`, `incident-metrics`). */
  readonly people?: { readonly jira: JiraUserDirectoryPort; readonly impact: ImpactDirectoryPort };
  /** Takes back the problem property of an issue whose link by hand is refused in the group's lane. */
  readonly deleteProblemProperty?: (issueKey: string) => Promise<void>;
}

export interface ConsumerResult {
  readonly applied: number;
  readonly duplicates: number;
  readonly failed?: number;
  /** Set when the job must run again (index.ts turns it into Forge's InvocationError). */
  readonly retry?: RetryRequest;
}

/**
 * Queue consumer: parse the job, dispatch on its kind. A job that does not parse is logged and not
 * retried (retrying cannot fix it); the relay's copy of its events is already acknowledged, so the
 * error log is where it stays visible.
 */
export async function handleQueueEvent(input: unknown, deps: ConsumerDeps): Promise<ConsumerResult> {
  const event = asyncEventSchema.parse(input);
  const job = queueJobSchema.safeParse(event.body);
  if (!job.success) {
    deps.logger.error('queue job rejected', { jobId: event.jobId, problems: describeZodError(job.error) });
    return { applied: 0, duplicates: 0 };
  }
  return dispatch(job.data, { retryCount: event.retryContext?.retryCount ?? 0, retryData: event.retryContext?.retryData }, deps);
}

function dispatch(job: QueueJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  switch (job.kind) {
    case 'relay-events':
      return relayEvents(job, retry, deps);
    case 'project-sync':
      return consumeProjectSync(job, retry.retryCount, deps.projects, deps.logger);
    case 'jira-change':
      return jiraChange(job, retry, deps);
    case 'incident-resync':
      return incidentResync(job, retry, deps);
    case 'jira-comment':
      return jiraComment(job, retry, deps);
    case 'user-directory':
    case 'incident-metrics':
      return peopleJob(job.kind, deps);
    case 'alert-link':
      return alertLink(job, deps);
    case 'follow-up-status':
      return followUpStatus(job, retry, deps);
    default:
      return assertNever((job satisfies never as { kind: never }).kind);
  }
}

/** A directory run or an MTTA/MTTR recount; a failure is recorded where the page shows it, never retried blindly. */
async function peopleJob(kind: 'user-directory' | 'incident-metrics', deps: ConsumerDeps): Promise<ConsumerResult> {
  if (!deps.people) {
    deps.logger.error(`${kind} job without people dependencies`, {});
    return { applied: 0, duplicates: 0 };
  }
  const common = { store: deps.store, logger: deps.logger, now: () => deps.clock.now() };
  if (kind === 'user-directory') {
    const run = await runUserDirectory({ ...common, jira: deps.people.jira, impact: deps.people.impact });
    return { applied: run.outcome === 'ok' ? 1 : 0, duplicates: 0 };
  }
  const stored = await runIncidentMetrics({ ...common, impact: deps.people.impact });
  return { applied: stored.lastRun.outcome === 'ok' ? 1 : 0, duplicates: 0 };
}

function assertNever(kind: never): never {
  throw new Error(`unhandled queue job kind ${String(kind)}`);
}

/** Link by hand of an issue to an alert problem, the record's half, in the group's lane (queued by linkIssueAlertGroup). */
async function alertLink(job: AlertLinkJob, deps: ConsumerDeps): Promise<ConsumerResult> {
  const deleteProblemProperty = deps.deleteProblemProperty;
  if (!deleteProblemProperty) {
    deps.logger.error('alert link job without a way to remove the problem property', { problemKey: job.problemKey });
    return { applied: 0, duplicates: 0 };
  }
  const rules = (await loadRules(deps.store, deps.logger)).rules;
  const outcome = await applyAlertLink(job, rules, new Date(deps.clock.now()).toISOString(), { store: deps.store, deleteProblemProperty });
  deps.logger.info('alert link done', { problemKey: job.problemKey, issueKey: job.issue.key, outcome });
  return { applied: outcome === 'linked' ? 1 : 0, duplicates: 0 };
}

/** "Resync now" on an incident issue (queued by resyncIssueIncident, or a failed resync retried). */
async function incidentResync(job: IncidentResyncJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  if (!deps.incidents) {
    deps.logger.error('incident resync job without the incident sync configured', { incidentId: job.incidentId });
    return { applied: 0, duplicates: 0 };
  }
  const result = await consumeIncidentResync(job, retry, { ...deps, ...deps.incidents });
  deps.logger.info('incident resync done', { incidentId: job.incidentId, applied: result.applied, failed: result.failed, retry: result.retry?.retryAfterSeconds });
  return { applied: result.applied, duplicates: 0, failed: result.failed, ...(result.retry ? { retry: result.retry } : {}) };
}

/** A person's Jira comment → an Impact note; Impact rate limits and outages ask the queue again. */
async function jiraComment(job: JiraCommentJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  if (!deps.incidents) {
    deps.logger.error('jira comment job without the incident sync configured', { commentId: job.comment.commentId });
    return { applied: 0, duplicates: 0 };
  }
  const result = await applyJiraComment(job.comment, { ...deps, ...deps.incidents });
  switch (result.kind) {
    case 'not-linked':
      return { applied: 0, duplicates: 0 };
    case 'sync-off':
      deps.logger.info('jira comment not copied: incident sync is off', { incidentId: result.incidentId, commentId: job.comment.commentId });
      return { applied: 0, duplicates: 0 };
    case 'copied':
      deps.logger.info('jira comment copied to Impact', { incidentId: result.incidentId, summary: result.summary });
      return { applied: 1, duplicates: 0 };
    case 'failed':
      if (isRetryableImpactFailure(result.failure) && retry.retryCount < MAX_QUEUE_RETRIES) {
        return { applied: 0, duplicates: 0, retry: impactRetryRequest(result.failure, retry.retryCount, deps.random ?? Math.random) };
      }
      deps.logger.error('jira comment not copied to Impact', { incidentId: result.incidentId, reason: result.reason });
      return { applied: 0, duplicates: 0, failed: 1 };
  }
}

/** A follow-up issue's Jira status → its Impact follow-up; rate limits and outages ask the queue again. */
async function followUpStatus(job: FollowUpStatusJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  if (!deps.incidents) {
    deps.logger.error('follow-up status job without the incident sync configured', { incidentId: job.incidentId });
    return { applied: 0, duplicates: 0 };
  }
  const result = await applyJiraFollowUpStatus(job, { ...deps, ...deps.incidents });
  if (result.kind === 'sync-off') {
    deps.logger.info('follow-up status not synced: incident sync is off', { incidentId: job.incidentId, followUpId: job.followUpId, issueId: job.issueId });
    return { applied: 0, duplicates: 0 };
  }
  if (result.kind === 'applied') {
    deps.logger.info('follow-up status synced', { incidentId: job.incidentId, summary: result.summary });
    return { applied: 1, duplicates: 0 };
  }
  // Both sides' failure unions share the retryable kinds (a rate limit with its Retry-After, an outage).
  const failure = result.failure;
  if ((failure.kind === 'rate-limited' || failure.kind === 'unavailable') && retry.retryCount < MAX_QUEUE_RETRIES) {
    const asImpact: ImpactFailure = failure.kind === 'rate-limited' ? { kind: 'rate-limited', retryAfterSeconds: failure.retryAfterSeconds } : { kind: 'unavailable', status: failure.status, message: failure.message };
    return { applied: 0, duplicates: 0, retry: impactRetryRequest(asImpact, retry.retryCount, deps.random ?? Math.random) };
  }
  deps.logger.error('follow-up status not synced', { incidentId: job.incidentId, reason: result.reason });
  return { applied: 0, duplicates: 0, failed: 1 };
}

/** A retried Jira → Impact change (from retryFailedDelivery). */
async function jiraChange(job: JiraChangeJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  if (!deps.incidents) {
    deps.logger.error('jira change job without the incident sync configured', { id: job.id });
    return { applied: 0, duplicates: 0 };
  }
  const result = await syncJiraChange(job.change, job.id, retry, { ...deps, ...deps.incidents });
  deps.logger.info('jira change applied', { id: job.id, outcome: result.kind });
  switch (result.kind) {
    case 'not-linked':
    case 'synced':
      return { applied: result.kind === 'synced' ? 1 : 0, duplicates: 0 };
    case 'sync-off':
      deps.logger.info('jira change not pushed: incident sync is off', { id: job.id, incidentId: result.incidentId });
      return { applied: 0, duplicates: 0 };
    case 'failed':
      return { applied: 0, duplicates: 0, failed: 1 };
    case 'retry':
      return { applied: 0, duplicates: 0, retry: result.retry };
    default:
      return assertNever((result satisfies never as { kind: never }).kind);
  }
}

/** Alertmanager notifications go to Jira; other sources are recorded until their feature handles them. */
async function relayEvents(wireJob: RelayEventsJob, retry: { retryCount: number; retryData: unknown }, deps: ConsumerDeps): Promise<ConsumerResult> {
  // Inline bodies too big for a queue event were parked in KVS by the web trigger (delivery/parked-events.ts).
  const { events: unparked, missing } = await unpark(wireJob.events, deps.store);
  for (const e of missing) deps.logger.error('relay event body expired before it was applied', { eventId: e.id, groupKey: e.groupKey });
  // Large events come in parts: an event is applied once its last part is here (relay-intake/assemble-parts).
  const assembled = await assembleRelayEvents(unparked, deps);
  const unusable = missing.length + assembled.broken.length;
  if (assembled.events.length === 0) return { applied: 0, duplicates: 0, ...(unusable > 0 ? { failed: unusable } : {}) };
  const job = { ...wireJob, events: assembled.events };
  // The relay groups by source (Impact groups are one incident each), so a job is all-Impact or none.
  const incidents = deps.incidents;
  if (incidents && job.events.every((e) => e.source === 'impact')) {
    const result = await applyImpactEvents(job.events, retry, { ...deps, ...incidents });
    deps.logger.info('impact events applied', { groupKey: job.groupKey, applied: result.applied, failed: result.failed, retry: result.retry?.retryAfterSeconds });
    return { applied: result.applied, duplicates: 0, failed: result.failed, ...(result.retry ? { retry: result.retry } : {}) };
  }
  const alerts = job.events.filter((e) => e.source === 'alertmanager');
  const others = job.events.filter((e) => e.source !== 'alertmanager');
  const recorded = others.length > 0 ? await recordRelayEvents({ ...job, events: others }, retry.retryCount + 1, deps) : { applied: 0, duplicates: 0 };
  if (alerts.length === 0) return recorded;
  const result = await applyAlertEvents(alerts, retry, deps);
  deps.logger.info('alert notifications applied', { groupKey: job.groupKey, applied: result.applied, failed: result.failed, retry: result.retry?.retryAfterSeconds, requeue: result.requeue?.delayInSeconds });
  const later = result.requeue ? await requeue(wireJob, result.requeue, deps) : undefined;
  const again = result.retry ?? later;
  return { applied: recorded.applied + result.applied, duplicates: recorded.duplicates, failed: result.failed, ...(again ? { retry: again } : {}) };
}

/**
 * Jira's quota is spent: the job's remaining events go back on the queue as a new job, delayed until the reset
 * (≤ 900 s at a time), with the group's concurrency key; the current event then ends without a retry. Without a
 * queue (tests of the consumer alone) it falls back to a retry request.
 */
async function requeue(wireJob: RelayEventsJob, request: { readonly eventIds: readonly string[]; readonly delayInSeconds: number }, deps: ConsumerDeps): Promise<RetryRequest | undefined> {
  const ids = new Set(request.eventIds);
  // As the job carried them (parked references, parts: a part names its event), so the new job fits too.
  const events = wireJob.events.filter((e) => ids.has('part' in e ? e.part.eventId : e.id));
  if (events.length === 0) return undefined;
  if (!deps.queue) return { retryAfterSeconds: request.delayInSeconds, reason: 'upstream-rate-limited', retryData: { done: [] } };
  await deps.queue.push([{ body: { ...wireJob, events }, concurrencyKey: concurrencyKeyFor(wireJob.groupKey), delayInSeconds: request.delayInSeconds }]);
  return undefined;
}

/**
 * Records each event once: the `applied:<eventId>` marker written with FAIL_IF_EXISTS is the exactly-once
 * guard against redelivery (the delivery log folds repeats, so its keys no longer name every event).
 */
async function recordRelayEvents(job: RelayEventsJob & { readonly events: readonly RelayEvent[] }, attempt: number, deps: ConsumerDeps): Promise<ConsumerResult> {
  let applied = 0;
  let duplicates = 0;
  for (const event of job.events) {
    const wrote = await deps.store.setIfAbsent(StorageKeys.appliedEvent(event.id), { at: deps.clock.now() }, { ttlSeconds: APPLIED_EVENT_TTL_DAYS * 86_400 });
    if (!wrote) {
      duplicates += 1;
      continue;
    }
    await recordDelivery(relayDelivery(event), attempt - 1, { kind: 'recorded' }, deps);
    applied += 1;
  }
  deps.logger.info('relay events recorded', { groupKey: job.groupKey, applied, duplicates });
  return { applied, duplicates };
}
