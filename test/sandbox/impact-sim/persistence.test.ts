/**
 * The Impact simulator's state in SQLite: incidents, notes, people and numbering survive a restart, and a
 * webhook still queued when the simulator stopped is sent after it, with its original event_id and bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { persistImpactSimulator } from '../../../src/sandbox/impact-sim/persistence';
import { testSim } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'impact-sim-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('restores incidents and numbering, and sends a webhook that was still queued', async () => {
  const sent: { eventId: string; body: string }[] = [];
  const fetchSpy: typeof fetch = async (_input, init) => {
    sent.push({ eventId: String((init?.headers as Record<string, string>)['x-impact-delivery']), body: String(init?.body) });
    return new Response(null, { status: 202 });
  };
  const path = join(dir, 'impact-sim.sqlite');

  const first = testSim({ webhookUrl: 'http://relay.test/v1/impact', fetch: fetchSpy });
  const firstState = persistImpactSimulator(first, path);
  expect(firstState.restored).toBe(false);
  const created = await first.app.request('/admin/incidents?wait=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Checkout errors', priority: 2 }) });
  expect(created.status).toBe(201);
  first.webhooks.pause();
  const patched = await first.app.request('/admin/incidents/INC-1', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'MITIGATING' }) });
  const held = ((await patched.json()) as { event_id: string }).event_id;
  expect(sent.map((s) => s.eventId)).not.toContain(held);
  const heldBody = first.webhooks.held()[0]?.rawBody;
  firstState.close();
  await first.webhooks.stop();

  const second = testSim({ webhookUrl: 'http://relay.test/v1/impact', fetch: fetchSpy });
  const secondState = persistImpactSimulator(second, path);
  expect(secondState.restored).toBe(true);
  await second.webhooks.settle();
  expect(sent.filter((s) => s.eventId === held)).toEqual([{ eventId: held, body: heldBody }]);
  expect(second.store.get('INC-1')?.status).toBe('MITIGATING');
  expect(second.webhooks.deliveries().map((d) => d.state)).toEqual(['delivered', 'delivered']);
  const next = await second.app.request('/admin/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Second', priority: 3 }) });
  expect(((await next.json()) as { incident: { id: string } }).incident.id).toBe('INC-2');
  await second.webhooks.settle();
  secondState.close();
  await second.webhooks.stop();
});
