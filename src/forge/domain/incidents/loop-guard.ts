/**
 * Loop prevention for two-way sync, as a pure function over a small JSON state the adapter keeps per
 * incident link (one KVS value), so one read and one write guard a whole event.
 *
 * Rules, in order:
 *  1. own origin: an event our app caused (Jira `ignoreSelf` / actor is the app, or an Impact webhook with
 *     our origin marker) is dropped;
 *  2. bounce guard: before writing value v of field f to a side we store a short-lived key; the first event
 *     from that side carrying exactly v for f, occurring just after the write, is the echo: it consumes the
 *     key and is dropped;
 *  3. monotonic guard: per side/entity/field a watermark holds the time of the last applied event there and
 *     of our last write there; an event older than it is stale (a retried or delayed event, or a change our
 *     later write already overwrote) and is dropped. A delayed event can therefore never move a value back.
 *
 * Times are ms since epoch. Jira's and Impact's clocks are assumed to agree within the delay between
 * our write and the next human edit; the echo of our write raises the watermark to the other side's own
 * clock, which absorbs skew after the first round trip.
 */
export type Side = 'jira' | 'impact';

export interface GuardEvent {
  readonly side: Side;
  /** The incident id (both sides of one link share it, so one state covers the link). */
  readonly entityId: string;
  readonly field: string;
  /** Canonical value (see sync-values.ts): what the echo of our write will carry. */
  readonly value: string;
  readonly occurredAt: number;
  /** The change was made by this app (Jira actor is the app, Impact origin marker is ours). */
  readonly ownOrigin: boolean;
}

export interface BounceKey {
  readonly side: Side;
  readonly entityId: string;
  readonly field: string;
  readonly value: string;
  /** When we wrote. An echo occurs in [writtenAt, echoBefore]: a change before it is stale, one after is a human's. */
  readonly writtenAt: number;
  readonly echoBefore: number;
  /** Garbage collection (processing time): Forge's `ignoreSelf` swallows most echoes, so keys must age out. */
  readonly expiresAt: number;
}

export interface Watermark {
  readonly side: Side;
  readonly entityId: string;
  readonly field: string;
  readonly at: number;
}

export interface GuardState {
  readonly bounces: readonly BounceKey[];
  readonly watermarks: readonly Watermark[];
}

export const EMPTY_GUARD_STATE: GuardState = { bounces: [], watermarks: [] };

export interface GuardTiming {
  /** Seed 002/004 used 30 s; the Forge queue can hold an echo longer than that before we see it. */
  readonly bounceTtlMs: number;
  /** How long after our write its echo may have occurred (the write's own duration plus clock skew). */
  readonly echoWindowMs: number;
}

export const DEFAULT_GUARD_TIMING: GuardTiming = { bounceTtlMs: 10 * 60 * 1000, echoWindowMs: 60 * 1000 };

export type DropReason = 'own-origin' | 'echo' | 'stale';
export type GuardDecision = { readonly action: 'apply' } | { readonly action: 'drop'; readonly reason: DropReason };

export interface GuardResult {
  readonly decision: GuardDecision;
  readonly state: GuardState;
}

export interface PlannedWrite {
  readonly side: Side;
  readonly entityId: string;
  readonly field: string;
  readonly value: string;
}

export interface WritePlan {
  readonly state: GuardState;
  /** Persist these (as part of `state`) BEFORE executing the writes. */
  readonly bounceKeys: readonly BounceKey[];
}

const sameSlot = (a: { side: Side; entityId: string; field: string }, b: { side: Side; entityId: string; field: string }): boolean =>
  a.side === b.side && a.entityId === b.entityId && a.field === b.field;

export function watermarkOf(state: GuardState, slot: { side: Side; entityId: string; field: string }): number | undefined {
  return state.watermarks.find((w) => sameSlot(w, slot))?.at;
}

function raiseWatermark(watermarks: readonly Watermark[], slot: { side: Side; entityId: string; field: string }, at: number): Watermark[] {
  const current = watermarks.find((w) => sameSlot(w, slot));
  if (current && current.at >= at) return [...watermarks];
  return [...watermarks.filter((w) => !sameSlot(w, slot)), { side: slot.side, entityId: slot.entityId, field: slot.field, at }];
}

function liveBounces(state: GuardState, now: number): BounceKey[] {
  return state.bounces.filter((b) => b.expiresAt > now);
}

/** Decides one event. Expired bounce keys are pruned on the way. */
export function evaluateEvent(state: GuardState, event: GuardEvent, now: number): GuardResult {
  const bounces = liveBounces(state, now);
  if (event.ownOrigin) {
    return drop('own-origin', { bounces, watermarks: raiseWatermark(state.watermarks, event, event.occurredAt) });
  }
  const echo = bounces.findIndex((b) => sameSlot(b, event) && b.value === event.value && event.occurredAt >= b.writtenAt && event.occurredAt <= b.echoBefore);
  if (echo >= 0) {
    const rest = bounces.filter((_, i) => i !== echo);
    return drop('echo', { bounces: rest, watermarks: raiseWatermark(state.watermarks, event, event.occurredAt) });
  }
  const mark = watermarkOf(state, event);
  if (mark !== undefined && event.occurredAt < mark) return drop('stale', { bounces, watermarks: [...state.watermarks] });
  // A genuine change after our write means that write's echo (if Forge swallowed it) will never come.
  const remaining = bounces.filter((b) => !(sameSlot(b, event) && b.writtenAt <= event.occurredAt));
  return { decision: { action: 'apply' }, state: { bounces: remaining, watermarks: raiseWatermark(state.watermarks, event, event.occurredAt) } };
}

/**
 * Registers writes we are about to make: a bounce key per write, and the target side's watermark raised to
 * `now` (our write supersedes anything that happened there before it).
 */
export function planWrites(state: GuardState, writes: readonly PlannedWrite[], now: number, timing: GuardTiming = DEFAULT_GUARD_TIMING): WritePlan {
  const bounceKeys = writes.map((w) => ({
    side: w.side,
    entityId: w.entityId,
    field: w.field,
    value: w.value,
    writtenAt: now,
    echoBefore: now + timing.echoWindowMs,
    expiresAt: now + timing.bounceTtlMs,
  }));
  let watermarks: Watermark[] = [...state.watermarks];
  for (const w of writes) watermarks = raiseWatermark(watermarks, w, now);
  // Echoes of earlier writes to the same slot occurred before this write, so the watermark drops them;
  // keeping their keys would only let them swallow a later human change to the same value.
  const kept = liveBounces(state, now).filter((b) => !writes.some((w) => sameSlot(b, w)));
  return { state: { bounces: [...kept, ...bounceKeys], watermarks }, bounceKeys };
}

function drop(reason: DropReason, state: GuardState): GuardResult {
  return { decision: { action: 'drop', reason }, state };
}

/** Removes bounce keys of writes that failed, so a later genuine change is not taken for their echo. */
export function cancelWrites(state: GuardState, keys: readonly BounceKey[]): GuardState {
  const remaining = [...state.bounces];
  for (const key of keys) {
    const i = remaining.findIndex((b) => sameSlot(b, key) && b.value === key.value && b.expiresAt === key.expiresAt);
    if (i >= 0) remaining.splice(i, 1);
  }
  return { bounces: remaining, watermarks: [...state.watermarks] };
}
