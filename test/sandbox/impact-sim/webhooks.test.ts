import { ImpactApiPaths, impactWebhookSchema, type ImpactWebhook } from '../../../src/shared/impact';
import { serveImpactSimulator, type ImpactSimulator } from '../../../src/sandbox/impact-sim';
import { admin, api, expectedSignature, JANE, OMAR, startRelayUnderTest, testSim, WEBHOOK_SECRET, type RelayUnderTest } from './helpers';

/** What the relay stored, parsed back with the contract. */
async function relayEvents(r: RelayUnderTest): Promise<{ groupKey: string; body: ImpactWebhook }[]> {
  const pending = await r.relay.temp.outbox.pending(100);
  return pending.map((e) => ({ groupKey: e.groupKey, body: impactWebhookSchema.parse(JSON.parse(e.bodyJson)) }));
}

describe('Impact simulator webhooks into the real relay', () => {
  let r: RelayUnderTest;
  let sim: ImpactSimulator;
  let sleeps: number[];
  beforeEach(async () => {
    r = await startRelayUnderTest();
    sleeps = [];
    sim = testSim({
      now: r.relay.clock.now,
      webhookUrl: r.url,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  });
  afterEach(async () => {
    await sim.webhooks.stop();
    await r.close();
  });

  it('admin create, update and key events fire signed webhooks the relay accepts, in order, with previous values', async () => {
    const created = await admin(sim, 'POST', '/admin/incidents', {
      title: 'Checkout API returns 502',
      priority: 1,
      commander: JANE,
      environments: ['PRD', 'STG'],
      platform: 'platform-FR',
      business_impact: 'Checkout conversion down 30% in FR',
      custom_ids: { zendesk_ticket_id: '448812' },
      actor: JANE,
    });
    expect(created.status).toBe(201);
    const { incident, event_id } = (await created.json()) as { incident: { id: string }; event_id: string };
    r.relay.clock.advance(60_000);
    const patched = await admin(sim, 'PATCH', `/admin/incidents/${incident.id}`, { status: 'INVESTIGATING', priority: 2, commander: OMAR });
    expect(patched.status).toBe(200);
    r.relay.clock.advance(60_000);
    const keyed = await admin(sim, 'POST', `/admin/incidents/${incident.id}/key-events?wait=true`, { kind: 'detected', message: 'Alert fired' });
    expect(((await keyed.json()) as { delivery: { state: string } }).delivery.state).toBe('delivered');
    await sim.webhooks.settle();

    expect(sim.webhooks.deliveries().map((d) => [d.event, d.state, d.attempts.map((a) => a.status)])).toEqual([
      ['incident.created', 'delivered', [202]],
      ['incident.updated', 'delivered', [202]],
      ['incident.key_events_updated', 'delivered', [202]],
    ]);
    const stored = await relayEvents(r);
    expect(stored.map((e) => e.groupKey)).toEqual(['impact:INC-1', 'impact:INC-1', 'impact:INC-1']);
    const [c, u, k] = stored.map((e) => e.body);
    expect(c).toMatchObject({ event: 'incident.created', event_id, updated_fields: {}, origin: { type: 'user', user: JANE, marker: null } });
    expect(c?.incident).toMatchObject({ status: 'OPEN', priority: 1, commander: JANE, custom_ids: { zendesk_ticket_id: '448812' } });
    expect(u).toMatchObject({
      event: 'incident.updated',
      occurred_at: '2026-11-23T06:15:48.106Z',
      origin: { type: 'user', user: { email: 'impact.admin@example.com', name: 'Impact Admin' }, marker: null },
      updated_fields: { status: { previous: 'OPEN' }, priority: { previous: 1 }, commander: { previous: JANE } },
    });
    expect(u?.incident.status_history).toEqual([
      { status: 'OPEN', at: '2026-11-23T06:14:48.106Z' },
      { status: 'INVESTIGATING', at: '2026-11-23T06:15:48.106Z' },
    ]);
    expect(k).toMatchObject({ event: 'incident.key_events_updated', origin: { type: 'system', marker: null }, updated_fields: { key_events: { previous: [] } } });
    expect(k?.incident.key_events).toEqual([{ kind: 'detected', time: '2026-11-23T06:16:48.106Z', message: 'Alert fired' }]);
    expect(new Set(stored.map((e) => e.body.event_id)).size).toBe(3);
  });

  it('signs each request as the contract says (checked independently of both sides)', async () => {
    sim.admin.createIncident({ title: 'Signed' });
    await sim.webhooks.settle();
    const [request] = r.received;
    const timestamp = request?.headers['x-impact-timestamp'] ?? '';
    expect(timestamp).toBe(String(Math.floor(r.relay.clock.nowMs / 1000)));
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-hub-signature-256']).toBe(expectedSignature(WEBHOOK_SECRET, timestamp, request?.body ?? ''));
    expect(request?.body).toBe(sim.webhooks.deliveries()[0]?.rawBody);
  });

  it('an API write with our origin marker produces a webhook carrying that marker', async () => {
    const { incident } = sim.admin.createIncident({ title: 'Loop check', commander: JANE });
    const res = await api(sim, 'PATCH', ImpactApiPaths.incident(incident.id), { origin: 'incident-bridge', changes: { status: 'MITIGATED' }, comment: 'Updated from Jira OPS-1' });
    expect(res.status).toBe(200);
    await sim.webhooks.settle();
    const stored = await relayEvents(r);
    expect(stored.map((e) => [e.body.event, e.body.origin.marker])).toEqual([
      ['incident.created', null],
      ['incident.updated', 'incident-bridge'],
    ]);
    expect(stored[1]?.body.origin).toEqual({ type: 'api', client: 'incident-bridge', marker: 'incident-bridge' });
  });

  it('retries with backoff when the receiver fails, keeping the event_id, until the relay accepts', async () => {
    r.failNext(1, 503);
    const { eventId } = sim.admin.createIncident({ title: 'Retry me' });
    await sim.webhooks.settle();
    const [delivery] = sim.webhooks.deliveries();
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((a) => [a.status, a.retryInMs])).toEqual([
      [503, 250],
      [202, null],
    ]);
    expect(r.received.map((q) => [q.status, q.headers['x-impact-delivery']])).toEqual([
      [503, eventId],
      [202, eventId],
    ]);
    expect(await relayEvents(r)).toHaveLength(1);
  });

  it('backs off exponentially, honours Retry-After, and gives up after maxAttempts', async () => {
    r.failNext(2, 503);
    r.failNext(1, 429, { 'retry-after': '3' });
    r.failNext(10, 502);
    sim.admin.createIncident({ title: 'Never lands' });
    await sim.webhooks.settle();
    const [delivery] = sim.webhooks.deliveries();
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 429, 502, 502, 502]);
    expect(sleeps).toEqual([250, 500, 3000, 2000, 4000]);
    expect(await relayEvents(r)).toHaveLength(0);
  });

  it('retries when the receiver is unreachable', async () => {
    await r.close();
    const dead = r.url;
    r = await startRelayUnderTest();
    sim.webhooks.setTarget(dead);
    sim.admin.createIncident({ title: 'Nobody home' });
    await sim.webhooks.settle();
    const [delivery] = sim.webhooks.deliveries();
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts).toHaveLength(6);
    expect(delivery?.attempts.every((a) => a.status === null && /fetch failed/.test(a.error ?? ''))).toBe(true);
  });

  it('does not retry a refusal: a wrong secret is a 401 from the relay and a failed delivery', async () => {
    const wrong = testSim({ now: r.relay.clock.now, webhookUrl: r.url, webhookSecret: 'not-the-relay-secret' });
    wrong.admin.createIncident({ title: 'Bad secret' });
    await wrong.webhooks.settle();
    const [delivery] = wrong.webhooks.deliveries();
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([401]);
    expect(delivery?.attempts[0]?.error).toMatch(/bad-signature/);
    expect(await relayEvents(r)).toHaveLength(0);
  });

  it('redelivers an event with the same event_id: the relay answers it as a duplicate', async () => {
    const { eventId } = sim.admin.createIncident({ title: 'Twice' });
    await sim.webhooks.settle();
    const res = await admin(sim, 'POST', `/admin/webhooks/${eventId}/redeliver`);
    expect(res.status).toBe(202);
    await sim.webhooks.settle();
    expect(sim.webhooks.deliveries().map((d) => [d.eventId, d.state])).toEqual([
      [eventId, 'delivered'],
      [eventId, 'delivered'],
    ]);
    expect(JSON.parse(r.received[1]?.body ?? '')).toEqual(JSON.parse(r.received[0]?.body ?? ''));
    expect(await relayEvents(r)).toHaveLength(1);
  });

  it('holds deliveries while paused and can release them newest first (out-of-order arrival)', async () => {
    const { incident } = sim.admin.createIncident({ title: 'Ordering' });
    await sim.webhooks.settle();
    sim.webhooks.pause();
    r.relay.clock.advance(1000);
    sim.admin.updateIncident(incident.id, { status: 'INVESTIGATING' });
    r.relay.clock.advance(1000);
    sim.admin.updateIncident(incident.id, { status: 'MITIGATING' });
    await sim.webhooks.settle();
    expect(sim.webhooks.deliveries().map((d) => d.state)).toEqual(['delivered', 'queued', 'queued']);
    sim.webhooks.resume({ reverse: true });
    await sim.webhooks.settle();
    const stored = await relayEvents(r);
    expect(stored.map((e) => e.body.incident.status)).toEqual(['OPEN', 'MITIGATING', 'INVESTIGATING']);
  });

  it('records webhooks as skipped when no URL is configured', async () => {
    const offline = testSim();
    offline.admin.createIncident({ title: 'Offline' });
    await offline.webhooks.settle();
    expect(offline.webhooks.deliveries().map((d) => [d.state, d.attempts.length])).toEqual([['skipped', 0]]);
  });

  it('admin changes to the current value fire nothing; admin errors are contract-shaped 4xx', async () => {
    const { incident } = sim.admin.createIncident({ id: 'INC-77', title: 'Same', priority: 4 });
    const same = await admin(sim, 'PATCH', `/admin/incidents/${incident.id}`, { priority: 4 });
    expect((await same.json()) as unknown).toMatchObject({ event_id: null, delivery: null });
    const dup = await admin(sim, 'POST', '/admin/incidents', { id: 'INC-77', title: 'Again' });
    expect(dup.status).toBe(409);
    const bad = await admin(sim, 'POST', '/admin/incidents', { title: '', priority: 9, bogus: 1 });
    expect(bad.status).toBe(422);
    const details = ((await bad.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(details).toEqual(expect.arrayContaining(['title', 'priority']));
    expect((await admin(sim, 'PATCH', '/admin/incidents/INC-404', { priority: 1 })).status).toBe(404);
    expect((await admin(sim, 'PATCH', `/admin/incidents/${incident.id}`, { actor: JANE })).status).toBe(422);
    expect((await admin(sim, 'POST', `/admin/incidents/${incident.id}/key-events`, { kind: 'Not A Slug' })).status).toBe(422);
    await sim.webhooks.settle();
    expect(sim.webhooks.deliveries()).toHaveLength(1);
  });

  it('moves a key event of the same kind instead of adding a second one', async () => {
    const { incident } = sim.admin.createIncident({ title: 'Key events' });
    sim.admin.addKeyEvent(incident.id, { kind: 'started', time: '2026-11-23T06:00:00Z' });
    sim.admin.addKeyEvent(incident.id, { kind: 'recovered', time: '2026-11-23T06:10:00Z', message: 'back' });
    const moved = sim.admin.addKeyEvent(incident.id, { kind: 'started', time: '2026-11-23T05:55:00Z' });
    expect(moved.incident.key_events).toEqual([
      { kind: 'started', time: '2026-11-23T05:55:00Z', message: null },
      { kind: 'recovered', time: '2026-11-23T06:10:00Z', message: 'back' },
    ]);
    expect(sim.admin.addKeyEvent(incident.id, { kind: 'started', time: '2026-11-23T05:55:00Z' }).eventId).toBeNull();
    await sim.webhooks.settle();
    const last = (await relayEvents(r)).at(-1)?.body;
    expect(last?.updated_fields).toEqual({
      key_events: {
        previous: [
          { kind: 'started', time: '2026-11-23T06:00:00Z', message: null },
          { kind: 'recovered', time: '2026-11-23T06:10:00Z', message: 'back' },
        ],
      },
    });
  });

  it('serves over HTTP: admin and API on a real port, webhooks into the relay', async () => {
    const served = await serveImpactSimulator(sim, { port: 0 });
    try {
      const created = await fetch(`${served.url}/admin/incidents?wait=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Over HTTP', commander: JANE }),
      });
      expect(created.status).toBe(201);
      const res = await fetch(`${served.url}${ImpactApiPaths.incident('INC-1')}`, { headers: { authorization: 'Bearer bridge-token-0123456789', 'x-impact-contract-version': '1' } });
      expect(res.status).toBe(200);
      sim.faults.inject('GET /api/v1/incidents/*', { kind: 'drop' });
      await expect(fetch(`${served.url}${ImpactApiPaths.incident('INC-1')}`, { headers: { authorization: 'Bearer bridge-token-0123456789', 'x-impact-contract-version': '1' } })).rejects.toThrow();
      const listed = (await (await fetch(`${served.url}/admin/webhooks`)).json()) as { deliveries: { state: string }[] };
      expect(listed.deliveries.map((d) => d.state)).toEqual(['delivered']);
      expect(await relayEvents(r)).toHaveLength(1);
    } finally {
      await served.close();
    }
  });
});
