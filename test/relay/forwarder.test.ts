import { isDeadLetterNotice, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, relayBatchSchema, type RelayBatch } from '../../src/shared/relay-envelope';
import { KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature, type SigningKey } from '../../src/shared/signing';
import { nodeHttpTransport } from '../../src/relay/forwarder/transport';
import { createForwarder, type ForwarderConfig } from '../../src/relay/forwarder/forwarder';
import { realSleep, type Sleep } from '../../src/relay/forwarder/retry';
import { silentLogger } from '../../src/relay/logger';
import { createRelayMetrics, type RelayMetrics } from '../../src/relay/metrics';
import { incompressibleGroup } from './large-group';
import { ackAll, FakeClock, T0, fixture, startFakeWebTrigger, tempOutbox, type FakeWebTrigger, type Responder, type TempOutbox } from './helpers';

const KEYS: [SigningKey, ...SigningKey[]] = [
  { id: 'k2', secret: 'relay-signing-secret-new' },
  { id: 'k1', secret: 'relay-signing-secret-old' },
];
/** Idle waits use this interval and really wait (until woken); every other sleep is a backoff. */
const POLL_MS = 3_600_000;

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let keySeq = 0;
const batchOf = (body: string): RelayBatch => relayBatchSchema.parse(JSON.parse(body));

const status =
  (code: number, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: `status ${code}` }));
  };

