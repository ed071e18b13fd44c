/**
 * The Impact simulator's `/_sim/` controls over real HTTP: holding and releasing webhooks in a chosen order,
 * faults (status, delay, Retry-After, count) on the contract API, the call log from a cursor, the clock offset
 * and seeding users; refused for non-loopback clients without the control token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveImpactSimulator, type ImpactSimulator } from '../../../src/sandbox/impact-sim';
import type { ServedSimulator } from '../../../src/sandbox/shared/serve-app';
import { API_HEADERS, testSim } from './helpers';

let sim: ImpactSimulator;
let served: ServedSimulator;
let receiver: Server;
let receivedIncidents: string[];
let receivedStatuses: string[];
const sleeps: number[] = [];

beforeEach(async () => {
  receivedIncidents = [];
  receivedStatuses = [];
  sleeps.length = 0;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const webhook = JSON.parse(body) as { incident: { id: string; status: string } };
      receivedIncidents.push(webhook.incident.id);
      receivedStatuses.push(webhook.incident.status);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sim = testSim({ webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/impact` });
  served = await serveImpactSimulator(sim, { port: 0 });
});
afterEach(async () => {
  await sim.webhooks.stop();
  await served.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${served.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text.length > 0 ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

describe('webhooks', () => {
  it('holds deliveries while paused and releases them in the order asked for', async () => {
    expect((await http('POST', '/_sim/webhooks/pause')).json).toMatchObject({ paused: true, held: [] });
    for (const title of ['one', 'two', 'three']) expect((await http('POST', '/admin/incidents', { title, priority: 3 })).status).toBe(201);
    const held = (await http('GET', '/_sim/webhooks')).json as { held: { seq: number; incident_id: string; state: string }[] };
    expect(held.held.map((d) => [d.incident_id, d.state])).toEqual([['INC-1', 'queued'], ['INC-2', 'queued'], ['INC-3', 'queued']]);
    expect(receivedIncidents).toEqual([]);
    expect((await http('POST', '/_sim/webhooks/resume', { order: [999] })).status).toBe(400);
    const [first, second, third] = held.held.map((d) => d.seq);
    // Different incidents do not wait for each other, so arrival order is not asserted here (see the next test).
    const resumed = await http('POST', '/_sim/webhooks/resume', { order: [third, first, second] });
    expect(resumed.status).toBe(200);
    const settled = (await http('POST', '/_sim/webhooks/settle')).json as { paused: boolean; held: unknown[]; deliveries: { state: string }[] };
    expect(settled.paused).toBe(false);
    expect(settled.held).toEqual([]);
    expect(settled.deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(receivedIncidents).toHaveLength(3);
    expect(new Set(receivedIncidents)).toEqual(new Set(['INC-1', 'INC-2', 'INC-3']));
  });

  it('reverses the held deliveries of one incident (newest first)', async () => {
    const created = (await http('POST', '/admin/incidents?wait=true', { title: 'one', priority: 3 })).json as { incident: { id: string } };
    await http('POST', '/_sim/webhooks/pause');
    await http('PATCH', `/admin/incidents/${created.incident.id}`, { status: 'MITIGATING' });
    await http('PATCH', `/admin/incidents/${created.incident.id}`, { status: 'MITIGATED' });
    await http('POST', '/_sim/webhooks/resume', { order: 'reverse' });
    await http('POST', '/_sim/webhooks/settle');
    // Arrival order at the receiver: the newer change first, as a reordering network would deliver them.
    expect(receivedStatuses).toEqual(['OPEN', 'MITIGATED', 'MITIGATING']);
  });
});

describe('faults, calls and clock', () => {
  it('fails the API with a status and Retry-After for a count, logs calls from a cursor, and moves the clock', async () => {
    const created = (await http('POST', '/admin/incidents', { title: 'x', priority: 3 })).json as { incident: { id: string } };
    const { cursor } = (await http('GET', '/_sim/calls/cursor')).json as { cursor: number };
    expect((await http('POST', '/_sim/faults', { pattern: 'GET /api/v1/incidents/*', kind: 'status', status: 503, retryAfterSeconds: 4, times: 1 })).status).toBe(201);
    const failed = await http('GET', `/api/v1/incidents/${created.incident.id}`, undefined, API_HEADERS);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('4');
    expect((failed.json as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await http('GET', `/api/v1/incidents/${created.incident.id}`, undefined, API_HEADERS)).status).toBe(200);
    const calls = (await http('GET', `/_sim/calls?after=${cursor}`)).json as { calls: { route: string; status: number; client: string | null }[] };
    expect(calls.calls.map((c) => [c.route, c.status, c.client])).toEqual([
      ['/api/v1/incidents/:id', 503, null],
      ['/api/v1/incidents/:id', 200, 'incident-bridge'],
    ]);

    await http('PUT', '/_sim/clock', { now: '2026-06-01T12:00:00Z' });
    const old = (await http('POST', '/admin/incidents', { title: 'back-dated', priority: 2 })).json as { incident: { created_at: string } };
    expect(Date.parse(old.incident.created_at)).toBe(Date.parse('2026-06-01T12:00:00Z'));
    expect((await http('PUT', '/_sim/clock', { offsetMs: 0 })).json).toMatchObject({ offsetMs: 0 });

    expect((await http('POST', '/_sim/users', { email: 'kim@example.com', name: 'Kim Lee' })).status).toBe(201);
    expect(((await http('GET', '/_sim/users')).json as { users: { email: string }[] }).users.map((u) => u.email)).toContain('kim@example.com');
  });

  it('answers loopback clients only, unless a control token is set', async () => {
    expect((await sim.app.fetch(new Request('http://impact.test/_sim/clock'), { incoming: { socket: { remoteAddress: '192.168.1.9' } } })).status).toBe(403);
    const guarded = testSim({ controlToken: 'impact-control-token' });
    expect((await guarded.app.fetch(new Request('http://impact.test/_sim/clock'), { incoming: { socket: { remoteAddress: '127.0.0.1' } } })).status).toBe(401);
    expect((await guarded.app.fetch(new Request('http://impact.test/_sim/clock', { headers: { authorization: 'Bearer impact-control-token' } }), { incoming: { socket: { remoteAddress: '192.168.1.9' } } })).status).toBe(200);
  });
});
