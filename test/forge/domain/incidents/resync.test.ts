import fc from 'fast-check';
import { impactWebhookSchema } from '../../../../src/shared/impact/webhook';
import { evaluateEvent, guardForSnapshot, resyncWebhook, type GuardState, type Side } from '../../../../src/forge/domain/incidents';
import { incident } from './fixtures';

describe('resyncWebhook', () => {
  it('is a valid incident.updated naming every field Impact owns but key events, from no origin marker', () => {
    const current = incident({ id: 'INC-7', title: 'Checkout down', priority: 1 });
    const webhook = resyncWebhook(current, Date.UTC(2026, 10, 23, 12), 'resync:abc');
    expect(impactWebhookSchema.safeParse(webhook).success).toBe(true);
    expect(webhook).toMatchObject({ event: 'incident.updated', event_id: 'resync:abc', occurred_at: '2026-11-23T12:00:00.000Z', origin: { type: 'system', marker: null }, incident: current });
    if (webhook.event !== 'incident.updated') throw new Error('not an update');
    expect(Object.keys(webhook.updated_fields).sort()).toEqual(['business_impact', 'commander', 'custom_ids', 'description', 'environments', 'platform', 'priority', 'status', 'title']);
  });
});

describe('guardForSnapshot', () => {
  const slot = fc.record({
    side: fc.constantFrom<Side>('jira', 'impact'),
    entityId: fc.constantFrom('INC-1', 'INC-2'),
    field: fc.constantFrom('status', 'priority', 'title', 'commander'),
  });
  const time = fc.integer({ min: 0, max: 1_000_000 });
  const state: fc.Arbitrary<GuardState> = fc.record({
    bounces: fc.array(
      fc.record({ slot, value: fc.constantFrom('OPEN', 'CLOSED', 'x'), writtenAt: time }).map(({ slot: s, value, writtenAt }) => ({ ...s, value, writtenAt, echoBefore: writtenAt + 60_000, expiresAt: writtenAt + 600_000 })),
      { maxLength: 8 },
    ),
    watermarks: fc.array(fc.record({ slot, at: time }).map(({ slot: s, at }) => ({ ...s, at })), { maxLength: 8 }),
  });

  it('dates the snapshot no earlier than now, the last known update and every Impact watermark of the incident', () => {
    const guard: GuardState = { bounces: [], watermarks: [{ side: 'impact', entityId: 'INC-1', field: 'status', at: 500 }, { side: 'impact', entityId: 'INC-2', field: 'status', at: 900 }] };
    expect(guardForSnapshot(guard, 'INC-1', 100, 300).occurredAt).toBe(500);
    expect(guardForSnapshot(guard, 'INC-1', 700, 300).occurredAt).toBe(700);
    expect(guardForSnapshot(guard, 'INC-1', 100, 800).occurredAt).toBe(800);
    expect(guardForSnapshot(guard, 'INC-1', 100, undefined).occurredAt).toBe(500);
  });

  it('a snapshot event is applied for every field (never stale, never an echo), and other bounce keys are kept', () => {
    fc.assert(
      fc.property(state, time, fc.option(time, { nil: undefined }), fc.constantFrom('status', 'priority', 'title', 'commander'), fc.constantFrom('OPEN', 'CLOSED', 'x'), (guard, now, knownAt, field, value) => {
        const prepared = guardForSnapshot(guard, 'INC-1', now, knownAt);
        const decision = evaluateEvent(prepared.guard, { side: 'impact', entityId: 'INC-1', field, value, occurredAt: prepared.occurredAt, ownOrigin: false }, now).decision;
        expect(decision).toEqual({ action: 'apply' });
        const untouched = guard.bounces.filter((b) => !(b.side === 'impact' && b.entityId === 'INC-1'));
        expect(prepared.guard.bounces).toEqual(untouched);
        expect(prepared.guard.watermarks).toEqual(guard.watermarks);
      }),
    );
  });
});
