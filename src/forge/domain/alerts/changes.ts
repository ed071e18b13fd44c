import type { AlertStatus, ObservedAlert } from './problems';

/**
 * What changed for one alert since we last saw it. Observations are ordered by (startsAt, firing < resolved):
 * only a strictly newer observation is a change, so duplicate or late deliveries (HA replicas, retries) of
 * an older notification are "stale" and change nothing. A real re-fire carries a new startsAt
 * (Prometheus starts a new activation); a firing copy with the startsAt of an alert we already saw resolved
 * is taken for a late duplicate.
 */
export interface SeenAlert {
  readonly status: AlertStatus;
  readonly startsAt: string;
  readonly endsAt: string;
}

export type ChangeKind = 'new' | 'fired-again' | 'resolved' | 'unchanged' | 'stale';

export interface AlertChange {
  readonly kind: ChangeKind;
  readonly alert: ObservedAlert;
  readonly previous: SeenAlert | undefined;
}

export function classify(alert: ObservedAlert, previous: SeenAlert | undefined): ChangeKind {
  if (!previous) return alert.status === 'firing' ? 'new' : 'resolved';
  const byStart = compareInstants(alert.startsAt, previous.startsAt);
  if (byStart < 0) return 'stale';
  if (byStart > 0) return alert.status === 'firing' ? 'fired-again' : 'resolved';
  const rank = statusRank(alert.status) - statusRank(previous.status);
  if (rank > 0) return 'resolved';
  return rank === 0 ? 'unchanged' : 'stale';
}

/** Kinds that mean "the problem is (again) firing". */
export function isFiringChange(kind: ChangeKind): boolean {
  return kind === 'new' || kind === 'fired-again';
}

export function isChange(kind: ChangeKind): boolean {
  return kind !== 'unchanged' && kind !== 'stale';
}

export function seen(alert: ObservedAlert): SeenAlert {
  return { status: alert.status, startsAt: alert.startsAt, endsAt: alert.endsAt };
}

function statusRank(s: AlertStatus): number {
  return s === 'firing' ? 0 : 1;
}

/**
 * Compares RFC 3339 instants with nanosecond fractions (Alertmanager sends `…47.099134493Z`), which neither
 * `Date.parse` (milliseconds) nor string order (`05Z` vs `05.1Z`) gets right. Unparseable: string order.
 */
export function compareInstants(a: string, b: string): -1 | 0 | 1 {
  const x = instant(a);
  const y = instant(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.seconds !== y.seconds) return x.seconds < y.seconds ? -1 : 1;
  if (x.nanos !== y.nanos) return x.nanos < y.nanos ? -1 : 1;
  return 0;
}

/** Milliseconds since the epoch (fraction beyond ms dropped), or undefined. */
export function instantMs(s: string): number | undefined {
  const i = instant(s);
  return i ? i.seconds * 1000 + Math.floor(i.nanos / 1e6) : undefined;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

function instant(s: string): { seconds: number; nanos: number } | undefined {
  const m = RFC3339.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${(m[3] as string).toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** Alertmanager's "no end" (`0001-01-01T00:00:00Z`) or empty. */
export function isZeroTime(s: string): boolean {
  return s === '' || s.startsWith('0001-01-01');
}
