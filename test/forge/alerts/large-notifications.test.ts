/**
 * Forge takes at most 100 KB per queue event for a consumer whose timeout is over 55 s (ours: 300 s). A big
 * Alertmanager notification, or several of one group in one relay batch, must still be applied, once.
 */
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

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
