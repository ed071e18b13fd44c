import type { ImpactStatus, ImpactUser } from '../../../shared/impact/incident';
import { normalizeEmail } from './user-matching';
import { normalizeName } from './status-map';

/**
 * Canonical values the loop guard compares. A bounce key stores the value as the echo will carry it on
 * the side we write to, so both directions must build values here and nowhere else.
 */
export type SyncField = 'status' | 'priority' | 'commander' | 'title';

export const GuardValues = {
  impactStatus: (status: ImpactStatus): string => status,
  jiraStatus: (statusName: string): string => normalizeName(statusName),
  priority: (priority: number): string => String(priority),
  impactCommander: (commander: Pick<ImpactUser, 'email'> | null): string => (commander ? normalizeEmail(commander.email) : ''),
  jiraAssignee: (accountId: string | null): string => accountId ?? '',
  title: (title: string): string => title.replace(/\s+/g, ' ').trim(),
} as const;

/** Stable text for fields that only flow Impact → Jira (monotonic guard only). */
export function stableValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
