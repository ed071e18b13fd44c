/**
 * Forge takes at most 100 KB per queue event for a consumer whose timeout is over 55 s (ours: 300 s). A big
 * Alertmanager notification, or several of one group in one relay batch, must still be applied, once.
 */
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';
import { encodeBody, splitIntoParts } from '../../../src/shared/relay-parts';
import type { FailedDeliverySummary, ResolverResult } from '../../../src/forge/entry/resolvers/contract';

const ADMIN = '5b10a2844c20165700ede21a';

jest.setTimeout(30_000);

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost();
  seedRules(t.host, fixtureRules());
});
afterEach(() => t.close());

/** The checkout group with `count` firing alerts, each with a long description. */
function bigGroup(count: number, startsAt = '2026-11-23T06:14:47Z'): Record<string, unknown> {
  const body = fixtureBody('01-checkout-first-firing.json');
  const [alert] = body['alerts'] as Record<string, unknown>[];
  const alerts = Array.from({ length: count }, (_, i) => ({
    ...alert,
    startsAt,
    fingerprint: (0x1000 + i).toString(16).padStart(16, '0'),
    labels: { ...(alert!['labels'] as Record<string, string>), instance: `checkout-${i}:8080` },
    annotations: { ...(alert!['annotations'] as Record<string, string>), description: `Error ratio high on instance ${i}. `.repeat(20) },
  }));
  return { ...body, alerts };
}

it('applies a notification bigger than 100 KB (its body travels through KVS) and creates one issue', async () => {
  const body = bigGroup(160);
  expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(100 * 1024);
  const response = await t.post([relayEvent(body)]);
  expect(response.status).toBe(202);
  expect(issues(t.sim)).toHaveLength(1);
  expect(t.host.queue.stats().failed).toBe(0);
  // The parked body is read back, not left to be lost: a repeat changes nothing.
  await t.post([relayEvent(body)]);
  expect(issues(t.sim)).toHaveLength(1);
  expect(issues(t.sim)[0]!.comments).toHaveLength(0);
});

it('splits one group’s notifications in a batch over 100 KB into several queue events, all applied in order', async () => {
  const events = [relayEvent(bigGroup(40)), relayEvent(bigGroup(50)), relayEvent(bigGroup(55))];
  const sizes = events.map((e) => Buffer.byteLength(JSON.stringify(e)));
  expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(100 * 1024);
  expect(Math.max(...sizes)).toBeLessThan(64 * 1024); // none parked: this is the split
  const response = await t.post(events);
  expect(response.status).toBe(202);
  expect(issues(t.sim)).toHaveLength(1);
  expect(t.host.queue.stats()).toMatchObject({ failed: 0 });
  expect(t.host.queue.stats().done).toBeGreaterThanOrEqual(2);
});

it('keeps a failed delivery of a 2,000-alert notification (over KVS’s 240 KiB) as parts, and its retry applies it', async () => {
  const body = bigGroup(2000);
  const { body: _body, ...header } = relayEvent(body);
  void _body;
  const parts = splitIntoParts(header, encodeBody(JSON.stringify(body)));
  expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(240 * 1024);
  const fault = t.sim.faults.inject('POST /rest/api/3/issue', { kind: 'status', status: 503, times: Infinity });
  expect((await t.post(parts)).status).toBe(202);
  for (let i = 0; i < 6; i += 1) await t.advance(900_000);
  const failed = await t.resolver<{ items: FailedDeliverySummary[] }>('listFailedDeliveries', {}, ADMIN);
  expect(failed.items).toHaveLength(1);
  const stored = t.host.kvs.get({ kind: 'kv' }, failed.items[0]!.key);
  if (!stored.ok) throw new Error(stored.failure.message);
  expect(Buffer.byteLength(JSON.stringify(stored.value.value))).toBeLessThan(240 * 1024);
  expect(stored.value.value).toMatchObject({ eventId: header.id, eventParts: expect.any(Number) });

  t.sim.faults.remove(fault);
  const retried = await t.resolver<ResolverResult<{ eventId: string }>>('retryFailedDelivery', { key: failed.items[0]!.key }, ADMIN);
  expect(retried).toMatchObject({ ok: true });
  await t.host.queue.drain();
  expect(issues(t.sim)).toHaveLength(1);
  expect(t.host.kvs.query('dfail', 20, undefined)).toMatchObject({ ok: true, value: { items: [] } });
  expect((await t.resolver<{ items: unknown[] }>('listFailedDeliveries', {}, ADMIN)).items).toHaveLength(0);
});
