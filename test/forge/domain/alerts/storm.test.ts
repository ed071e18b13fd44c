import fc from 'fast-check';
import {
  MAX_STORM_WINDOW_PROBLEMS,
  admitProblem,
  decideRolled,
  emptyStormWindow,
  markRolled,
  stormIssueBody,
  stormProblemKey,
  stormResolveCommands,
  stormShortId,
  stormWindowOf,
  type StormGuard,
  type StormWindow,
} from '../../../../src/forge/domain/alerts/storm';
import { decideAlertLink, describeStormGuard, problemKey, type Problem, type ProblemState } from '../../../../src/forge/domain/alerts';
import { importRulesYaml, exportRulesYaml } from '../../../../src/forge/domain/alerts/rules-yaml';
import { makeRule, ruleVariants } from './helpers';

const guard: StormGuard = { maxNewIssues: 2, windowMinutes: 60 };
const T0 = '2026-12-06T10:15:00.000Z';
const keyOf = (i: number): string => problemKey({ grouping: 'group', source: `r1\u0000svc-${i}` });

function problem(i: number, status: 'firing' | 'resolved' = 'firing'): Problem {
  return {
    key: keyOf(i),
    grouping: 'group',
    source: `svc-${i}`,
    groupKey: `{}:{service="svc-${i}"}`,
    groupLabels: { service: `svc-${i}` },
    receiver: 'jira',
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        fingerprint: `fp${i}`.padEnd(16, '0'),
        status,
        labels: { alertname: 'Down', service: `svc-${i}`, severity: 'critical', cluster: 'prod-eu' },
        annotations: { summary: `svc-${i} is down` },
        startsAt: '2026-12-06T10:00:00Z',
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-06T10:20:00Z',
        generatorURL: '',
      },
    ],
  };
}

describe('stormWindowOf: fixed windows aligned to the epoch', () => {
  it.each([
    ['2026-12-06T10:15:00.000Z', 60, '2026-12-06T10:00:00.000Z'],
    ['2026-12-06T10:59:59.999Z', 60, '2026-12-06T10:00:00.000Z'],
    ['2026-12-06T11:00:00.000Z', 60, '2026-12-06T11:00:00.000Z'],
    ['2026-12-06T10:15:00.000Z', 1, '2026-12-06T10:15:00.000Z'],
    ['2026-12-06T10:15:00.000Z', 1440, '2026-12-06T00:00:00.000Z'],
  ])('%s in %i-minute windows starts at %s', (at, minutes, start) => {
    expect(new Date(stormWindowOf('r1', { maxNewIssues: 1, windowMinutes: minutes }, at).windowStartMs).toISOString()).toBe(start);
  });

  it('refuses a receivedAt that is not a time', () => {
    expect(() => stormWindowOf('r1', guard, 'yesterday')).toThrow(/not a time/);
  });

  it('names the storm issue by rule and window', () => {
    expect(stormProblemKey(stormWindowOf('r-1', guard, T0))).toBe(`am:storm:r-1:${Date.parse('2026-12-06T10:00:00Z')}`);
  });
});

describe('admitProblem', () => {
  const w0 = emptyStormWindow(stormWindowOf('r1', guard, T0));
  it.each<[string, string[], Record<string, 'firing' | 'resolved'>, number, string, boolean]>([
    ['first problem: own issue', [], {}, 1, 'own-issue', true],
    ['under the limit: own issue', [stormShortId(keyOf(1))], {}, 2, 'own-issue', true],
    ['at the limit: rolled', [stormShortId(keyOf(1)), stormShortId(keyOf(2))], {}, 3, 'rolled', true],
    ['already admitted (a retry): own issue, window unchanged', [stormShortId(keyOf(1)), stormShortId(keyOf(2))], {}, 1, 'own-issue', false],
    ['already rolled (a duplicate): rolled, window unchanged', [stormShortId(keyOf(1)), stormShortId(keyOf(2))], { [stormShortId(keyOf(3))]: 'firing' }, 3, 'rolled', false],
    ['rolled, resolved, new again: rolled and firing', [stormShortId(keyOf(1)), stormShortId(keyOf(2))], { [stormShortId(keyOf(3))]: 'resolved' }, 3, 'rolled', true],
  ])('%s', (_name, admitted, rolled, i, admission, changed) => {
    const r = admitProblem({ ...w0, admitted, rolled }, keyOf(i), guard);
    expect(r.admission).toBe(admission);
    expect(r.changed).toBe(changed);
    if (admission === 'rolled') expect(r.window.rolled[stormShortId(keyOf(i))]).toBe('firing');
  });

  it('a full window refuses (the caller fails the delivery visibly) rather than grow past a KVS value', () => {
    const admitted = Array.from({ length: 2 }, (_, i) => `a${i}`);
    const rolled = Object.fromEntries(Array.from({ length: MAX_STORM_WINDOW_PROBLEMS - 2 }, (_, i) => [`r${i}`, 'firing' as const]));
    const full: StormWindow = { ...w0, admitted, rolled };
    expect(admitProblem(full, keyOf(9), guard).admission).toBe('window-full');
    expect(Buffer.byteLength(JSON.stringify({ ...w0, admitted: Array.from({ length: 10_000 }, (_, i) => stormShortId(keyOf(i))), rolled: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [stormShortId(keyOf(20_000 + i)), 'resolved'])) }))).toBeLessThan(240 * 1024);
  });
});

