/**
 * The precomputed form of a project's metrics (issue 17 item 3): everything `computeMetrics` needs, kept as
 * sums, counts and SORTED duration lists, so the page reads one stored answer instead of every issue, and one
 * issue can leave (a delete) without reading the others. Exact: the percentiles are nearest-rank over the
 * same sorted lists `computeMetrics` sorts, and `metricsFromAggregate(aggregate(issues))` is
 * `computeMetrics(issues)` (property-tested).
 *
 * Pure: serialised by `encodeAggregate` into strings of at most `maxChars` each, so a 50,000-issue project fits
 * a handful of KVS values (≈ 8 characters per duration, two durations per resolved issue).
 */
import type { SyncedIssue } from './issue-mapping';
import { durationStats, percentile, type ProjectMetrics, type SprintPoints } from './metrics';
import { localWeekStart, weeksBetween } from './week-buckets';

const HOUR = 3_600_000;
const hours = (ms: number) => Math.round((ms / HOUR) * 100) / 100;

export interface SprintTotals {
  readonly name: string;
  readonly state: string;
  points: number;
  issues: number;
}

export interface BridgeTotals {
  readonly ruleId: string;
  readonly priority: string;
  issues: number;
  /** Sorted ascending. */
  readonly ack: number[];
  /** Sorted ascending. */
  readonly resolve: number[];
}

/**
 * One issue behind the figures, for the drill-down: [id, resolvedMs, lead hours, cycle hours, sprint id when
 * done in a sprint]. Kept for issues that are resolved or done in a sprint (every issue a week, a percentile
 * or a sprint counts); the rounding is the figures' own, so a drill-down lists exactly the issues counted.
 */
export type DrillRow = readonly [id: string, resolvedMs: number | null, leadHours: number | null, cycleHours: number | null, sprintId: number | null];

/** Mutable while built; the lists stay sorted ascending. */
export interface MetricsAggregate {
  readonly timeZone: string;
  issues: number;
  resolved: number;
  /** Sorted ascending, hours to 0.01. */
  readonly lead: number[];
  /** Sorted ascending, hours to 0.01. */
  readonly cycle: number[];
  /** Resolutions per local week start. */
  readonly weekly: Record<string, number>;
  readonly sprints: Record<string, SprintTotals>;
  /** By `ruleId \u0000 priority`. */
  readonly bridge: Record<string, BridgeTotals>;
  /** The drill-down's rows, in no particular order. */
  readonly rows: DrillRow[];
}

export function emptyAggregate(timeZone: string): MetricsAggregate {
  return { timeZone, issues: 0, resolved: 0, lead: [], cycle: [], weekly: {}, sprints: {}, bridge: {}, rows: [] };
}

/** Index of the first element ≥ value (sorted ascending). */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], value: number): void {
  list.splice(lowerBound(list, value), 0, value);
}

/** Removes one occurrence; false when the value is not there (the aggregate did not hold this issue). */
function removeSorted(list: number[], value: number): boolean {
  const at = lowerBound(list, value);
  if (list[at] !== value) return false;
  list.splice(at, 1);
  return true;
}

type Apply = (list: number[], value: number) => void;

function drillRow(issue: SyncedIssue): DrillRow | undefined {
  const sprintId = issue.sprint && issue.statusCategory === 'done' ? issue.sprint.id : null;
  if (issue.resolvedMs === null && sprintId === null) return undefined;
  return [issue.id, issue.resolvedMs, issue.resolvedMs === null ? null : hours(issue.resolvedMs - issue.createdMs), issue.cycleTimeHours, sprintId];
}

