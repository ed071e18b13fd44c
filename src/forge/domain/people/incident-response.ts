/**
 * MTTA / MTTR of Impact incidents per priority (issue 17 item 6, issue 15 item 10), from each incident's
 * `status_history` (docs/impact-contract.md §1: `[{ status, at }]`, oldest first, creation status included).
 *
 * Definitions (README "Incident response times"):
 * - **Acknowledged** = the first status-history entry whose status is not OPEN (INVESTIGATING, MITIGATING,
 *   MITIGATED, POST_MORTEM or CLOSED): someone has taken the incident on. An incident opened directly in a later
 *   status is acknowledged at creation (0 h). **MTTA** = mean of created_at → acknowledged.
 * - **Resolved** = the incident is now in MITIGATED, POST_MORTEM or CLOSED (the impact is over); the resolution
 *   time is when it entered that resolved stretch, i.e. the first resolved entry after the last unresolved one
 *   (a reopened incident counts from its latest resolution). **MTTR** = mean of created_at → resolved.
 * - Grouped by the incident's current priority (P1–P5); p50/p85 are nearest-rank over the same hours. A history
 *   entry before created_at (clock skew) counts as 0 h.
 *
 * Pure: the caller passes the incidents (the app reads those created in the last `WINDOW_DAYS` days).
 */
import type { ImpactIncident, ImpactStatus } from '../../../shared/impact/incident';
import { durationStats, type DurationStats } from '../projects/metrics';

export const INCIDENT_METRICS_WINDOW_DAYS = 90;

const RESOLVED: ReadonlySet<ImpactStatus> = new Set(['MITIGATED', 'POST_MORTEM', 'CLOSED']);
const HOUR = 3_600_000;
const hours = (ms: number) => Math.round((Math.max(0, ms) / HOUR) * 100) / 100;

export type IncidentTimingInput = Pick<ImpactIncident, 'id' | 'priority' | 'status' | 'created_at' | 'status_history'>;

export interface IncidentTiming {
  readonly id: string;
  readonly priority: number;
  readonly ackHours: number | null;
  readonly resolveHours: number | null;
}

export function incidentTiming(incident: IncidentTimingInput): IncidentTiming {
  const created = Date.parse(incident.created_at);
  const history = [...incident.status_history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const ack = history.find((h) => h.status !== 'OPEN');
  let resolvedAt: number | null = null;
  if (RESOLVED.has(incident.status)) {
    for (const h of history) {
      if (!RESOLVED.has(h.status)) resolvedAt = null;
      else if (resolvedAt === null) resolvedAt = Date.parse(h.at);
    }
    // A history that never shows the resolved status (cannot happen per the contract) falls back to no figure.
  }
  return { id: incident.id, priority: incident.priority, ackHours: ack ? hours(Date.parse(ack.at) - created) : null, resolveHours: resolvedAt === null ? null : hours(resolvedAt - created) };
}

export interface PriorityResponseTimes {
  readonly priority: number;
  readonly incidents: number;
  /** Not resolved now. */
  readonly open: number;
  readonly acknowledge: DurationStats;
  readonly resolve: DurationStats;
}

export interface IncidentResponseTimes {
  readonly computedAtMs: number;
  /** Incidents created at or after this instant are counted. */
  readonly sinceMs: number;
  readonly incidents: number;
  /** P1 first; only priorities with incidents. */
  readonly byPriority: readonly PriorityResponseTimes[];
}

export function incidentResponseTimes(incidents: readonly IncidentTimingInput[], sinceMs: number, computedAtMs: number): IncidentResponseTimes {
  const groups = new Map<number, IncidentTiming[]>();
  for (const incident of incidents) {
    const t = incidentTiming(incident);
    groups.set(t.priority, [...(groups.get(t.priority) ?? []), t]);
  }
  const byPriority = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([priority, list]) => ({
      priority,
      incidents: list.length,
      open: list.filter((t) => t.resolveHours === null).length,
      acknowledge: durationStats(list.flatMap((t) => (t.ackHours === null ? [] : [t.ackHours]))),
      resolve: durationStats(list.flatMap((t) => (t.resolveHours === null ? [] : [t.resolveHours]))),
    }));
  return { computedAtMs, sinceMs, incidents: incidents.length, byPriority };
}
