import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';

export const PROJECT_SYNC_TRIGGER_KEY = 'project-sync';

export interface ScheduledDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface ScheduledRun {
  readonly triggerKey: string;
  readonly ranAt: string;
  readonly projectsQueued: number;
}

/**
 * Scheduled project sync. The tracked-project sync itself arrives with the project-sync feature; until
 * then a run records that it happened (the settings page shows the last run) and queues nothing.
 */
export async function handleScheduledSync(deps: ScheduledDeps): Promise<ScheduledRun> {
  const run: ScheduledRun = { triggerKey: PROJECT_SYNC_TRIGGER_KEY, ranAt: new Date(deps.clock.now()).toISOString(), projectsQueued: 0 };
  await deps.store.set(StorageKeys.lastScheduledRun(PROJECT_SYNC_TRIGGER_KEY), run);
  deps.logger.info('scheduled sync ran', { ...run });
  return run;
}
