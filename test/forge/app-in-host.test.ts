/**
 * The real manifest and the real src/forge handlers, run by the local Forge host with the real
 * @forge/* packages: signed batches in through the web trigger, out through the queue consumer.
 */
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { createForgeHost, type ForgeHost } from '../../src/sandbox/forge-host';
import * as app from '../../src/forge/index';
import { signRequest } from '../../src/shared/signing';
import type { RelayEvent } from '../../src/shared/relay-envelope';
import { SecretKeys, StorageKeys } from '../../src/forge/constants';
import type { DeliveryRecord } from '../../src/forge/delivery/delivery-record';

const ROOT = join(__dirname, '../..');
const FIXTURES = join(ROOT, '../shared/fixtures/alertmanager');
const KEY = { id: 'test', secret: 'test-signing-secret-0123456789' };

let host: ForgeHost;
// The app reads the real clock (Forge functions do), so the host and the signatures use it too.
let now = Date.now();

beforeEach(async () => {
  now = Date.now();
  host = createForgeHost({ manifestPath: join(ROOT, 'manifest.yml'), handlers: app, databasePath: ':memory:', queue: { eventsPerMinute: null, pollMs: 20 } });
  host.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, [KEY]);
  await host.start({ port: 0 });
});
afterEach(() => host.close());

function fixtureEvents(): RelayEvent[] {
  return readdirSync(FIXTURES)
    .filter((f) => /^\d\d-.*\.json$/.test(f))
    .sort()
    .map((file, i) => {
      const body = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
      return { id: `evt-${String(i).padStart(8, '0')}`, source: 'alertmanager', receivedAt: new Date(now + i).toISOString(), sequence: i + 1, groupKey: String(body['groupKey']), body };
    });
}

async function postBatch(events: RelayEvent[], key = KEY): Promise<Response> {
  const body = JSON.stringify({ version: 1, events });
  return fetch(host.webTriggerUrl('ingest')!, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(key, body, Math.floor(now / 1000)) }, body });
}

function deliveries(): DeliveryRecord[] {
  const page = host.kvs.query(StorageKeys.deliveryPrefix, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.map((item) => item.value as DeliveryRecord);
}

describe('the Forge app in the local host', () => {
  it('turns a signed batch of every fixture into exactly one consumer record per event', async () => {
    const events = fixtureEvents();
    const response = await postBatch(events);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: events.map((e) => e.id), duplicates: [] });
    await host.queue.drain();
    // Unchanged repeats of a group fold into its previous line (count, lastEventId): the counts add up to every event.
    const lines = deliveries();
    expect(lines.reduce((n, d) => n + (d.count ?? 1), 0)).toBe(events.length);
    expect(lines.flatMap((d) => [d.eventId, d.lastEventId ?? d.eventId])).toEqual(expect.arrayContaining([events[0]!.id, events[events.length - 1]!.id]));
    for (const d of lines) expect(events.map((e) => e.id)).toContain(d.eventId);
    // One queue job per alert group (checkout and disk), each consumed once.
    expect(host.invocations.counters().byFunction['consumer-fn']).toBe(2);
    expect(host.queue.stats()).toMatchObject({ done: 2, failed: 0 });
  });

  it('acknowledges a replayed batch as duplicates and consumes nothing more', async () => {
    const events = fixtureEvents().slice(0, 2);
    await postBatch(events);
    await host.queue.drain();
    const again = await postBatch(events);
    expect(await again.json()).toEqual({ accepted: [], duplicates: events.map((e) => e.id) });
    await host.queue.drain();
    expect(deliveries()).toHaveLength(2);
    expect(host.invocations.counters().byFunction['consumer-fn']).toBe(2);
  });

  it('refuses a batch signed with an unknown key over HTTP, with a JSON error', async () => {
    const response = await postBatch(fixtureEvents().slice(0, 1), { id: 'other', secret: 'not-the-configured-secret' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    await host.queue.drain();
    expect(host.queue.stats().done).toBe(0);
  });

  it('records the scheduled run and reports it, without secrets, through the resolver', async () => {
    await host.runScheduledTrigger('project-sync');
    await postBatch(fixtureEvents().slice(0, 1));
    await host.queue.drain();
    const response = await fetch(new URL('/api/invoke/bridge-settings', host.webTriggerUrl('ingest')!), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey: 'getConnectionStatus', payload: {} }),
    });
    const text = await response.text();
    expect(text).not.toContain(KEY.secret);
    const status = JSON.parse(text);
    expect(status).toMatchObject({
      ok: true,
      result: {
        webTriggerUrl: host.webTriggerUrl('ingest'),
        signing: { source: 'secret-storage', keys: [{ id: 'test', inUseByRelay: true }], relayKeyId: 'test', lastRejected: null },
        lastReceived: { alertmanager: new Date(now).toISOString(), impact: null, jira: null },
      },
    });
    expect(Date.parse(status.result.lastScheduledRun)).toBeGreaterThanOrEqual(now);
  });

  it('mirrors the status of a tracked issue from issue-updated events and ignores the app’s own', async () => {
    host.kvs.set({ kind: 'kv' }, StorageKeys.issueStatus('10001'), { issueKey: 'OPS-1', statusName: 'Incoming', statusCategory: 'new', updatedAt: '' });
    const event = {
      eventType: 'avi:jira:updated:issue',
      atlassianId: 'human-1',
      issue: { id: '10001', key: 'OPS-1', fields: { status: { name: 'in progress', statusCategory: { key: 'indeterminate' } } } },
      changelog: { items: [{ field: 'status', fieldId: 'status', from: '1', fromString: 'Incoming', to: '3', toString: 'in progress' }] },
    };
    const own = await host.deliverProductEvent({ ...event, atlassianId: host.appAccountId });
    expect(own).toEqual([{ triggerKey: 'issue-updated', status: 'ignored-self' }]);
    const [delivery] = await host.deliverProductEvent(event);
    expect(delivery?.status).toBe('invoked');
    const mirrored = host.kvs.get({ kind: 'kv' }, StorageKeys.issueStatus('10001'));
    expect(mirrored.ok && mirrored.value.value).toMatchObject({ issueKey: 'OPS-1', statusName: 'in progress', statusCategory: 'indeterminate' });
  });
});
