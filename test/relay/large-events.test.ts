import { nodeHttpTransport } from '../../src/relay/forwarder/transport';
import { createForwarder } from '../../src/relay/forwarder/forwarder';
import { silentLogger } from '../../src/relay/logger';
import { FORGE_MAX_EVENT_BYTES, MAX_BATCH_BYTES, MAX_EVENT_PARTS, relayBatchSchema, type RelayEvent, type RelayEventPart, type RelayBatch } from '../../src/shared/relay-envelope';
import { joinParts } from '../../src/shared/relay-parts';
import { alertmanagerGroup, incompressibleGroup } from './large-group';
import { post, startFakeWebTrigger, testRelay, type FakeWebTrigger, type Responder, type TestRelay } from './helpers';

const headers = { authorization: 'Bearer am-token-current-123', 'content-type': 'application/json' };
const wire = (body: string): RelayBatch => relayBatchSchema.parse(JSON.parse(body));

/** Every event the web trigger received, parts joined back: what the app will apply. */
function delivered(trigger: FakeWebTrigger): RelayEvent[] {
  const events = trigger.requests.flatMap((r) => wire(r.body).events);
  const whole = events.filter((e): e is RelayEvent => 'body' in e);
  const parts = events.filter((e): e is RelayEventPart => 'part' in e);
  const byEvent = new Map<string, RelayEventPart[]>();
  for (const p of parts) byEvent.set(p.part.eventId, [...(byEvent.get(p.part.eventId) ?? []), p]);
  for (const group of byEvent.values()) {
    const joined = joinParts(group);
    if (!joined.ok) throw new Error(joined.reason);
    whole.push(joined.event);
  }
  return whole;
}

describe('events larger than one Forge queue event', () => {
  // The production transport (node:http, keep-alive) against a real HTTP web trigger.
  const transport = nodeHttpTransport();
  afterAll(() => transport.close());
  let relay: TestRelay;
  let trigger: FakeWebTrigger;
  beforeEach(async () => {
    relay = testRelay({ maxBodyBytes: 4 * 1024 * 1024 });
    trigger = await startFakeWebTrigger();
  });
  afterEach(async () => {
    await trigger.close();
    await relay.temp.cleanup();
  });

  const forwarder = () =>
    createForwarder({
      config: { webTriggerUrl: trigger.url, signingKeys: [{ id: 'k', secret: 'relay-signing-secret' }], pollIntervalMs: 3_600_000 },
      outbox: relay.temp.outbox,
      post: transport.post,
      clock: relay.clock.now,
      logger: silentLogger,
      metrics: relay.metrics,
      sleep: () => Promise.resolve(),
    });

  async function drain(): Promise<void> {
    const f = forwarder();
    for (let i = 0; i < 100; i++) if ((await f.forwardOnce()).kind === 'idle') return;
    throw new Error('forwarder did not settle');
  }

  it.each([
    [400, 1],
    [2000, 2],
  ])('accepts a %i-alert group and delivers it as %i gzip part(s), each under Forge\'s 100 KB, joined back to the exact body', async (alerts, parts) => {
    const raw = alertmanagerGroup(alerts);
    const res = await relay.app.request(post('/v1/alertmanager', raw, headers));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await drain();
    const sent = trigger.requests.flatMap((r) => wire(r.body).events);
    expect(sent.map((e) => e.id)).toEqual(Array.from({ length: parts }, (_, i) => `${id}-${i}`));
    for (const e of sent) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(FORGE_MAX_EVENT_BYTES);
    const [event] = delivered(trigger);
    expect(event).toMatchObject({ id, source: 'alertmanager', sequence: 1, groupKey: (JSON.parse(raw) as { groupKey: string }).groupKey });
    expect(event?.body).toEqual(JSON.parse(raw));
    expect(await relay.rows()).toBe(0);
  });

  it('sends an event whose parts need several batches in consecutive batches, and removes it only when every part is acknowledged', async () => {
    const raw = incompressibleGroup(1_000_000);
    const res = await relay.app.request(post('/v1/alertmanager', raw, headers));
    expect(res.status).toBe(202);
    const smallRaw = alertmanagerGroup(3);
    const small = await relay.app.request(post('/v1/alertmanager', smallRaw, headers));
    expect(small.status).toBe(202);
    // The third batch is lost on the way back: nothing is removed, and the next round starts over.
    let calls = 0;
    const flaky: Responder = (req, out) => {
      calls += 1;
      if (calls === 3) {
        out.writeHead(503).end();
        return;
      }
      const ids = wire(req.body).events.map((e) => e.id);
      out.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids, duplicates: [] }));
    };
    trigger.fallback = flaky;
    await drain();
    const batches = trigger.requests.map((r) => wire(r.body));
    expect(batches.length).toBeGreaterThan(8);
    for (const r of trigger.requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const events = delivered(trigger);
    expect(events.sort((a, b) => a.sequence - b.sequence).map((e) => e.body)).toEqual([JSON.parse(raw), JSON.parse(smallRaw)]);
    // The small event waited behind the large one: order is kept.
    const firstSmall = trigger.requests.findIndex((r) => wire(r.body).events.some((e) => 'body' in e));
    const lastPart = trigger.requests.map((r) => wire(r.body).events.some((e) => 'part' in e)).lastIndexOf(true);
    expect(firstSmall).toBeGreaterThan(lastPart);
    expect(await relay.rows()).toBe(0);
  });

  it(`refuses with 413, before storing, a body that would need more than ${MAX_EVENT_PARTS} parts`, async () => {
    const big = testRelay({ maxBodyBytes: 8 * 1024 * 1024 });
    const res = await big.app.request(post('/v1/alertmanager', incompressibleGroup(5_000_000), headers));
    const body = (await res.json()) as { error: { code: string; message: string; details: { parts: number; maxParts: number } } };
    expect(res.status).toBe(413);
    expect(body.error.code).toBe('payload-too-large');
    expect(body.error.message).toMatch(/compresses to \d+ parts; the relay forwards at most 64 parts/);
    expect(body.error.details.parts).toBeGreaterThan(MAX_EVENT_PARTS);
    expect(await big.rows()).toBe(0);
    await big.temp.cleanup();
  });

  it('refuses with 413, before storing, a body over the documented maximum', async () => {
    const res = await relay.app.request(post('/v1/alertmanager', alertmanagerGroup(7000), headers));
    expect(res.status).toBe(413);
    expect(await relay.rows()).toBe(0);
  });
});
