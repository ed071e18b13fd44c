import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRelayConfig } from '../../src/relay/config';
import type { LogFields, Logger } from '../../src/relay/logger';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { relayBatchSchema } from '../../src/shared/relay-envelope';
import { fixture, startFakeWebTrigger, type FakeWebTrigger } from './helpers';

/** `RELAY_OUTBOX_THREAD=worker`: the SQLite store and the forwarder run in one worker thread (outbox-worker.ts). */
describe('relay with the store and the forwarder in a worker thread', () => {
  let dir: string;
  let trigger: FakeWebTrigger;
  let relay: RunningRelay | undefined;
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-worker-'));
    trigger = await startFakeWebTrigger();
    lines.length = 0;
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await trigger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}) =>
    startRelay(
      loadRelayConfig({
        RELAY_PORT: '0',
        RELAY_DB: join(dir, 'relay.sqlite'),
        RELAY_OUTBOX_THREAD: 'worker',
        WEBTRIGGER_URL: trigger.url,
        RELAY_POLL_INTERVAL_MS: '60000',
        RELAY_ADMIN_TOKENS: 'worker-admin-token',
        ...env,
      }),
      { logger },
    );

  const send = async (url: string, i: number) => {
    const body = fixture('01-checkout-first-firing.json').trimEnd().slice(0, -1) + `,"n":${i}}`;
    const res = await fetch(`${url}/v1/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer dev-alertmanager-token', 'content-type': 'application/json' }, body });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  const forwardedIds = () => trigger.requests.flatMap((r) => relayBatchSchema.parse(JSON.parse(r.body)).events.map((e) => e.id));

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('forwards every accepted event at once (no poll wait), and counts it in the main thread’s /metrics', async () => {
    relay = await start();
    const url = relay.url;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => send(url, i)));
    await until(() => forwardedIds().length >= 30, '30 forwarded events');
    expect(new Set(forwardedIds())).toEqual(new Set(ids));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^relay_forward_events_total 30$/m);
    expect(metrics).toMatch(/^relay_events_accepted_total\{source="alertmanager"\} 30$/m);
    const health = (await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number } };
    expect(health.outbox.pending).toBe(0);
  });

  it('dead-letters what the web trigger refuses, logs it through the main thread, and re-sends it on an admin requeue', async () => {
    trigger.fallback = (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"error":"forbidden"}');
    };
    relay = await start();
    const url = relay.url;
    const id = await send(url, 1);
    await until(() => lines.some((l) => l.level === 'error' && l.message.startsWith('web trigger refused')), 'the refusal logged');
    const failed = await fetch(`${url}/admin/dead-letters`, { headers: { authorization: 'Bearer worker-admin-token' } });
    expect(await failed.text()).toContain(id);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^relay_forward_failures_total\{reason="http-4xx"\} [1-9]/m);

    trigger.fallback = (req, res) => {
      const batch = JSON.parse(req.body) as { events: { id: string }[] };
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: batch.events.map((e) => e.id), duplicates: [] }));
    };
    const requeue = await fetch(`${url}/admin/dead-letters/requeue`, { method: 'POST', headers: { authorization: 'Bearer worker-admin-token', 'content-type': 'application/json' }, body: JSON.stringify({ ids: [id] }) });
    expect(requeue.status).toBeLessThan(300);
    // The poll interval is a minute: only the wake sent to the worker makes this prompt.
    const before = trigger.requests.length;
    await until(() => trigger.requests.slice(before).some((r) => r.body.includes(`"id":"${id}"`)), 'the re-sent event');
  });

  it('keeps accepted events across a restart and forwards them from the worker after it', async () => {
    trigger.fallback = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    relay = await start();
    const first = await send(relay.url, 7);
    await relay.close();
    relay = undefined;
    trigger.fallback = (req, res) => {
      const batch = JSON.parse(req.body) as { events: { id: string }[] };
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: batch.events.map((e) => e.id), duplicates: [] }));
    };
    relay = await start();
    await until(() => forwardedIds().includes(first), 'the event stored before the restart');
  });
});
