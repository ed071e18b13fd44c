/**
 * Forge's scheduled trigger interval is fixed in the manifest (`hour` here); the admin's period (1–24 h)
 * is applied by skipping runs until that much time has passed since the last one that queued work.
 */
export const DEFAULT_SYNC_INTERVAL_HOURS = 24;
export const MIN_SYNC_INTERVAL_HOURS = 1;
export const MAX_SYNC_INTERVAL_HOURS = 24;
/** A trigger fires about on the hour; a little slack keeps "hourly" from skipping every other run. */
const SLACK_MS = 5 * 60_000;

export function clampInterval(hours: number | undefined): number {
  if (hours === undefined || !Number.isFinite(hours)) return DEFAULT_SYNC_INTERVAL_HOURS;
  return Math.min(MAX_SYNC_INTERVAL_HOURS, Math.max(MIN_SYNC_INTERVAL_HOURS, Math.round(hours)));
}

export function isSyncDue(lastQueuedMs: number | undefined, intervalHours: number, nowMs: number): boolean {
  if (lastQueuedMs === undefined) return true;
  return nowMs - lastQueuedMs >= clampInterval(intervalHours) * 3_600_000 - SLACK_MS;
}
