/**
 * Forge delivers at least once: a redelivered event that now changes nothing ("skipped because nothing changed")
 * must not replace its line's record of what it did ("created OPS-1", "rolled into storm issue OPS-51"). A
 * failed line is still rewritten by the retry's outcome.
 */
import { recordDelivery } from '../../../src/forge/delivery/delivery-log';
import { describeOutcome, type DeliveryOutcome, type DeliveryRecord } from '../../../src/forge/delivery/delivery-record';
import { StorageKeys } from '../../../src/forge/constants';
import { InMemoryStore } from '../../support/in-memory-store';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const ref = { eventId: 'evt-1', groupKey: '{}:{alertname="A"}', receivedAt: new Date(T0).toISOString(), source: 'alertmanager' as const };
const unchanged: DeliveryOutcome = { kind: 'applied', problems: [{ kind: 'skipped', problemKey: 'am:grp:x', reason: 'nothing changed since the last notification' }] };

async function lineAfter(first: DeliveryOutcome, second: DeliveryOutcome): Promise<string> {
  const store = new InMemoryStore(() => T0);
  const deps = { store, clock: { now: () => T0 + 1000 } };
  await recordDelivery(ref, 0, first, deps);
  await recordDelivery(ref, 0, second, deps);
  const line = await store.get<DeliveryRecord>(StorageKeys.delivery(T0, 'evt-1'));
  return line ? describeOutcome(line.outcome) : '(none)';
}

describe('a redelivered event’s line', () => {
  it.each<[string, DeliveryOutcome, DeliveryOutcome, string]>([
    ['created, then redelivered unchanged: keeps created', { kind: 'applied', problems: [{ kind: 'created', problemKey: 'p', issueKey: 'OPS-1' }] }, unchanged, 'created OPS-1'],
    ['rolled, then redelivered unchanged: keeps rolled', { kind: 'applied', problems: [{ kind: 'rolled', problemKey: 'p', issueKey: 'OPS-51', action: 'rolled-in', stormResolved: false }] }, unchanged, 'rolled into storm issue OPS-51'],
    ['failed, then retried and applied: the retry’s outcome', { kind: 'failed', reason: 'Jira unavailable', problems: [] }, { kind: 'applied', problems: [{ kind: 'created', problemKey: 'p', issueKey: 'OPS-2' }] }, 'created OPS-2'],
    ['failed, then retried and skipped: the retry’s outcome', { kind: 'failed', reason: 'Jira unavailable', problems: [] }, unchanged, 'skipped because nothing changed since the last notification'],
    ['created, then commented on a later attempt: the later outcome', { kind: 'applied', problems: [{ kind: 'created', problemKey: 'p', issueKey: 'OPS-1' }] }, { kind: 'applied', problems: [{ kind: 'commented', problemKey: 'p', issueKey: 'OPS-1', transitioned: false }] }, 'commented OPS-1'],
  ])('%s', async (_name, first, second, expected) => {
    expect(await lineAfter(first, second)).toBe(expected);
  });
});
