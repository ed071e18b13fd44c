import fc from 'fast-check';
import {
  EMPTY_GUARD_STATE,
  cancelWrites,
  evaluateEvent,
  planWrites,
  type GuardState,
  type GuardTiming,
  type Side,
} from '../../../../src/forge/domain/incidents/loop-guard';

const timing: GuardTiming = { bounceTtlMs: 10_000, echoWindowMs: 1 };
const ev = (side: Side, value: string, occurredAt: number, ownOrigin = false) => ({ side, entityId: 'INC-1', field: 'status', value, occurredAt, ownOrigin });

describe('loop guard rules', () => {
  it('drops our own changes', () => {
    const r = evaluateEvent(EMPTY_GUARD_STATE, ev('jira', 'closed', 10, true), 10);
    expect(r.decision).toEqual({ action: 'drop', reason: 'own-origin' });
  });

  it('consumes a bounce key once, for the echo only', () => {
    const { state, bounceKeys } = planWrites(EMPTY_GUARD_STATE, [{ side: 'jira', entityId: 'INC-1', field: 'status', value: 'in progress' }], 100, timing);
    expect(bounceKeys).toEqual([{ side: 'jira', entityId: 'INC-1', field: 'status', value: 'in progress', writtenAt: 100, echoBefore: 101, expiresAt: 10_100 }]);
    const echo = evaluateEvent(state, ev('jira', 'in progress', 100), 105);
    expect(echo.decision).toEqual({ action: 'drop', reason: 'echo' });
    expect(echo.state.bounces).toEqual([]);
    // A later human change to another value applies.
    expect(evaluateEvent(echo.state, ev('jira', 'closed', 200), 205).decision).toEqual({ action: 'apply' });
  });

  it('treats a change after the echo window as a human change even with the same value', () => {
    const { state } = planWrites(EMPTY_GUARD_STATE, [{ side: 'jira', entityId: 'INC-1', field: 'status', value: 'x' }], 100, timing);
    expect(evaluateEvent(state, ev('jira', 'x', 150), 150).decision).toEqual({ action: 'apply' });
  });

  it('drops a change older than our write to that side (our write overwrote it)', () => {
    const { state } = planWrites(EMPTY_GUARD_STATE, [{ side: 'impact', entityId: 'INC-1', field: 'status', value: 'MITIGATED' }], 100, timing);
    expect(evaluateEvent(state, ev('impact', 'OPEN', 99), 120).decision).toEqual({ action: 'drop', reason: 'stale' });
  });

  it('drops an event older than the last applied one, per side and field', () => {
    let s: GuardState = evaluateEvent(EMPTY_GUARD_STATE, ev('impact', 'MITIGATING', 50), 60).state;
    expect(evaluateEvent(s, ev('impact', 'INVESTIGATING', 40), 61).decision).toEqual({ action: 'drop', reason: 'stale' });
    expect(evaluateEvent(s, { ...ev('impact', '3', 40), field: 'priority' }, 61).decision).toEqual({ action: 'apply' });
    s = evaluateEvent(s, ev('impact', 'MITIGATED', 70), 71).state;
    expect(s.watermarks).toEqual([{ side: 'impact', entityId: 'INC-1', field: 'status', at: 70 }]);
  });

  it('prunes expired keys, and cancels keys of failed writes', () => {
    const { state, bounceKeys } = planWrites(EMPTY_GUARD_STATE, [{ side: 'jira', entityId: 'INC-1', field: 'status', value: 'a' }], 0, timing);
    expect(evaluateEvent(state, ev('impact', 'OPEN', 5), 20_000).state.bounces).toEqual([]);
    expect(cancelWrites(state, bounceKeys).bounces).toEqual([]);
  });
});

/**
 * A tiny two-sided world: humans edit either side, the bridge (the loop guard plus "copy to the other
 * side") processes change events delivered in any order, and every bridge write echoes back as an event
 * (flagged as ours, unflagged, or swallowed as Forge's ignoreSelf does).
 */
type EchoMode = 'flagged' | 'unflagged' | 'swallowed';
type Step =
  | { kind: 'edit'; side: Side; field: 'status' | 'priority'; value: string }
  | { kind: 'deliver'; pick: number; echo: EchoMode; echoDelay: 0 | 1 };

interface Pending {
  side: Side;
  field: string;
  value: string;
  occurredAt: number;
  ownOrigin: boolean;
  isEcho: boolean;
}

