import { StorageKeys } from '../../constants';
import { isSyncDue } from '../../domain/projects';
import type { Clock } from '../../ports/clock';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import { ProjectKeys, getSettings, listTrackedProjects, type ScheduleMarker } from '../../projects/project-store';
import { projectConcurrencyKey, syncJob } from '../../projects/sync-runner';

export const PROJECT_SYNC_TRIGGER_KEY = 'project-sync';

export interface ScheduledDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: the run is only recorded (kept so older callers still work). */
  readonly queue?: JobQueue;
}

export interface ScheduledRun {
  readonly triggerKey: string;
  readonly ranAt: string;
  readonly projectsQueued: number;
  /** True when the configured interval had not passed yet, so nothing was queued. */
  readonly skipped?: boolean;
}

/**
 * Scheduled project sync. The manifest interval is fixed (hourly); the admin's period (1–24 h, default
 * daily) is applied here by skipping runs until it has passed since the last run that queued work.
 */
export async function handleScheduledSync(deps: ScheduledDeps): Promise<ScheduledRun> {
  const now = deps.clock.now();
  const settings = await getSettings(deps.store);
  const marker = await deps.store.get<ScheduleMarker>(ProjectKeys.schedule);
  let projectsQueued = 0;
  let skipped = false;
  if (!deps.queue) {
    skipped = true;
  } else if (!isSyncDue(marker?.lastQueuedMs, settings.intervalHours, now)) {
    skipped = true;
  } else {
    const projects = await listTrackedProjects(deps.store);
    // Forge refuses an empty push (1–50 events).
    if (projects.length > 0) await deps.queue.push(projects.map((p) => ({ body: syncJob(p.projectId), concurrencyKey: projectConcurrencyKey(p.projectId) })));
    projectsQueued = projects.length;
    await deps.store.set<ScheduleMarker>(ProjectKeys.schedule, { lastQueuedMs: now, projectsQueued });
  }
  const run: ScheduledRun = { triggerKey: PROJECT_SYNC_TRIGGER_KEY, ranAt: new Date(now).toISOString(), projectsQueued, ...(skipped ? { skipped } : {}) };
  await deps.store.set(StorageKeys.lastScheduledRun(PROJECT_SYNC_TRIGGER_KEY), run);
  deps.logger.info('scheduled sync ran', { ...run });
  return run;
}
