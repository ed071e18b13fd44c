import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRelayConfig } from '../../src/relay/config';
import type { LogFields, Logger } from '../../src/relay/logger';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { isDeadLetterNotice, relayBatchSchema } from '../../src/shared/relay-envelope';
import type { Worker } from 'node:worker_threads';
import { startForwarderThread, type ForwarderThreadSetup } from '../../src/relay/forwarder/threaded-forwarder';
import { createRelayMetrics } from '../../src/relay/metrics';
import { openInProcessOutbox } from '../../src/relay/outbox/in-process';
import { spawnRelayThread } from '../../src/relay/threads/spawn';
import { fixture, startFakeWebTrigger, type FakeWebTrigger } from './helpers';

/**
 * The two thread layouts of an embedded (SQLite) relay, through real HTTP and a real web trigger:
 * - `main` (the default): the store on the request thread, the forwarder in its own thread with its own connection
 *   (forwarder-thread.ts);
 * - `worker`: the store and the forwarder in one worker thread (outbox-worker.ts).
 * In both, metrics and log lines made by the forwarder reach the main thread, and an accept or an admin requeue wakes
 * the forwarder (the poll interval is a minute here: only the wake makes forwarding prompt).
 */
describe.each([
  ['main', 'the store on the request thread, the forwarder in its own thread'],
  ['worker', 'the store and the forwarder in one worker thread'],
] as const)('relay with RELAY_OUTBOX_THREAD=%s (%s)', (outboxThread, _layout) => {
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
    dir = mkdtempSync(join(tmpdir(), 'relay-threads-'));
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
        RELAY_OUTBOX_THREAD: outboxThread,
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



  it('forwards every accepted event at once (no poll wait), and counts it in the main thread’s /metrics', async () => {
    relay = await start();
    const url = relay.url;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => send(url, i)));
    await until(() => forwardedIds().length >= 30, '30 forwarded events');
    expect(new Set(forwardedIds())).toEqual(new Set(ids));
    // The trigger has answered; the delete and the count that follow its ack come a moment later.
    const metricsText = async () => (await fetch(`${url}/metrics`)).text();
    await until(async () => /^relay_forward_events_total 30$/m.test(await metricsText()), 'the 30 forwarded events counted');
    const metrics = await metricsText();
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
    // Counted before the requeue: the forwarder's thread may re-send before the admin answer reaches this test.
    const before = trigger.requests.length;
    const requeue = await fetch(`${url}/admin/dead-letters/requeue`, { method: 'POST', headers: { authorization: 'Bearer worker-admin-token', 'content-type': 'application/json' }, body: JSON.stringify({ ids: [id] }) });
    expect(requeue.status).toBeLessThan(300);
    // The poll interval is a minute: only the wake sent to the forwarder's thread makes this prompt.
    const resent = () => trigger.requests.slice(before).some((r) => relayBatchSchema.parse(JSON.parse(r.body)).events.some((e) => e.id === id && !isDeadLetterNotice(e)));
    await until(resent, 'the re-sent event');
  });

  it('forwards each of 1,000 events sent by 50 concurrent senders while it forwards (the two connections write at once)', async () => {
    relay = await start({ RELAY_POLL_INTERVAL_MS: '1000' });
    const url = relay.url;
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < 1000) ids.push(await send(url, next++));
      }),
    );
    expect(new Set(ids).size).toBe(1000);
    await until(() => new Set(forwardedIds()).size >= 1000, '1,000 forwarded events');
    expect(new Set(forwardedIds())).toEqual(new Set(ids));
    const outboxHealth = async () => ((await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number; failed: number } }).outbox;
    // The trigger has answered; the deletes that follow its acks come a moment later.
    await until(async () => (await outboxHealth()).pending === 0, 'the forwarded events deleted');
    expect(await outboxHealth()).toMatchObject({ pending: 0, failed: 0 });
  });

  it('keeps accepted events across a restart and forwards them from the thread after it', async () => {
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

describe('forwarder thread of an embedded relay (startForwarderThread)', () => {
  it('starts another thread when the running one dies (again after a start that fails), and it forwards what was accepted meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-fwd-thread-'));
    const trigger = await startFakeWebTrigger();
    const outbox = openInProcessOutbox({ path: join(dir, 'relay.sqlite') });
    const lines: string[] = [];
    const logger: Logger = { info: () => undefined, warn: () => undefined, error: (message) => lines.push(message) };
    const workers: Worker[] = [];
    const forwarded = () => trigger.requests.flatMap((r) => relayBatchSchema.parse(JSON.parse(r.body)).events.map((e) => e.id));
    const event = (n: number) => ({ source: 'alertmanager' as const, receivedMs: Date.now(), groupKey: `g${n}`, bodyJson: `{"n":${n}}`, dedup: { key: `k${n}`, windowMs: 60_000 } });
    const forwarder = await startForwarderThread({
      path: join(dir, 'relay.sqlite'),
      config: { webTriggerUrl: trigger.url, signingKeys: [{ id: 'k1', secret: 'test-signing-secret-0123456789abcdef' }], pollIntervalMs: 60_000 },
      outbox,
      metrics: createRelayMetrics(),
      logger,
      restartDelayMs: 10,
      // The second start cannot open the file (its directory does not exist); the third can.
      spawnThread: (path, data) => {
        const setup = data as ForwarderThreadSetup;
        const worker = spawnRelayThread(path, workers.length === 1 ? { ...setup, path: join(dir, 'missing', 'relay.sqlite') } : setup);
        workers.push(worker);
        return worker;
      },
    });
    try {
      forwarder.start();
      const first = await outbox.accept(event(1));
      await until(() => forwarded().includes(first.id), 'the first event forwarded');
      await workers[0]?.terminate();
      const second = await outbox.accept(event(2));
      await until(() => forwarded().includes(second.id), 'the event accepted while the thread was down, forwarded by the next');
      expect(workers).toHaveLength(3);
      expect(lines).toEqual(['forwarder thread exited; starting another', 'forwarder thread did not start again; trying later']);
      // The trigger has answered; the delete that follows its ack comes a moment later.
      await until(async () => (await outbox.stats()).pending === 0, 'the forwarded events deleted');
      expect((await outbox.stats()).pending).toBe(0);
    } finally {
      await forwarder.stop();
      await outbox.close();
      await trigger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at once while its thread is down and the next one not started yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-fwd-thread-'));
    const outbox = openInProcessOutbox({ path: join(dir, 'relay.sqlite') });
    const workers: Worker[] = [];
    try {
      const forwarder = await startForwarderThread({
        path: join(dir, 'relay.sqlite'),
        config: { webTriggerUrl: 'http://127.0.0.1:9/x', signingKeys: [{ id: 'k1', secret: 'test-signing-secret-0123456789abcdef' }], pollIntervalMs: 60_000 },
        outbox,
        metrics: createRelayMetrics(),
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        restartDelayMs: 60_000,
        spawnThread: (path, data) => {
          const worker = spawnRelayThread(path, data);
          workers.push(worker);
          return worker;
        },
      });
      forwarder.start();
      await workers[0]?.terminate();
      const outcome = await Promise.race([forwarder.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5000))]);
      expect(outcome).toBe('stopped');
      expect(workers).toHaveLength(1);
    } finally {
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when the thread cannot open the outbox file, instead of forwarding nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-fwd-thread-'));
    try {
      await expect(
        startForwarderThread({
          path: join(dir, 'missing-dir', 'relay.sqlite'),
          config: { webTriggerUrl: 'http://127.0.0.1:9/x', signingKeys: [{ id: 'k1', secret: 'test-signing-secret-0123456789abcdef' }], pollIntervalMs: 60_000 },
          outbox: { onAccepted: () => () => undefined },
          metrics: createRelayMetrics(),
          logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        }),
      ).rejects.toThrow(/forwarder thread could not open the outbox/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Polls `check` until it holds (15 s at most). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
