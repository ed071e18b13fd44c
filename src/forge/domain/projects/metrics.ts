/** Delivery and incident metrics of one project's synced issues. Pure: the caller passes every issue. */
import type { SyncedIssue } from './issue-mapping';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** 1970-01-05 was a Monday: weeks start on Monday 00:00 UTC. */
const MONDAY_EPOCH = 4 * 24 * HOUR;

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function weekStartMs(ms: number): number {
  return Math.floor((ms - MONDAY_EPOCH) / WEEK) * WEEK + MONDAY_EPOCH;
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

export interface ProjectMetrics {
  readonly issues: number;
  readonly resolved: number;
  readonly cycleTimeHoursP50: number | undefined;
  readonly cycleTimeHoursP85: number | undefined;
  readonly weeklyThroughput: readonly WeeklyCount[];
  readonly storyPointsPerSprint: readonly SprintPoints[];
  readonly bridge: readonly BridgeTimes[];
}

const hours = (ms: number) => Math.round((ms / HOUR) * 100) / 100;

export function computeMetrics(issues: Iterable<SyncedIssue>): ProjectMetrics {
  const cycle: number[] = [];
  const weekly = new Map<number, number>();
  const sprints = new Map<number, { name: string; state: string; points: number; issues: number }>();
  const bridge = new Map<string, { ruleId: string; priority: string; ack: number[]; resolve: number[]; issues: number }>();
  let count = 0;
  let resolved = 0;
  for (const issue of issues) {
    count += 1;
    if (issue.cycleTimeHours !== null) cycle.push(issue.cycleTimeHours);
    if (issue.resolvedMs !== null) {
      resolved += 1;
      const week = weekStartMs(issue.resolvedMs);
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
  return {
    issues: count,
    resolved,
    cycleTimeHoursP50: percentile(cycle, 50),
    cycleTimeHoursP85: percentile(cycle, 85),
    weeklyThroughput: [...weekly.entries()].sort(([a], [b]) => a - b).map(([week, n]) => ({ weekStart: new Date(week).toISOString().slice(0, 10), resolved: n })),
    storyPointsPerSprint: [...sprints.entries()].sort(([a], [b]) => a - b).map(([id, s]) => ({ sprintId: id, sprintName: s.name, state: s.state, completedPoints: s.points, completedIssues: s.issues })),
    bridge: [...bridge.values()]
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.priority.localeCompare(b.priority))
      .map((b) => ({ ruleId: b.ruleId, priority: b.priority, issues: b.issues, ackHoursP50: percentile(b.ack, 50), ackHoursP85: percentile(b.ack, 85), resolveHoursP50: percentile(b.resolve, 50), resolveHoursP85: percentile(b.resolve, 85) })),
  };
}