function apply(agg: MetricsAggregate, issue: SyncedIssue, sign: 1 | -1, put: Apply): boolean {
  let consistent = true;
  const row = drillRow(issue);
  if (row && sign === 1) agg.rows.push(row);
  if (row && sign === -1) {
    const at = agg.rows.findIndex((r) => r[0] === issue.id && JSON.stringify(r) === JSON.stringify(row));
    if (at < 0) consistent = false;
    else agg.rows.splice(at, 1);
  }
  agg.issues += sign;
  if (issue.cycleTimeHours !== null) put(agg.cycle, issue.cycleTimeHours);
  if (issue.resolvedMs !== null) {
    agg.resolved += sign;
    put(agg.lead, hours(issue.resolvedMs - issue.createdMs));
    const week = localWeekStart(issue.resolvedMs, agg.timeZone);
    const left = (agg.weekly[week] ?? 0) + sign;
    if (left > 0) agg.weekly[week] = left;
    else delete agg.weekly[week];
  }
  if (issue.sprint && issue.statusCategory === 'done') {
    const id = String(issue.sprint.id);
    const s = agg.sprints[id] ?? { name: issue.sprint.name, state: issue.sprint.state, points: 0, issues: 0 };
    s.points += sign * (issue.storyPoints ?? 0);
    s.issues += sign;
    if (s.issues > 0) agg.sprints[id] = s;
    else delete agg.sprints[id];
  }
  if (issue.bridgeRuleId !== null) {
    const priority = issue.priority ?? '(none)';
    const key = `${issue.bridgeRuleId}\u0000${priority}`;
    const b = agg.bridge[key] ?? { ruleId: issue.bridgeRuleId, priority, issues: 0, ack: [], resolve: [] };
    b.issues += sign;
    if (issue.inProgressMs !== null) put(b.ack, hours(issue.inProgressMs - issue.createdMs));
    if (issue.resolvedMs !== null) put(b.resolve, hours(issue.resolvedMs - issue.createdMs));
    if (b.issues > 0) agg.bridge[key] = b;
    else delete agg.bridge[key];
  }
  return consistent;
}

/** Builds the aggregate of every issue (sorting once at the end). */
export function aggregate(issues: Iterable<SyncedIssue>, timeZone: string): MetricsAggregate {
  const agg = emptyAggregate(timeZone);
  const push: Apply = (list, value) => list.push(value);
  for (const issue of issues) apply(agg, issue, 1, push);
  const asc = (a: number, b: number) => a - b;
  agg.lead.sort(asc);
  agg.cycle.sort(asc);
  for (const b of Object.values(agg.bridge)) {
    b.ack.sort(asc);
    b.resolve.sort(asc);
  }
  return agg;
}

/** Adds one issue (its stored record) to the aggregate, in place. */
export function addIssue(agg: MetricsAggregate, issue: SyncedIssue): void {
  apply(agg, issue, 1, insertSorted);
}

/**
 * Takes one issue (the record the aggregate was built from) out, in place. Answers false, leaving the
 * aggregate unusable, when one of its durations is not there: the aggregate did not hold this record, so the
 * caller must recount from the records.
 */
export function removeIssue(agg: MetricsAggregate, issue: SyncedIssue): boolean {
  let consistent = true;
  const rowFound = apply(agg, issue, -1, (list, value) => {
    if (!removeSorted(list, value)) consistent = false;
  });
  return consistent && rowFound && agg.issues >= 0 && agg.resolved >= 0;
}

/** The page's answer from the aggregate; the weekly series runs up to `nowMs`'s week (empty weeks as 0). */
export function metricsFromAggregate(agg: MetricsAggregate, nowMs?: number): ProjectMetrics {
  const weeks = Object.keys(agg.weekly).sort();
  const first = weeks[0];
  const nowWeek = nowMs === undefined ? undefined : localWeekStart(nowMs, agg.timeZone);
  const last = [weeks.at(-1), nowWeek].filter((w): w is string => w !== undefined).sort().at(-1);
  const sorted = { presorted: true } as const;
  const sprints: SprintPoints[] = Object.entries(agg.sprints)
    .map(([id, s]) => ({ sprintId: Number(id), sprintName: s.name, state: s.state, completedPoints: s.points, completedIssues: s.issues }))
    .sort((a, b) => a.sprintId - b.sprintId);
  return {
    issues: agg.issues,
    resolved: agg.resolved,
    leadTime: durationStats(agg.lead, sorted),
    cycleTime: durationStats(agg.cycle, sorted),
    timeZone: agg.timeZone,
    cycleTimeHoursP50: percentile(agg.cycle, 50, sorted),
    cycleTimeHoursP85: percentile(agg.cycle, 85, sorted),
    weeklyThroughput: first === undefined || last === undefined ? [] : weeksBetween(first, last).map((week) => ({ weekStart: week, resolved: agg.weekly[week] ?? 0 })),
    storyPointsPerSprint: sprints,
    bridge: Object.values(agg.bridge)
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.priority.localeCompare(b.priority))
      .map((b) => ({
        ruleId: b.ruleId,
        priority: b.priority,
        issues: b.issues,
        ackHoursP50: percentile(b.ack, 50, sorted),
        ackHoursP85: percentile(b.ack, 85, sorted),
        resolveHoursP50: percentile(b.resolve, 50, sorted),
        resolveHoursP85: percentile(b.resolve, 85, sorted),
      })),
  };
}