describe('markRolled', () => {
  const base = { ...emptyStormWindow(stormWindowOf('r1', guard, T0)), rolled: { [stormShortId(keyOf(1))]: 'firing', [stormShortId(keyOf(2))]: 'firing' } } as StormWindow;
  it('the storm is over when the last rolled problem resolves, once', () => {
    const one = markRolled(base, keyOf(1), false);
    expect(one).toMatchObject({ changed: true, allResolved: false });
    const two = markRolled(one.window, keyOf(2), false);
    expect(two).toMatchObject({ changed: true, allResolved: true, refired: false });
    expect(markRolled(two.window, keyOf(2), false)).toMatchObject({ changed: false, allResolved: false });
    expect(markRolled(two.window, keyOf(1), true)).toMatchObject({ changed: true, allResolved: false, refired: true });
  });
  it('ignores a problem the window did not roll', () => {
    expect(markRolled(base, keyOf(7), false)).toMatchObject({ changed: false, allResolved: false });
  });
});

describe('decideRolled', () => {
  const rule = ruleVariants.groupTransition;
  const ref = stormWindowOf(rule.id, guard, T0);
  it('rolling in: one comment on the storm issue naming the problem, no create, no transition', () => {
    const r = decideRolled({ problem: problem(3), rule, known: null, receivedAt: T0 }, 'OPS-9', ref);
    if (r.escape) throw new Error('escaped');
    expect(r.decision.commands).toHaveLength(1);
    const c = r.decision.commands[0];
    expect(c).toMatchObject({ kind: 'comment', issue: { kind: 'existing', key: 'OPS-9' } });
    expect(JSON.stringify(c)).toContain('Rolled into this storm');
    expect(JSON.stringify(c)).toContain(keyOf(3));
    expect(r.decision.next).toMatchObject({ issue: { ref: { kind: 'existing', key: 'OPS-9' } }, storm: { ruleId: 'r1', windowStartMs: ref.windowStartMs } });
  });

  const rolledState = (): ProblemState => ({
    version: 1,
    problemKey: keyOf(3),
    issue: { key: 'OPS-9', statusCategory: 'indeterminate' },
    previousIssueKeys: [],
    alerts: { [problem(3).alerts[0]!.fingerprint]: { status: 'firing', startsAt: '2026-12-06T10:00:00Z', endsAt: '0001-01-01T00:00:00Z' } },
    firstSeen: '2026-12-06T10:00:00Z',
    updatedAt: T0,
    storm: { ruleId: 'r1', windowStartMs: ref.windowStartMs },
  });

  it.each([
    ['unchanged repeat: nothing', 'firing' as const, []],
    ['resolved: a comment on the storm issue, the transition left to the storm as a whole', 'resolved' as const, ['comment']],
  ])('a rolled problem, %s', (_name, status, kinds) => {
    const r = decideRolled({ problem: problem(3, status), rule, known: rolledState(), receivedAt: '2026-12-06T10:30:00Z' }, 'OPS-9', ref);
    if (r.escape) throw new Error('escaped');
    expect(r.decision.commands.filter((c) => c.kind !== 'nothing').map((c) => c.kind)).toEqual(kinds);
    expect(r.decision.next?.storm).toEqual({ ruleId: 'r1', windowStartMs: ref.windowStartMs });
  });

  it('linked by hand to an issue (its storm issue Done), the problem leaves the storm', () => {
    const problemState = { ...rolledState(), issue: { key: 'OPS-9', statusCategory: 'done' as const } };
    const linked = decideAlertLink({ issue: { key: 'OPS-77', statusCategory: 'new' }, existing: null, problemKey: keyOf(3), problem: problemState, now: T0 });
    if (!linked.ok) throw new Error(linked.error.message);
    expect(linked.state.issue?.key).toBe('OPS-77');
    expect(linked.state.storm).toBeUndefined();
    expect(linked.state.previousIssueKeys).toEqual(['OPS-9']);
  });

  it('escapes when the storm issue is Done and the problem fires again (re-fire makes a new issue)', () => {
    const known = { ...rolledState(), issue: { key: 'OPS-9', statusCategory: 'done' as const }, alerts: {} };
    expect(decideRolled({ problem: problem(3), rule, known, receivedAt: '2026-12-06T10:30:00Z' }, 'OPS-9', ref)).toEqual({ escape: true });
  });
});

