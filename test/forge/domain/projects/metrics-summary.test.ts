/**
 * The precomputed aggregate gives exactly computeMetrics' answer (the page's reference computation), after
 * any removal of issues, and survives its chunked encoding.
 */
import fc from 'fast-check';
import {
  addIssue,
  aggregate,
  computeMetrics,
  decodeAggregate,
  encodeAggregate,
  metricsAsOf,
  metricsFromAggregate,
  removeIssue,
  drillDown,
  type DrillQuery,
  type SyncedIssue,
} from '../../../../src/forge/domain/projects';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 12);
const NOW = T0 + 120 * 24 * HOUR;

const issueArb = fc.record({
  created: fc.integer({ min: 0, max: 90 * 24 }),
  start: fc.option(fc.integer({ min: 0, max: 500 })),
  end: fc.option(fc.integer({ min: 0, max: 900 })),
  sprint: fc.option(fc.integer({ min: 1, max: 3 })),
  points: fc.option(fc.integer({ min: 0, max: 13 })),
  rule: fc.option(fc.constantFrom('r1', 'r2')),
  priority: fc.option(fc.constantFrom('High', 'Low')),
});

type Row = typeof issueArb extends fc.Arbitrary<infer R> ? R : never;

function build(rows: readonly Row[]): SyncedIssue[] {
  return rows.map((r, n) => {
    const createdMs = T0 + r.created * HOUR;
    const resolvedMs = r.end === null ? null : createdMs + r.end * HOUR + 1;
    const inProgressMs = r.start === null ? null : createdMs + r.start * HOUR;
    const cycle = inProgressMs !== null && resolvedMs !== null && inProgressMs <= resolvedMs ? Math.round(((resolvedMs - inProgressMs) / HOUR) * 100) / 100 : null;
    return {
      id: String(n), key: `X-${n}`, summary: '', issueType: 'Story', status: resolvedMs === null ? 'To Do' : 'Done', statusCategory: resolvedMs === null ? 'new' : 'done',
      assigneeAccountId: null, priority: r.priority, storyPoints: r.points, sprint: r.sprint === null ? null : { id: r.sprint, name: `S${r.sprint}`, state: 'closed' },
      createdMs, updatedMs: resolvedMs ?? createdMs, resolvedMs, inProgressMs, cycleTimeHours: cycle, bridgeRuleId: r.rule,
    };
  });
}

describe('metrics aggregate', () => {
  it('answers what computeMetrics answers, in any zone (property)', () => {
    fc.assert(
      fc.property(fc.array(issueArb, { maxLength: 80 }), fc.constantFrom('UTC', 'Pacific/Auckland', 'America/Los_Angeles'), (rows, timeZone) => {
        const issues = build(rows);
        expect(metricsFromAggregate(aggregate(issues, timeZone), NOW)).toEqual(computeMetrics(issues, { timeZone, nowMs: NOW }));
      }),
    );
  });

  it('after removing and adding issues, equals the aggregate of what is left (property)', () => {
    fc.assert(
      fc.property(fc.array(issueArb, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), (rows, picks) => {
        const issues = build(rows);
        const agg = aggregate(issues, 'Europe/Paris');
        const left = new Map(issues.map((i) => [i.id, i]));
        for (const pick of picks) {
          const gone = issues[pick % issues.length]!;
          if (!left.has(gone.id)) {
            addIssue(agg, gone);
            left.set(gone.id, gone);
          } else {
            expect(removeIssue(agg, gone)).toBe(true);
            left.delete(gone.id);
          }
        }
        expect(metricsFromAggregate(agg, NOW)).toEqual(computeMetrics([...left.values()], { timeZone: 'Europe/Paris', nowMs: NOW }));
      }),
    );
  });

  it('refuses to remove an issue it never held', () => {
    const [a, b] = build([
      { created: 1, start: 2, end: 10, sprint: null, points: null, rule: null, priority: null },
      { created: 1, start: 3, end: 50, sprint: null, points: null, rule: null, priority: null },
    ]);
    const agg = aggregate([a!], 'UTC');
    expect(removeIssue(agg, b!)).toBe(false);
  });

  it('round-trips through pieces no longer than asked', () => {
    fc.assert(
      fc.property(fc.array(issueArb, { maxLength: 50 }), fc.integer({ min: 1, max: 400 }), (rows, maxChars) => {
        const agg = aggregate(build(rows), 'UTC');
        const pieces = encodeAggregate(agg, maxChars);
        expect(pieces.every((p) => p.length <= maxChars)).toBe(true);
        expect(decodeAggregate(pieces)).toEqual(agg);
      }),
    );
    expect(decodeAggregate(['{"timeZone":"UTC"', ''])).toBeUndefined();
    expect(() => encodeAggregate(aggregate([], 'UTC'), 0)).toThrow(/positive integer/);
  });
});

