/**
 * Delivery and incident metrics of one project's synced issues. Pure: the caller passes every issue, the site's
 * time zone and the current time.
 *
 * - Lead time: created → resolved (the resolution date), for every resolved issue: how long a request waited.
 * - Cycle time: first move into an In Progress (indeterminate) status → resolved, for resolved issues that went
 *   through one: how long the work took once started.
 * Both as mean, p50, p85 and p95 (nearest rank) in hours; weekly throughput counts resolutions per week, weeks
 * starting Monday 00:00 in the site's time zone, every week from the first resolution to now (none left out).
 */
import type { SyncedIssue } from './issue-mapping';
import { localWeekStart, weeksBetween } from './week-buckets';

const HOUR = 3_600_000;

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}


export interface WeeklyCount {
  readonly weekStart: string;
  readonly resolved: number;
}

export interface SprintPoints {
  readonly sprintId: number;
  readonly sprintName: string;
  readonly state: string;
  readonly completedPoints: number;
  readonly completedIssues: number;
}

export interface BridgeTimes {
  readonly ruleId: string;
  readonly priority: string;
  readonly issues: number;
  readonly ackHoursP50: number | undefined;
  readonly ackHoursP85: number | undefined;
  readonly resolveHoursP50: number | undefined;
  readonly resolveHoursP85: number | undefined;
}

/** A duration distribution in hours; the figures are undefined when no issue has the duration. */
export interface DurationStats {
  readonly issues: number;
  readonly meanHours: number | undefined;
  readonly p50Hours: number | undefined;
  readonly p85Hours: number | undefined;
  readonly p95Hours: number | undefined;
}

export function durationStats(hoursList: readonly number[]): DurationStats {
  const mean = hoursList.length === 0 ? undefined : Math.round((hoursList.reduce((a, b) => a + b, 0) / hoursList.length) * 100) / 100;
  return { issues: hoursList.length, meanHours: mean, p50Hours: percentile(hoursList, 50), p85Hours: percentile(hoursList, 85), p95Hours: percentile(hoursList, 95) };
}

export interface MetricsOptions {
  /** IANA zone of the site (the app user's profile zone): weeks start on its Mondays. */
  readonly timeZone: string;
  /** Now: the weekly series runs up to this week, so recent weeks without resolutions show as 0. */
  readonly nowMs?: number | undefined;
}

export interface ProjectMetrics {
  readonly issues: number;
  readonly resolved: number;
  /** Created → resolved, every resolved issue. */
  readonly leadTime: DurationStats;
  /** First In Progress → resolved, resolved issues that were ever in progress. */
  readonly cycleTime: DurationStats;
  /** The zone the weeks are in. */
  readonly timeZone: string;
  readonly cycleTimeHoursP50: number | undefined;
  readonly cycleTimeHoursP85: number | undefined;
  readonly weeklyThroughput: readonly WeeklyCount[];
  readonly storyPointsPerSprint: readonly SprintPoints[];
  readonly bridge: readonly BridgeTimes[];
}

const hours = (ms: number) => Math.round((ms / HOUR) * 100) / 100;

export function computeMetrics(issues: Iterable<SyncedIssue>, options: MetricsOptions = { timeZone: 'UTC' }): ProjectMetrics {
  const cycle: number[] = [];
  const lead: number[] = [];
  const weekly = new Map<string, number>();
  const sprints = new Map<number, { name: string; state: string; points: number; issues: number }>();
  const bridge = new Map<string, { ruleId: string; priority: string; ack: number[]; resolve: number[]; issues: number }>();
  let count = 0;
  let resolved = 0;
  for (const issue of issues) {
    count += 1;
    if (issue.cycleTimeHours !== null) cycle.push(issue.cycleTimeHours);
    if (issue.resolvedMs !== null) {
      resolved += 1;
      lead.push(hours(issue.resolvedMs - issue.createdMs));
      const week = localWeekStart(issue.resolvedMs, options.timeZone);
      weekly.set(week, (weekly.get(week) ?? 0) + 1);
    }
    if (issue.sprint && issue.statusCategory === 'done') {
      const s = sprints.get(issue.sprint.id) ?? { name: issue.sprint.name, state: issue.sprint.state, points: 0, issues: 0 };
      s.points += issue.storyPoints ?? 0;
      s.issues += 1;
      sprints.set(issue.sprint.id, s);
    }
    if (issue.bridgeRuleId !== null) {
      const priority = issue.priority ?? '(none)';
      const key = `${issue.bridgeRuleId}\u0000${priority}`;
      const b = bridge.get(key) ?? { ruleId: issue.bridgeRuleId, priority, ack: [], resolve: [], issues: 0 };
      b.issues += 1;
      if (issue.inProgressMs !== null) b.ack.push(hours(issue.inProgressMs - issue.createdMs));
      if (issue.resolvedMs !== null) b.resolve.push(hours(issue.resolvedMs - issue.createdMs));
      bridge.set(key, b);
    }
  }
  const weeks = [...weekly.keys()].sort();
  const first = weeks[0];
  const nowWeek = options.nowMs === undefined ? undefined : localWeekStart(options.nowMs, options.timeZone);
  const last = [weeks.at(-1), nowWeek].filter((w): w is string => w !== undefined).sort().at(-1);
  return {
    issues: count,
    resolved,
    leadTime: durationStats(lead),
    cycleTime: durationStats(cycle),
    timeZone: options.timeZone,
    cycleTimeHoursP50: percentile(cycle, 50),
    cycleTimeHoursP85: percentile(cycle, 85),
    weeklyThroughput: first === undefined || last === undefined ? [] : weeksBetween(first, last).map((week) => ({ weekStart: week, resolved: weekly.get(week) ?? 0 })),
    storyPointsPerSprint: [...sprints.entries()].sort(([a], [b]) => a - b).map(([id, s]) => ({ sprintId: id, sprintName: s.name, state: s.state, completedPoints: s.points, completedIssues: s.issues })),
    bridge: [...bridge.values()]
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.priority.localeCompare(b.priority))
      .map((b) => ({ ruleId: b.ruleId, priority: b.priority, issues: b.issues, ackHoursP50: percentile(b.ack, 50), ackHoursP85: percentile(b.ack, 85), resolveHoursP50: percentile(b.resolve, 50), resolveHoursP85: percentile(b.resolve, 85) })),
  };
}