describe('forwarder', () => {
  // The production transport (node:http, keep-alive) against a real HTTP web trigger.
  const transport = nodeHttpTransport();
  afterAll(() => transport.close());
  let temp: TempOutbox;
  let trigger: FakeWebTrigger;
  let clock: FakeClock;
  let metrics: RelayMetrics;
  let backoffs: number[];

  const fakeSleep: Sleep = (ms, signal) => {
    if (ms === POLL_MS) return realSleep(ms, signal);
    backoffs.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };

  function forwarder(config: Partial<ForwarderConfig> = {}) {
    return createForwarder({
      config: { webTriggerUrl: trigger.url, signingKeys: KEYS, pollIntervalMs: POLL_MS, backoffBaseMs: 1000, backoffMaxMs: 60_000, ...config },
      outbox: temp.outbox,
      post: transport.post,
      clock: clock.now,
      logger: silentLogger,
      metrics,
      sleep: fakeSleep,
      random: () => 0.5,
    });
  }

  async function acceptMany(n: number, body: (i: number) => Record<string, unknown> = (i) => ({ n: i })): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await temp.outbox.accept({ source: 'alertmanager', receivedMs: clock.nowMs, groupKey: `g${i % 3}`, bodyJson: JSON.stringify(body(i)), dedup: { key: `k${keySeq++}`, windowMs: 10_000 } });
      ids.push(r.id);
    }
    return ids;
  }

  beforeEach(async () => {
    temp = tempOutbox();
    trigger = await startFakeWebTrigger();
    clock = new FakeClock();
    metrics = createRelayMetrics();
    backoffs = [];
  });
  afterEach(async () => {
    await trigger.close();
    await temp.cleanup();
  });

  it('sends a signed RelayBatch the web trigger can verify, then deletes the acked events', async () => {
    const raw = fixture('01-checkout-first-firing.json');
    const { id } = await temp.outbox.accept({ source: 'alertmanager', receivedMs: clock.nowMs, groupKey: 'gk', bodyJson: raw, dedup: { key: 'h', windowMs: 1 } });
    const outcome = await forwarder().forwardOnce();
    expect(outcome).toEqual({ kind: 'progress', delivered: 1, failed: 0 });
    const [req] = trigger.requests;
    expect(req?.headers['content-type']).toBe('application/json');
    const check = verifySignature(KEYS, {
      signature: req?.headers['x-bridge-signature'] as string,
      timestamp: req?.headers['x-bridge-timestamp'] as string,
      keyId: req?.headers['x-bridge-key-id'] as string,
      rawBody: req?.body ?? '',
      nowSeconds: Math.floor(clock.nowMs / 1000),
    });
    expect(check).toEqual({ ok: true, keyId: 'k2' });
    expect(verifySignature([{ id: 'k2', secret: 'wrong-secret' }], { signature: req?.headers['x-bridge-signature'] as string, timestamp: req?.headers['x-bridge-timestamp'] as string, keyId: 'k2', rawBody: req?.body ?? '', nowSeconds: Math.floor(clock.nowMs / 1000) }).ok).toBe(false);
    const batch = batchOf(req?.body ?? '');
    expect(batch.events).toEqual([{ id, source: 'alertmanager', receivedAt: new Date(clock.nowMs).toISOString(), sequence: 1, groupKey: 'gk', body: JSON.parse(raw) }]);
    expect((await temp.outbox.stats()).pending).toBe(0);
    expect(await forwarder().forwardOnce()).toEqual({ kind: 'idle' });
  });

  it('batches oldest first, at most MAX_EVENTS_PER_BATCH events per batch', async () => {
    const ids = await acceptMany(120);
    const f = forwarder();
    for (let i = 0; i < 3; i++) expect((await f.forwardOnce()).kind).toBe('progress');
    const sizes = trigger.requests.map((r) => batchOf(r.body).events.length);
    expect(sizes).toEqual([MAX_EVENTS_PER_BATCH, MAX_EVENTS_PER_BATCH, 20]);
    expect(trigger.requests.flatMap((r) => batchOf(r.body).events.map((e) => e.id))).toEqual(ids);
    const sequences = trigger.requests.flatMap((r) => batchOf(r.body).events.map((e) => e.sequence));
    expect(sequences.every((s, i) => i === 0 || s > (sequences[i - 1] ?? Infinity))).toBe(true);
    expect((await temp.outbox.stats()).pending).toBe(0);
  });

  it('keeps every batch within MAX_BATCH_BYTES', async () => {
    await acceptMany(12, (i) => ({ i, pad: 'x'.repeat(40_000) }));
    const f = forwarder();
    while ((await f.forwardOnce()).kind !== 'idle');
    const sizes = trigger.requests.map((r) => Buffer.byteLength(r.body));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(trigger.requests.map((r) => batchOf(r.body).events.length)).toEqual([4, 4, 4]);
    expect((await temp.outbox.stats()).pending).toBe(0);
  });

  it('marks an event that can never be carried (stored before the accept-time limit) as failed, and forwards the rest', async () => {
    const [tooBig] = await acceptMany(1, () => JSON.parse(incompressibleGroup(5_000_000)) as Record<string, unknown>);
    await acceptMany(1);
    const f = forwarder();
    while ((await f.forwardOnce()).kind !== 'idle');
    expect(await temp.outbox.stats()).toMatchObject({ pending: 0, failed: 1, failedByReason: [{ reason: expect.stringMatching(/^too-large: \d+ bytes gzip to (6[5-9]|[7-9]\d) parts, over 64$/), count: 1 }] });
    // One batch with the other event, then one dead-letter notice for the event it could not carry.
    expect(trigger.requests).toHaveLength(2);
    const items = trigger.requests.flatMap((r) => batchOf(r.body).events);
    expect(items.filter((e) => !isDeadLetterNotice(e)).map((e) => e.id)).not.toContain(tooBig);
    expect(items.filter(isDeadLetterNotice)).toEqual([expect.objectContaining({ kind: 'dead-letter', id: tooBig, source: 'alertmanager', reason: expect.stringMatching(/^too-large: /) })]);
  });

  it('deletes only the ids the ack lists as accepted or duplicate', async () => {
    const ids = await acceptMany(6);
    trigger.script.push((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: [ids[0], ids[1], 'UNKNOWN-ID-123'], duplicates: [ids[2]] }));
    });
    const outcome = await forwarder().forwardOnce();
    expect(outcome.kind).toBe('retry');
    expect((await temp.outbox.pending(10)).map((e) => e.id)).toEqual(ids.slice(3));
  });

  it('does not delete anything on an unreadable ack', async () => {
    await acceptMany(2);
    trigger.script.push((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    expect(await forwarder().forwardOnce()).toEqual({ kind: 'retry', reason: 'bad-ack', retryAfterMs: undefined });
    expect((await temp.outbox.stats()).pending).toBe(2);
  });

  it('retries after 500s with exponential backoff and full jitter, then delivers', async () => {
    await acceptMany(3);
    trigger.script.push(status(500), status(503), status(502));
    const f = forwarder();
    f.start();
    await waitFor(async () => (await temp.outbox.stats()).pending === 0);
    await f.stop();
    // random() = 0.5: half of 1 s, 2 s, 4 s.
    expect(backoffs).toEqual([500, 1000, 2000]);
    expect(trigger.requests).toHaveLength(4);
    expect(new Set(trigger.requests.map((r) => r.body)).size).toBe(1);
    const text = await metrics.render(await temp.outbox.stats(), clock.nowMs);
    expect(text).toContain('relay_forward_attempts_total 4');
    expect(text).toContain('relay_forward_failures_total{reason="http-5xx"} 3');
    expect(text).toContain('relay_forward_successes_total 1');
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', async () => {
    await acceptMany(1);
    const date = new Date(clock.nowMs + 7000 + 42_000).toUTCString();
    trigger.script.push(status(429, { 'retry-after': '7' }), status(429, { 'retry-after': date }));
    const f = forwarder();
    f.start();
    await waitFor(async () => (await temp.outbox.stats()).pending === 0);
    await f.stop();
    // HTTP dates have 1 s resolution, so the date is 42 s minus the clock's millisecond fraction away.
    expect(backoffs).toEqual([7000, 42_000 - (T0 % 1000)]);
    expect(trigger.requests).toHaveLength(3);
  });

  it('caps the backoff at the maximum', async () => {
    await acceptMany(1);
    for (let i = 0; i < 8; i++) trigger.script.push(status(500));
    const f = forwarder({ backoffBaseMs: 1000, backoffMaxMs: 10_000 });
    f.start();
    await waitFor(async () => (await temp.outbox.stats()).pending === 0);
    await f.stop();
    expect(backoffs).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('retries when the web trigger is unreachable', async () => {
    await acceptMany(1);
    await trigger.close();
    const outcome = await forwarder().forwardOnce();
    expect(outcome).toEqual({ kind: 'retry', reason: 'network', retryAfterMs: undefined });
    expect((await temp.outbox.stats()).pending).toBe(1);
  });

  it('keeps events refused with a permanent 4xx as failed, with the reason, and stops sending them', async () => {
    await acceptMany(3);
    trigger.fallback = status(401);
    const f = forwarder();
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 0, failed: 3 });
    // The app is told about them once; it refuses the notices too (401): they are not sent again, nor dead-lettered.
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 0, failed: 0 });
    expect(await f.forwardOnce()).toEqual({ kind: 'idle' });
    expect(trigger.requests).toHaveLength(2);
    expect(batchOf(trigger.requests[1]?.body ?? '').events.every(isDeadLetterNotice)).toBe(true);
    const stats = await temp.outbox.stats();
    expect(stats).toMatchObject({ pending: 0, failed: 3 });
    expect(stats.failedByReason[0]?.reason).toMatch(/^http-401/);
    expect(await metrics.render(stats, clock.nowMs)).toContain('relay_outbox_failed 3');
    // An operator can put them back once the cause is fixed.
    expect(await temp.outbox.requeueFailed()).toBe(3);
    trigger.fallback = ackAll;
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 3, failed: 0 });
  });

  it('splits a batch the web trigger refuses with 400 to isolate the bad event', async () => {
    const ids = await acceptMany(7);
    const bad = ids[4];
    trigger.fallback = (req, res) => {
      if (batchOf(req.body).events.some((e) => e.id === bad)) return status(400)(req, res);
      return ackAll(req, res);
    };
    const outcome = await forwarder().forwardOnce();
    expect(outcome).toEqual({ kind: 'progress', delivered: 6, failed: 1 });
    expect(await temp.outbox.stats()).toMatchObject({ pending: 0, failed: 1 });
    expect(await temp.outbox.pending(10)).toEqual([]);
    const failedIds = trigger.requests.filter((r) => batchOf(r.body).events.length === 1 && batchOf(r.body).events[0]?.id === bad);
    expect(failedIds).toHaveLength(1);
    // log2(7) rounds of halving at most, never resending delivered events.
    const delivered = trigger.requests.flatMap((r) => batchOf(r.body).events.map((e) => e.id)).filter((id) => id !== bad);
    expect(delivered.length).toBeLessThanOrEqual(6 + 7 * 3);
  });

  it('wakes at once when an event is accepted, without waiting for the poll', async () => {
    const f = forwarder();
    f.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(trigger.requests).toHaveLength(0);
    await acceptMany(1);
    await waitFor(async () => (await temp.outbox.stats()).pending === 0);
    await f.stop();
    expect(trigger.requests).toHaveLength(1);
  });

  it('after a wake it gathers what else is accepted meanwhile into the same batch (one POST, not one per commit)', async () => {
    const f = forwarder({ gatherMs: 1000 });
    f.start();
    // Five commits in a row: the first wakes the forwarder, the rest arrive during its gather wait.
    const ids = await acceptMany(5);
    await waitFor(async () => (await temp.outbox.stats()).pending === 0);
    await f.stop();
    expect(trigger.requests).toHaveLength(1);
    expect(batchOf(trigger.requests[0]?.body ?? '').events.map((e) => e.id)).toEqual(ids);
  });

  it('stop() ends a gather wait at once', async () => {
    const f = forwarder({ gatherMs: 3_600_000 });
    f.start();
    await acceptMany(1);
    await new Promise((r) => setTimeout(r, 20));
    await f.stop();
    expect(trigger.requests).toHaveLength(0);
    expect((await temp.outbox.stats()).pending).toBe(1);
  });

  it('stop() waits for the batch in flight and applies its ack', async () => {
    await acceptMany(2);
    let release: () => void = () => undefined;
    trigger.script.push((req, res) => {
      release = () => ackAll(req, res);
    });
    const f = forwarder();
    f.start();
    await waitFor(() => trigger.requests.length === 1);
    let stopped = false;
    const stopping = f.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await temp.outbox.stats()).pending).toBe(0);
    expect(trigger.requests).toHaveLength(1);
  });

  it('tells the app about a dead letter with a signed notice (never its body), retried while the app is down, once acked', async () => {
    const [bad, good] = await acceptMany(2, (i) => ({ i, secret: 'body-of-the-dead-letter' }));
    trigger.script.push(status(422));
    trigger.script.push(status(422));
    const f = forwarder();
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 1, failed: 1 });
    const [dead] = await temp.outbox.failed(10);
    expect(dead?.id).toBe(bad);
    // The app is down: the notice is retried like any batch.
    trigger.script.push(status(503));
    expect(await f.forwardOnce()).toEqual({ kind: 'retry', reason: 'http-5xx', retryAfterMs: undefined });
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 0, failed: 0 });
    expect(await f.forwardOnce()).toEqual({ kind: 'idle' });
    const notices = trigger.requests.slice(-2).map((r) => batchOf(r.body));
    expect(notices[0]).toEqual(notices[1]);
    expect(notices[1]?.events).toEqual([
      { kind: 'dead-letter', id: bad, source: 'alertmanager', receivedAt: dead?.receivedAt, sequence: dead?.sequence, groupKey: 'g0', sizeBytes: dead?.sizeBytes, reason: dead?.reason, deadLetteredAt: dead?.failedAt },
    ]);
    expect(trigger.requests.at(-1)?.body).not.toContain('body-of-the-dead-letter');
    const last = trigger.requests.at(-1);
    expect(verifySignature(KEYS, { signature: String(last?.headers[SIGNATURE_HEADER]), timestamp: String(last?.headers[TIMESTAMP_HEADER]), keyId: String(last?.headers[KEY_ID_HEADER]), rawBody: last?.body ?? '', nowSeconds: Math.floor(clock.nowMs / 1000) }).ok).toBe(true);
    expect(good).toBeDefined();
    // Re-queued and dead-lettered again: the app hears of it again (a new failure).
    expect(await temp.outbox.requeueFailed()).toBe(1);
    clock.advance(1000);
    trigger.script.push(status(422));
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 0, failed: 1 });
    expect(await f.forwardOnce()).toEqual({ kind: 'progress', delivered: 0, failed: 0 });
    expect(batchOf(trigger.requests.at(-1)?.body ?? '').events).toEqual([expect.objectContaining({ kind: 'dead-letter', id: bad })]);
  });
});