describe('metricsAsOf', () => {
  it('an answer stored earlier, read later, equals the answer computed later (property)', () => {
    fc.assert(
      fc.property(fc.array(issueArb, { maxLength: 40 }), fc.integer({ min: 0, max: 60 * 24 }), (rows, laterHours) => {
        const issues = build(rows);
        const stored = metricsFromAggregate(aggregate(issues, 'Asia/Kolkata'), NOW);
        const later = NOW + laterHours * HOUR;
        expect(metricsAsOf(stored, later)).toEqual(computeMetrics(issues, { timeZone: 'Asia/Kolkata', nowMs: later }));
      }),
    );
  });
});

describe('drillDown', () => {
  it('lists exactly the issues each figure counts, and its pages add up (property)', () => {
    fc.assert(
      fc.property(fc.array(issueArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (rows, pageSize) => {
        const issues = build(rows);
        const agg = aggregate(issues, 'America/Los_Angeles');
        const m = metricsFromAggregate(agg, NOW);
        const all = (q: DrillQuery) => {
          const first = drillDown(agg, q, 0, pageSize);
          const ids = [...first.ids];
          for (let offset = pageSize; offset < first.total; offset += pageSize) ids.push(...drillDown(agg, q, offset, pageSize).ids);
          expect(ids).toHaveLength(first.total);
          expect(new Set(ids).size).toBe(ids.length);
          return ids;
        };
        for (const w of m.weeklyThroughput) expect(all({ kind: 'week', weekStart: w.weekStart })).toHaveLength(w.resolved);
        for (const s of m.storyPointsPerSprint) {
          const ids = all({ kind: 'sprint', sprintId: s.sprintId });
          expect(ids).toHaveLength(s.completedIssues);
          expect(ids.reduce((sum, id) => sum + (issues[Number(id)]!.storyPoints ?? 0), 0)).toBe(s.completedPoints);
        }
        for (const measure of ['lead', 'cycle'] as const) {
          const stats = measure === 'lead' ? m.leadTime : m.cycleTime;
          for (const p of [50, 85, 95] as const) {
            const within = all({ kind: 'percentile', measure, p, side: 'within' });
            const beyond = all({ kind: 'percentile', measure, p, side: 'beyond' });
            expect(within.length + beyond.length).toBe(stats.issues);
            if (stats.issues > 0) expect(within.length).toBeGreaterThanOrEqual(Math.ceil((p / 100) * stats.issues));
            const threshold = drillDown(agg, { kind: 'percentile', measure, p, side: 'beyond' }, 0, 1).thresholdHours;
            expect(threshold).toBe(p === 50 ? stats.p50Hours : p === 85 ? stats.p85Hours : stats.p95Hours);
          }
        }
      }),
    );
  });

  it('lists a percentile slowest first and a week by resolution time', () => {
    const issues = build([
      { created: 0, start: null, end: 10, sprint: null, points: null, rule: null, priority: null },
      { created: 0, start: null, end: 30, sprint: null, points: null, rule: null, priority: null },
      { created: 0, start: null, end: 20, sprint: null, points: null, rule: null, priority: null },
      { created: 0, start: null, end: null, sprint: null, points: null, rule: null, priority: null },
    ]);
    const agg = aggregate(issues, 'UTC');
    expect(drillDown(agg, { kind: 'percentile', measure: 'lead', p: 50, side: 'within' }, 0, 10)).toEqual({ total: 2, ids: ['2', '0'], thresholdHours: 20 });
    expect(drillDown(agg, { kind: 'percentile', measure: 'lead', p: 50, side: 'beyond' }, 0, 10).ids).toEqual(['1']);
    expect(drillDown(agg, { kind: 'week', weekStart: '2026-11-02' }, 0, 10).ids).toEqual(['0', '2', '1']);
    expect(drillDown(agg, { kind: 'week', weekStart: '2026-11-02' }, 1, 1)).toEqual({ total: 3, ids: ['2'], thresholdHours: undefined });
    expect(drillDown(aggregate([], 'UTC'), { kind: 'percentile', measure: 'cycle', p: 95, side: 'beyond' }, 0, 10)).toEqual({ total: 0, ids: [], thresholdHours: undefined });
  });
});
