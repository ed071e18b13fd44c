import { Queue, TooManyEventsError, PayloadTooBigError, InvalidPushSettingsError, RateLimitError } from '@forge/events';
import { kvs } from '@forge/kvs';
import { probe } from './fixtures/app';
import { makeHost, type TestHost } from './helpers';

const queue = new Queue({ key: 'work-queue' });

/** Waits until the fixture consumer has opened `n` gates (real event-loop turns, no wall-clock assertions). */
async function gatesOpen(n: number): Promise<void> {
  for (let i = 0; i < 1000 && probe.gates.length < n; i += 1) await new Promise((r) => setImmediate(r));
  expect(probe.gates.length).toBe(n);
}

describe('forge host async events through the real @forge/events', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost({ queue: { workers: 4 } });
  });
  afterEach(async () => {
    await t.host.close();
  });

  it('delivers pushed events to the manifest consumer with the AsyncEvent shape', async () => {
    const { jobId } = await queue.push([{ body: { id: 'a' } }, { body: { id: 'b' } }]);
    await t.host.queue.drain();
    expect(probe.consumed.map((c) => c.body.id).sort()).toEqual(['a', 'b']);
    expect(probe.consumed[0]).toMatchObject({ jobId, queueName: 'work-queue', retryContext: undefined });
    expect(new Set(probe.consumed.map((c) => c.eventId)).size).toBe(2);
    expect(await kvs.get('consumed:a')).toEqual({ id: 'a' });
    expect(await queue.getStats(jobId)).toEqual({ success: 2, inProgress: 0, failed: 0 });
    expect(t.host.invocations.counters().byFunction['consumer-fn']).toBe(2);
  });

  it('rejects 51 events, >200 KB and bad delays with the package errors', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ body: { i } }));
    await expect(queue.push(many)).rejects.toBeInstanceOf(TooManyEventsError);
    await expect(queue.push({ body: { big: 'x'.repeat(201 * 1024) } })).rejects.toBeInstanceOf(PayloadTooBigError);
    await expect(queue.push({ body: {}, delayInSeconds: 901 })).rejects.toBeInstanceOf(InvalidPushSettingsError);
    expect(t.host.queue.stats().ready).toBe(0);
  });

  it('answers the service 413 and 429 itself when a push bypasses client checks', async () => {
    // The service side of the contract, reached with the package's own wire client.
    const { __requestAtlassianAsApp } = await import('@forge/api');
    const big = await __requestAtlassianAsApp('/webhook/queue/publish/{contextAri}/{environmentId}/{appId}/{appVersion}', {
      method: 'POST',
      body: JSON.stringify({ queueName: 'work-queue', jobId: 'j', payload: [{ body: { big: 'x'.repeat(201 * 1024) } }] }),
    });
    expect(big.status).toBe(413);
    await t.host.close();
    t = makeHost({ queue: { eventsPerMinute: 3 } });
    await queue.push([{ body: { id: 1 } }, { body: { id: 2 } }, { body: { id: 3 } }]);
    await expect(queue.push({ body: { id: 4 } })).rejects.toBeInstanceOf(RateLimitError);
    t.advance(60_000);
    await queue.push({ body: { id: 4 } });
  });

  it('never runs more than the concurrency limit per key at once', async () => {
    await queue.push(Array.from({ length: 5 }, (_, i) => ({ body: { mode: 'gate', i }, concurrency: { key: 'grp', limit: 2 } })));
    await gatesOpen(2);
    expect(probe.running).toBe(2);
    for (let released = 0; released < 5; released += 1) {
      probe.gates.shift()?.release();
      await gatesOpen(Math.min(2, 4 - released));
    }
    await t.host.queue.drain();
    expect(probe.maxRunning).toBe(2);
    expect(t.host.queue.stats().done).toBe(5);
  });

  it('holds delayed events until the injected clock reaches them', async () => {
    await queue.push({ body: { id: 'later' }, delayInSeconds: 60 });
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(0);
    expect(t.host.queue.stats().delayed).toBe(1);
    t.advance(59_999);
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(0);
    t.advance(1);
    await t.host.queue.drain();
    expect(probe.consumed.map((c) => c.body.id)).toEqual(['later']);
  });

  it('retries an InvocationError after retryAfter with a retryContext', async () => {
    await queue.push({ body: { mode: 'retry', retryAfter: 30 } });
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(1);
    t.advance(29_000);
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(1);
    t.advance(1_000);
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(2);
    expect(probe.consumed[1]?.retryContext).toMatchObject({ retryCount: 1, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: { attempt: 1 } });
    expect(t.host.invocations.counters().byOutcome['retry-requested']).toBe(2);
  });

  it('gives up after the maximum retries and records the event as failed', async () => {
    await queue.push({ body: { mode: 'throw' } });
    for (let i = 0; i < 10; i += 1) {
      await t.host.queue.drain();
      t.advance(900_000);
    }
    expect(probe.consumed).toHaveLength(5); // first attempt + 4 retries
    expect(probe.consumed[4]?.retryContext).toMatchObject({ retryCount: 4, retryReason: 'FUNCTION_ERR' });
    const failed = t.host.queue.failedEvents();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ retryCount: 4, body: { mode: 'throw' } });
    expect(failed[0]?.lastError).toContain('consumer failed');
  });

  it('treats a consumer timeout as a failed attempt and retries it', async () => {
    await t.host.close();
    t = makeHost({ timeLimits: { asyncMs: 20 } });
    await queue.push({ body: { mode: 'hang' } });
    await t.host.queue.drain();
    expect(t.host.invocations.list({ functionKey: 'consumer-fn' })[0]).toMatchObject({ outcome: 'timeout' });
    t.advance(10_000);
    await t.host.queue.drain();
    expect(probe.consumed[1]?.retryContext).toMatchObject({ retryCount: 1, retryReason: 'FUNCTION_TIME_OUT' });
  });

  it('redelivers events that were running when the host stopped (at-least-once)', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'forge-queue-')), 'q.db');
    await t.host.close();
    t = makeHost({ databasePath: file });
    await queue.push({ body: { mode: 'gate' } });
    await gatesOpen(1);
    await t.host.close(); // the consumer never finished
    probe.gates.shift()?.release();
    t = makeHost({ databasePath: file });
    expect(t.host.queue.stats().ready).toBe(1);
    await queue.push({ body: { id: 'x' } });
    t.host.queue.kick();
    await gatesOpen(1);
    probe.gates.shift()?.release();
    await t.host.queue.drain();
    expect(t.host.queue.stats().done).toBe(2);
  });
});