describe('storm issue content', () => {
  const ref = stormWindowOf('r1', guard, T0);
  it('is created in the rule target with a storm summary and its own problem key', () => {
    const body = stormIssueBody(makeRule(), { maxNewIssues: 50, windowMinutes: 60 }, ref, problem(1), { firstSeen: T0, lastSeen: T0 });
    expect(body.fields.project).toEqual({ key: 'OPS' });
    expect(body.fields.summary).toMatch(/^\[Storm\] Production alerts: more than 50 new issues in 60 min/);
    expect(body.properties[0].value.problemKey).toBe(stormProblemKey(ref));
  });
  it.each([
    [ruleVariants.group, ['comment']],
    [ruleVariants.groupTransition, ['comment', 'transition']],
  ])('resolves by the rule resolve policy', (rule, kinds) => {
    expect(stormResolveCommands(rule, 'OPS-9', 3).map((c) => c.kind)).toEqual(kinds);
  });
  it('reads as the rule list shows it', () => {
    expect(describeStormGuard({ maxNewIssues: 50, windowMinutes: 60 })).toBe('≤ 50 new issues / 60 min');
    expect(describeStormGuard({ maxNewIssues: 1, windowMinutes: 5 })).toBe('≤ 1 new issue / 5 min');
  });
});

describe('rule field', () => {
  it.each([
    [{ maxNewIssues: 0, windowMinutes: 60 }, false],
    [{ maxNewIssues: 10_001, windowMinutes: 60 }, false],
    [{ maxNewIssues: 50, windowMinutes: 1441 }, false],
    [{ maxNewIssues: 1.5, windowMinutes: 60 }, false],
    [{ maxNewIssues: 50, windowMinutes: 60 }, true],
  ])('%j valid: %s', (stormGuard, ok) => {
    const run = (): unknown => makeRule({ stormGuard });
    if (ok) expect(run()).toMatchObject({ stormGuard });
    else expect(run).toThrow();
  });
  it('travels through YAML export and import', () => {
    const rule = makeRule({ stormGuard: { maxNewIssues: 50, windowMinutes: 60 } });
    const yaml = exportRulesYaml([rule]);
    expect(yaml).toContain('maxNewIssues: 50');
    const back = importRulesYaml(yaml);
    expect(back.ok && back.value[0]?.stormGuard).toEqual({ maxNewIssues: 50, windowMinutes: 60 });
  });
});

describe('property: any order, duplicates and window spread', () => {
  it('never more than N own issues per window, and every problem is its own issue or listed in the storm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        // events: (problem, minute offset within 3 hours); duplicated and shuffled below.
        fc.array(fc.record({ p: fc.integer({ min: 0, max: 20 }), minute: fc.integer({ min: 0, max: 179 }) }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (n, events, dupes) => {
          const g: StormGuard = { maxNewIssues: n, windowMinutes: 60 };
          const base = Date.parse('2026-12-06T09:00:00Z');
          const deliveries = [...events, ...dupes.map((d) => events[d % events.length]!)];
          // Shuffle deterministically by the fast-check values themselves.
          deliveries.sort((a, b) => ((a.p * 31 + a.minute) % 7) - ((b.p * 31 + b.minute) % 7));
          const windows = new Map<number, StormWindow>();
          const verdicts = new Map<string, string>();
          for (const e of deliveries) {
            const ref = stormWindowOf('r1', g, new Date(base + e.minute * 60_000).toISOString());
            const w = windows.get(ref.windowStartMs) ?? emptyStormWindow(ref);
            const r = admitProblem(w, keyOf(e.p), g);
            windows.set(ref.windowStartMs, r.window);
            const id = `${ref.windowStartMs}/${e.p}`;
            const earlier = verdicts.get(id);
            if (earlier !== undefined) expect(r.admission).toBe(earlier); // exactly-once: a duplicate gets the same verdict
            verdicts.set(id, r.admission);
          }
          for (const w of windows.values()) {
            expect(w.admitted.length).toBeLessThanOrEqual(n);
            expect(new Set(w.admitted).size).toBe(w.admitted.length);
            for (const id of w.admitted) expect(w.rolled[id]).toBeUndefined();
          }
          for (const e of events) {
            const ref = stormWindowOf('r1', g, new Date(base + e.minute * 60_000).toISOString());
            const w = windows.get(ref.windowStartMs)!;
            const id = stormShortId(keyOf(e.p));
            expect(w.admitted.includes(id) || w.rolled[id] === 'firing').toBe(true);
          }
          // Only a full window rolls.
          for (const w of windows.values()) if (Object.keys(w.rolled).length > 0) expect(w.admitted.length).toBe(n);
        },
      ),
      { numRuns: 300 },
    );
  });
});
