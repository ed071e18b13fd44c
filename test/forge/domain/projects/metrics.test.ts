/** Lead time, cycle time and weekly throughput of computeMetrics: a table and fast-check properties. */
import fc from 'fast-check';
import { computeMetrics, durationStats, type SyncedIssue } from '../../../../src/forge/domain/projects';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 12); // a Monday

function issue(n: number, createdMs: number, inProgressMs: number | null, resolvedMs: number | null): SyncedIssue {
  return {
    id: String(n), key: `X-${n}`, summary: '', issueType: 'Story', status: resolvedMs === null ? 'To Do' : 'Done', statusCategory: resolvedMs === null ? 'new' : 'done',
    assigneeAccountId: null, priority: null, storyPoints: null, sprint: null, createdMs, updatedMs: resolvedMs ?? createdMs, resolvedMs, inProgressMs,
    cycleTimeHours: inProgressMs !== null && resolvedMs !== null ? Math.round(((resolvedMs - inProgressMs) / HOUR) * 100) / 100 : null, bridgeRuleId: null,
  };
}

const nearestRank = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
};

describe('lead time and cycle time', () => {
  it('are named separately: created → resolved, and first In Progress → resolved', () => {
    const m = computeMetrics([
      issue(1, T0, T0 + 10 * HOUR, T0 + 30 * HOUR), // lead 30, cycle 20
      issue(2, T0, null, T0 + 5 * HOUR), // lead 5, never in progress: no cycle time
      issue(3, T0, T0 + HOUR, null), // open: neither
      issue(4, T0, T0 + 2 * HOUR, T0 + 102 * HOUR), // lead 102, cycle 100
    ]);
    expect(m.leadTime).toEqual({ issues: 3, meanHours: 45.67, p50Hours: 30, p85Hours: 102, p95Hours: 102 });
    expect(m.cycleTime).toEqual({ issues: 2, meanHours: 60, p50Hours: 20, p85Hours: 100, p95Hours: 100 });
    expect(m.cycleTimeHoursP50).toBe(20);
  });

  it('has no figures without resolved issues', () => {
    expect(durationStats([])).toEqual({ issues: 0, meanHours: undefined, p50Hours: undefined, p85Hours: undefined, p95Hours: undefined });
    expect(computeMetrics([issue(1, T0, null, null)]).weeklyThroughput).toEqual([]);
  });

  it('match an independent computation for any set of issues (property)', () => {
    const arb = fc.array(fc.record({ created: fc.integer({ min: 0, max: 90 * 24 }), start: fc.option(fc.integer({ min: 0, max: 500 })), end: fc.option(fc.integer({ min: 0, max: 900 })) }), { maxLength: 60 });
    fc.assert(
      fc.property(arb, (rows) => {
        const issues = rows.map((r, i) => {
          const created = T0 + r.created * HOUR;
          const resolved = r.end === null ? null : created + r.end * HOUR + 1;
          const started = r.start === null || resolved === null ? null : Math.min(resolved, created + r.start * HOUR);
          return issue(i, created, started, resolved);
        });
        const m = computeMetrics(issues, { timeZone: 'UTC' });
        const lead = issues.flatMap((i) => (i.resolvedMs === null ? [] : [Math.round(((i.resolvedMs - i.createdMs) / HOUR) * 100) / 100]));
        const cycle = issues.flatMap((i) => (i.cycleTimeHours === null ? [] : [i.cycleTimeHours]));
        const total = m.weeklyThroughput.reduce((n, w) => n + w.resolved, 0);
        const contiguous = m.weeklyThroughput.every((w, k, all) => k === 0 || Date.parse(w.weekStart) - Date.parse(all[k - 1]!.weekStart) === 7 * 24 * HOUR);
        const mondays = m.weeklyThroughput.every((w) => new Date(`${w.weekStart}T00:00:00Z`).getUTCDay() === 1);
        return (
          m.leadTime.p50Hours === nearestRank(lead, 50) && m.leadTime.p95Hours === nearestRank(lead, 95) && m.cycleTime.p85Hours === nearestRank(cycle, 85) &&
          m.leadTime.issues === lead.length && m.cycleTime.issues === cycle.length && total === lead.length && contiguous && mondays
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('weekly throughput', () => {
  it('buckets in the site time zone and shows weeks without resolutions as 0, up to now', () => {
    // Sunday 2026-11-08 22:00 in Tokyo is 13:00 UTC; Monday 2026-11-09 00:30 Tokyo is Sunday 15:30 UTC.
    const issues = [issue(1, T0, null, Date.UTC(2026, 10, 8, 13)), issue(2, T0, null, Date.UTC(2026, 10, 8, 15, 30)), issue(3, T0, null, Date.UTC(2026, 10, 24, 1))];
    expect(computeMetrics(issues, { timeZone: 'Asia/Tokyo', nowMs: Date.UTC(2026, 11, 8) }).weeklyThroughput).toEqual([
      { weekStart: '2026-11-02', resolved: 1 },
      { weekStart: '2026-11-09', resolved: 1 },
      { weekStart: '2026-11-16', resolved: 0 },
      { weekStart: '2026-11-23', resolved: 1 },
      { weekStart: '2026-11-30', resolved: 0 },
      { weekStart: '2026-12-07', resolved: 0 },
    ]);
    // In UTC both Sunday resolutions are in the week of Nov 2.
    expect(computeMetrics(issues, { timeZone: 'UTC' }).weeklyThroughput.slice(0, 2)).toEqual([{ weekStart: '2026-11-02', resolved: 2 }, { weekStart: '2026-11-09', resolved: 0 }]);
  });
});
