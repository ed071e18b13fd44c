import { StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { ApplyFailure } from './outcomes';

/**
 * Jira's points-based limits [D cloud/jira/platform/rate-limiting]: a 429 whose `RateLimit-Reason` is
 * `jira-quota-global-based` or `jira-quota-tenant-based` means the install's hourly quota is spent: every call
 * fails until the reset (`Retry-After`). The app then pauses all its Jira work at once, install-wide, instead of
 * letting each job retry on its own and end as a failed delivery. Burst (`jira-burst-based`) and per-issue
 * (`jira-per-issue-on-write`) limits are short: waited out in place (jira-brief-waits.ts) or retried per job.
 */
export const QUOTA_REASONS: ReadonlySet<string> = new Set(['jira-quota-global-based', 'jira-quota-tenant-based']);

/** Forge's longest delay for a pushed event [D async events: delayInSeconds ≤ 900]. */
export const MAX_REQUEUE_DELAY_SECONDS = 900;

export function isQuotaLimit(failure: ApplyFailure): failure is Extract<ApplyFailure, { kind: 'rate-limited' }> {
  return failure.kind === 'rate-limited' && failure.reason !== undefined && QUOTA_REASONS.has(failure.reason);
}

/** Milliseconds left of an install-wide pause (0: none). */
export async function jiraPausedForMs(store: KeyValueStore, nowMs: number): Promise<number> {
  const pause = await store.get<{ until?: unknown }>(StorageKeys.jiraPause);
  const until = typeof pause?.until === 'number' ? pause.until : 0;
  return Math.max(0, until - nowMs);
}

export async function pauseJira(store: KeyValueStore, untilMs: number, nowMs: number): Promise<void> {
  await store.set(StorageKeys.jiraPause, { until: untilMs }, { ttlSeconds: Math.ceil((untilMs - nowMs) / 1000) + 3600 });
}

export function requeueDelaySeconds(pausedMs: number): number {
  return Math.min(MAX_REQUEUE_DELAY_SECONDS, Math.max(1, Math.ceil(pausedMs / 1000)));
}