/** Splits the aggregate's JSON into pieces of at most `maxChars` characters (KVS values are bounded). */
export function encodeAggregate(agg: MetricsAggregate, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new Error(`maxChars must be a positive integer, got ${maxChars}`);
  const json = JSON.stringify(agg);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += maxChars) out.push(json.slice(i, i + maxChars));
  return out.length === 0 ? [''] : out;
}

/** The inverse of `encodeAggregate`; undefined when the pieces do not make an aggregate (missing, corrupt). */
export function decodeAggregate(pieces: readonly string[]): MetricsAggregate | undefined {
  try {
    const value: unknown = JSON.parse(pieces.join(''));
    if (typeof value !== 'object' || value === null) return undefined;
    const agg = value as MetricsAggregate;
    if (typeof agg.timeZone !== 'string' || !Array.isArray(agg.lead) || !Array.isArray(agg.cycle) || !Array.isArray(agg.rows) || typeof agg.weekly !== 'object') return undefined;
    return agg;
  } catch {
    return undefined;
  }
}

/**
 * A stored answer (computed at some earlier time) as of `nowMs`: the weekly series gains the weeks since, as 0
 * (no resolution can have happened in them without a sync or trigger rewriting the answer).
 */
export function metricsAsOf(metrics: ProjectMetrics, nowMs: number): ProjectMetrics {
  const last = metrics.weeklyThroughput.at(-1);
  if (last === undefined) return metrics;
  const nowWeek = localWeekStart(nowMs, metrics.timeZone);
  if (nowWeek <= last.weekStart) return metrics;
  const added = weeksBetween(last.weekStart, nowWeek).slice(1).map((weekStart) => ({ weekStart, resolved: 0 }));
  return { ...metrics, weeklyThroughput: [...metrics.weeklyThroughput, ...added] };
}

/** What a drill-down asks for: the issues behind one figure of the page. */
export type DrillQuery =
  /** Issues resolved in the week starting on this local Monday (`YYYY-MM-DD`, the page's `weekStart`). */
  | { readonly kind: 'week'; readonly weekStart: string }
  /** Issues done in this sprint (the page's `storyPointsPerSprint` row). */
  | { readonly kind: 'sprint'; readonly sprintId: number }
  /**
   * Issues on one side of a percentile of lead or cycle time: `within` = duration ≤ the pXX figure (the issues
   * the percentile covers), `beyond` = duration > it (the slow tail).
   */
  | { readonly kind: 'percentile'; readonly measure: 'lead' | 'cycle'; readonly p: 50 | 85 | 95; readonly side: 'within' | 'beyond' };

export interface DrillAnswer {
  /** Every matching issue's count. */
  readonly total: number;
  /** The requested page of ids: weeks and sprints by resolution time (then id), percentiles slowest first. */
  readonly ids: readonly string[];
  /** The duration threshold a percentile query used (hours), for the page to show. */
  readonly thresholdHours?: number | undefined;
}

/** The issues behind a figure, paged (`offset`, `limit`). Pure over the aggregate. */
export function drillDown(agg: MetricsAggregate, query: DrillQuery, offset: number, limit: number): DrillAnswer {
  let matches: DrillRow[];
  let thresholdHours: number | undefined;
  const byResolution = (a: DrillRow, b: DrillRow) => (a[1] ?? 0) - (b[1] ?? 0) || a[0].localeCompare(b[0]);
  switch (query.kind) {
    case 'week':
      matches = agg.rows.filter((r) => r[1] !== null && localWeekStart(r[1], agg.timeZone) === query.weekStart).sort(byResolution);
      break;
    case 'sprint':
      matches = agg.rows.filter((r) => r[4] === query.sprintId).sort(byResolution);
      break;
    case 'percentile': {
      const column = query.measure === 'lead' ? 2 : 3;
      thresholdHours = percentile(query.measure === 'lead' ? agg.lead : agg.cycle, query.p, { presorted: true });
      const limitHours = thresholdHours;
      matches =
        limitHours === undefined
          ? []
          : agg.rows
              .filter((r) => {
                const d = r[column];
                return typeof d === 'number' && (query.side === 'within' ? d <= limitHours : d > limitHours);
              })
              .sort((a, b) => (b[column] as number) - (a[column] as number) || a[0].localeCompare(b[0]));
      break;
    }
    default:
      return assertNever(query);
  }
  return { total: matches.length, ids: matches.slice(offset, offset + limit).map((r) => r[0]), thresholdHours };
}

function assertNever(x: never): never {
  throw new Error(`unexpected drill-down ${JSON.stringify(x)}`);
}
