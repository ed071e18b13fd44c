/** Chart data for the metrics cards: every week drawn (zero weeks too), and durations in the unit Jira uses (days). */
import type { WeeklyCount } from '../../../src/forge/entry/resolvers/contract';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-05 was a Monday. */
const FIRST_MONDAY = 4 * DAY;

/** The UTC Monday starting the week of `ms` (the site's zone is at most a day away; the data's keys win). */
function utcMonday(ms: number): number {
  return Math.floor((ms - FIRST_MONDAY) / WEEK) * WEEK + FIRST_MONDAY;
}

export interface WeekPoint {
  /** "Nov 23": the Monday the week starts (UTC). */
  readonly label: string;
  readonly weekStart: string;
  readonly value: number;
}

const SHORT_DATE = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The last `weeks` weeks (keys are the Mondays the backend uses, in the site's zone) up to the week of
 * `nowMs`, or of the newest resolution when that is later, each with its count; weeks without a resolution
 * count 0 instead of being left out.
 */
export function weeklySeries(counts: readonly WeeklyCount[], weeks: number, nowMs: number): WeekPoint[] {
  const byWeek = new Map(counts.map((c) => [Date.parse(`${c.weekStart}T00:00:00Z`), c.resolved]));
  const newest = Math.max(utcMonday(nowMs), ...byWeek.keys());
  const points: WeekPoint[] = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const start = newest - i * WEEK;
    points.push({ label: SHORT_DATE.format(start), weekStart: new Date(start).toISOString().slice(0, 10), value: byWeek.get(start) ?? 0 });
  }
  return points;
}

/** Hours as days, the way Jira reports cycle and resolution times: "4.1 d", or "5 h" under a day. */
export function formatDuration(hours: number | undefined): string {
  if (hours === undefined) return '—';
  if (hours < 24) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}