function simulate(steps: readonly Step[], drainPicks: readonly number[]) {
  const world: Record<Side, Record<string, string>> = { jira: { status: 'A', priority: '3' }, impact: { status: 'A', priority: '3' } };
  let guard: GuardState = EMPTY_GUARD_STATE;
  let now = 1_000;
  const pending: Pending[] = [];
  let humanEdits = 0;
  let writes = 0;
  let echoWrites = 0;
  const deliver = (pick: number, echo: EchoMode, echoDelay: number) => {
    if (pending.length === 0) return;
    const [event] = pending.splice(pick % pending.length, 1);
    // Steps are 2 ms apart and an echo lands 0-1 ms after our write: no two changes share a millisecond.
    now += 2;
    const r = evaluateEvent(guard, { ...event!, entityId: 'INC-1' }, now);
    guard = r.state;
    if (r.decision.action !== 'apply') return;
    const other: Side = event!.side === 'jira' ? 'impact' : 'jira';
    guard = planWrites(guard, [{ side: other, entityId: 'INC-1', field: event!.field, value: event!.value }], now, timing).state;
    writes += 1;
    if (event!.isEcho) echoWrites += 1;
    if (world[other][event!.field] === event!.value) return; // Real systems fire no event for a no-op write.
    world[other][event!.field] = event!.value;
    if (echo !== 'swallowed') pending.push({ side: other, field: event!.field, value: event!.value, occurredAt: now + echoDelay, ownOrigin: echo === 'flagged', isEcho: true });
  };
  for (const step of steps) {
    if (step.kind === 'edit') {
      now += 2;
      if (world[step.side][step.field] === step.value) continue;
      world[step.side][step.field] = step.value;
      humanEdits += 1;
      pending.push({ side: step.side, field: step.field, value: step.value, occurredAt: now, ownOrigin: false, isEcho: false });
    } else {
      deliver(step.pick, step.echo, step.echoDelay);
    }
  }
  // Bounded, so a ping-pong shows up as a failure rather than a hang.
  for (let i = 0; pending.length > 0 && i < 1_000; i++) deliver(drainPicks[i % Math.max(1, drainPicks.length)] ?? 0, 'unflagged', i % 2);
  return { world, humanEdits, writes, echoWrites, undelivered: pending.length };
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), side: fc.constantFrom<Side>('jira', 'impact'), field: fc.constantFrom('status' as const, 'priority' as const), value: fc.constantFrom('A', 'B', 'C') }),
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(20), echo: fc.constantFrom<EchoMode>('flagged', 'unflagged', 'swallowed'), echoDelay: fc.constantFrom<0 | 1>(0, 1) }),
);

describe('loop guard in a two-sided model (property)', () => {
  it('a burst of alternating edits on both sides converges with bounded writes and no ping-pong', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.array(fc.nat(20), { maxLength: 10 }), (steps, drain) => {
        const { world, humanEdits, writes, echoWrites, undelivered } = simulate(steps, drain);
        expect(undelivered).toBe(0);
        expect(echoWrites).toBe(0);
        expect(writes).toBeLessThanOrEqual(humanEdits);
        expect(world.jira).toEqual(world.impact);
      }),
      { numRuns: 2000 },
    );
  });

  it('a strictly alternating burst writes exactly once per human edit', () => {
    const steps: Step[] = [];
    for (let i = 0; i < 20; i++) {
      steps.push({ kind: 'edit', side: i % 2 === 0 ? 'jira' : 'impact', field: 'status', value: ['A', 'B', 'C'][(i + 1) % 3]! });
      // The human change, then the echo of our write.
      steps.push({ kind: 'deliver', pick: 0, echo: 'unflagged', echoDelay: 0 }, { kind: 'deliver', pick: 0, echo: 'unflagged', echoDelay: 0 });
    }
    const r = simulate(steps, []);
    expect(r.humanEdits).toBe(20);
    expect(r.writes).toBe(20);
    expect(r.echoWrites).toBe(0);
    expect(r.world.jira.status).toBe(r.world.impact.status);
  });
});

describe('replaying old events (property)', () => {
  it('never moves a value backwards, whatever the order and duplicates', () => {
    const history = fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 15 }).map((ts) => ts.map((t) => ({ t, value: `S${t}` })));
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray([...h, ...h], { minLength: h.length * 2 }))),
        ([h, order]) => {
          let guard = EMPTY_GUARD_STATE;
          const applied: number[] = [];
          for (const e of order) {
            const r = evaluateEvent(guard, ev('impact', e.value, e.t), 20_000);
            guard = r.state;
            if (r.decision.action === 'apply') applied.push(e.t);
          }
          // Applied times only grow (a duplicate of the latest may re-apply the same value), and the newest wins.
          for (let i = 1; i < applied.length; i++) expect(applied[i]!).toBeGreaterThanOrEqual(applied[i - 1]!);
          expect(applied[applied.length - 1]).toBe(Math.max(...h.map((x) => x.t)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
