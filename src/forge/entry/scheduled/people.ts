import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { JobQueue, JobToPush } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';

export const PEOPLE_TRIGGER_KEY = 'people-directory';
/** The directory runs once a day; MTTA/MTTR are recounted on every (hourly) tick. */
export const DIRECTORY_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** One run of each at a time (Forge queue concurrency key). */
export const USER_DIRECTORY_JOB: JobToPush = { body: { kind: 'user-directory' }, concurrencyKey: 'user-directory' };
export const INCIDENT_METRICS_JOB: JobToPush = { body: { kind: 'incident-metrics' }, concurrencyKey: 'incident-metrics' };
export const PeopleScheduleKeys = { directoryQueued: 'ud:schedule' } as const;

export interface PeopleScheduleDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly queue: JobQueue;
}

export interface PeopleScheduledRun {
  readonly triggerKey: string;
  readonly ranAt: string;
  readonly directoryQueued: boolean;
}

/**
 * scheduledTrigger `people-directory` (hourly: Forge's intervals are fiveMinute, hour, day, week; the daily
 * directory is gated here so its first run comes within the hour after install, not a day later). Both jobs
 * run in the queue consumer, whose timeout is longer than a scheduled function's.
 */
export async function handleScheduledPeople(deps: PeopleScheduleDeps): Promise<PeopleScheduledRun> {
  const now = deps.clock.now();
  const marker = await deps.store.get<{ lastQueuedMs: number }>(PeopleScheduleKeys.directoryQueued);
  const directoryDue = !marker || now - marker.lastQueuedMs >= DIRECTORY_INTERVAL_MS;
  await deps.queue.push([INCIDENT_METRICS_JOB, ...(directoryDue ? [USER_DIRECTORY_JOB] : [])]);
  if (directoryDue) await deps.store.set(PeopleScheduleKeys.directoryQueued, { lastQueuedMs: now });
  const run: PeopleScheduledRun = { triggerKey: PEOPLE_TRIGGER_KEY, ranAt: new Date(now).toISOString(), directoryQueued: directoryDue };
  await deps.store.set(StorageKeys.lastScheduledRun(PEOPLE_TRIGGER_KEY), run);
  deps.logger.info('people schedule ran', { ...run });
  return run;
}
