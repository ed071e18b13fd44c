import type { ImpactIncident, ImpactStatus } from '../../../shared/impact/incident';

/** Chronological timeline of an incident: creation, status changes and key events (seed 004). */
export interface TimelineEntry {
  readonly at: number;
  readonly kind: 'created' | 'status' | 'key-event';
  readonly text: string;
}

export const STATUS_LABELS: Readonly<Record<ImpactStatus, string>> = {
  OPEN: 'Open',
  INVESTIGATING: 'Investigating',
  MITIGATING: 'Mitigating',
  MITIGATED: 'Mitigated',
  POST_MORTEM: 'Post-mortem',
  CLOSED: 'Closed',
};

/** `customer_impact_started` → `Customer impact started`. */
export function keyEventLabel(kind: string): string {
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `2025-11-19 10:05 UTC` */
export function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Entries sorted by time; ties keep creation, then status changes, then key events. The first status
 * history entry is the creation status and is covered by the creation entry.
 */
export function buildTimeline(incident: Pick<ImpactIncident, 'created_at' | 'priority' | 'status_history' | 'key_events'>): TimelineEntry[] {
  const entries: TimelineEntry[] = [{ at: Date.parse(incident.created_at), kind: 'created', text: `Incident created (P${incident.priority})` }];
  let previous: ImpactStatus | undefined;
  incident.status_history.forEach((entry, i) => {
    if (i > 0 && entry.status !== previous) {
      entries.push({ at: Date.parse(entry.at), kind: 'status', text: `Status changed to: ${STATUS_LABELS[entry.status]}` });
    }
    previous = entry.status;
  });
  for (const event of incident.key_events) {
    const message = event.message?.trim();
    entries.push({ at: Date.parse(event.time), kind: 'key-event', text: `Key event: ${keyEventLabel(event.kind)}${message ? ` - ${message}` : ''}` });
  }
  // Array.prototype.sort is stable, so equal times keep the order above.
  return entries.sort((a, b) => a.at - b.at);
}
