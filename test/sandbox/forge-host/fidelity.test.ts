import { Queue, PartialSuccessError, PayloadTooBigError } from '@forge/events';
import { probe } from './fixtures/app';
import { FIXTURE_MANIFEST, makeHost, type TestHost } from './helpers';
import { CONCURRENCY_BACKOFF, concurrencyBackoffMs, fidelityFromEnv, sampleLatencyMs, seededRandom, FORGE_LATENCY_ASSUMPTIONS, DEFAULT_CHAOS, TEST_TIME_FACTOR, type HostFidelity } from '../../../src/sandbox/forge-host/fidelity';

const queue = new Queue({ key: 'work-queue' });
const FAST = 0.001;

function forge(seed: number, extra: Partial<HostFidelity> = {}): Partial<HostFidelity> {
  return { mode: 'forge', timeFactor: FAST, chaos: null, latency: null, seed, ...extra };
}

const ids = (): number[] => probe.consumed.map((c) => Number(c.body.i));

describe('forge host delivery fidelity', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.host.close();
    t = undefined;
  });

  it('postpones events whose concurrency key is busy and delivers them in no particular order', async () => {
    const orders = new Set<string>();
    let postponed = 0;
    for (let seed = 1; seed <= 6; seed += 1) {
      t = makeHost({ fidelity: forge(seed) });
      await queue.push(Array.from({ length: 5 }, (_, i) => ({ body: { mode: 'work', key: 'grp', i }, concurrency: { key: 'grp', limit: 1 } })));
      await t.host.queue.drain();
      expect(ids().sort()).toEqual([0, 1, 2, 3, 4]);
      expect(probe.maxRunningByKey.get('grp')).toBe(1);
      orders.add(ids().join(','));
      postponed += t.host.queue.stats().postponements;
      await t.host.close();
      t = undefined;
    }
    expect(postponed).toBeGreaterThan(0);
    // Forge runs a key's events "as 4,1,0,3,2": the host must not keep push order.
    expect([...orders].some((o) => o !== '0,1,2,3,4')).toBe(true);
    expect(orders.size).toBeGreaterThan(1);
  });

  it('lets an event pushed later run before earlier ones that wait out their backoff', async () => {
    let overtaken = false;
    for (let seed = 1; seed <= 10 && !overtaken; seed += 1) {
      t = makeHost({ fidelity: forge(seed) });
      await queue.push([0, 1, 2].map((i) => ({ body: { mode: 'work', key: 'g', i }, concurrency: { key: 'g', limit: 1 } })));
      // Wait until the early events have been tried and postponed at least once, then push a late one.
      for (let n = 0; n < 200 && t.host.queue.stats().postponements === 0; n += 1) await new Promise((r) => setTimeout(r, 1));
      await queue.push({ body: { mode: 'work', key: 'g', i: 3 }, concurrency: { key: 'g', limit: 1 } });
      await t.host.queue.drain();
      const order = ids();
      expect(order.slice().sort()).toEqual([0, 1, 2, 3]);
      overtaken = order.indexOf(3) < 3;
      await t.host.close();
      t = undefined;
    }
    expect(overtaken).toBe(true);
  });

  it('keeps FIFO order and never postpones in deterministic mode', async () => {
    t = makeHost({ fidelity: { mode: 'deterministic' } });
    await queue.push(Array.from({ length: 5 }, (_, i) => ({ body: { mode: 'work', key: 'grp', i }, concurrency: { key: 'grp', limit: 1 } })));
    await t.host.queue.drain();
    expect(ids()).toEqual([0, 1, 2, 3, 4]);
    expect(t.host.queue.stats()).toMatchObject({ postponements: 0, duplicates: 0, done: 5 });
  });

  it('chaos delivers events twice with the same eventId and reorders across keys', async () => {
    t = makeHost({ fidelity: forge(7, { chaos: { duplicateRate: 1, reorderWindowMs: 20_000 } }) });
    await queue.push(Array.from({ length: 10 }, (_, i) => ({ body: { i }, concurrency: { key: `k${i}`, limit: 1 } })));
    await t.host.queue.drain();
    expect(probe.consumed).toHaveLength(20);
    const byEvent = new Map<string, number>();
    for (const c of probe.consumed) byEvent.set(c.eventId, (byEvent.get(c.eventId) ?? 0) + 1);
    expect([...byEvent.values()]).toEqual(Array.from({ length: 10 }, () => 2));
    expect(t.host.queue.stats()).toMatchObject({ duplicates: 10, done: 10 });
    const firsts = ids().filter((i, n, all) => all.indexOf(i) === n);
    expect(firsts).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('limits an event to 100 KB when the consumer function has a timeout over 55 s', async () => {
    t = makeHost({ fidelity: forge(1) });
    const big = { body: { big: 'x'.repeat(101 * 1024) } };
    // fixture consumer-fn: timeoutSeconds 120 → the long-running limit applies
    await expect(queue.push(big)).rejects.toBeInstanceOf(PayloadTooBigError);
    const partial = await queue.push([{ body: { id: 'small' } }, big]).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(PartialSuccessError);
    // The package's type names the field `event`; its code sets `payload` [V validators.js, FORGE-NOTES §2].
    const failed = (partial as PartialSuccessError).failedEvents as unknown as { payload: unknown; errorMessage: string }[];
    expect(failed).toHaveLength(1);
    expect(failed[0]?.payload).toEqual(big);
    expect(failed[0]?.errorMessage).toContain('100KB');
    await t.host.queue.drain();
    expect(probe.consumed.map((c) => c.body.id)).toEqual(['small']);
    // 99 KB fits.
    await queue.push({ body: { id: 'ok', pad: 'x'.repeat(99 * 1024) } });
  });

  it('fails an event whose InvocationError carries more than 4 KB of retryData', async () => {
    t = makeHost({ fidelity: forge(1) });
    await queue.push({ body: { mode: 'retry', retryPad: 5000 } });
    await t.host.queue.drain();
    const failed = t.host.queue.failedEvents();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toContain('4 KB');
  });

  it('adds the latency profile to KVS and invocation start without changing results', async () => {
    t = makeHost({ fidelity: forge(3, { latency: FORGE_LATENCY_ASSUMPTIONS, timeFactor: 0.0001 }) });
    await queue.push([{ body: { id: 'a' } }, { body: { id: 'b' } }]);
    await t.host.queue.drain();
    expect(probe.consumed.map((c) => c.body.id).sort()).toEqual(['a', 'b']);
    expect(t.host.kvs.get({ kind: 'kv' }, 'consumed:a')).toMatchObject({ ok: true, value: { value: { id: 'a' } } });
  });
});

describe('fidelity settings', () => {
  it('backs off from 4 s, doubling, up to 15 min, with jitter', () => {
    const half = () => 0;
    const full = () => 0.999999;
    expect(concurrencyBackoffMs(0, half)).toBe(2_000);
    expect(concurrencyBackoffMs(0, full)).toBeCloseTo(4_000, -1);
    expect(concurrencyBackoffMs(3, full)).toBeCloseTo(32_000, -2);
    expect(concurrencyBackoffMs(20, full)).toBeCloseTo(CONCURRENCY_BACKOFF.maxSeconds * 1000, -2);
  });

  it('samples latency with the profile median and 99th percentile', () => {
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => sampleLatencyMs({ p50Ms: 100, p99Ms: 1000 }, random)).sort((a, b) => a - b);
    expect(samples[10_000]).toBeGreaterThan(90);
    expect(samples[10_000]).toBeLessThan(110);
    expect(samples[19_800]).toBeGreaterThan(800);
    expect(samples[19_800]).toBeLessThan(1250);
  });

  it('reads the documented switch from the environment', () => {
    expect(fidelityFromEnv({})).toMatchObject({ mode: 'forge', timeFactor: 1, chaos: null, latency: null });
    expect(fidelityFromEnv({ NODE_ENV: 'test' })).toMatchObject({ mode: 'forge', timeFactor: TEST_TIME_FACTOR });
    expect(fidelityFromEnv({ FORGE_HOST_FIDELITY: 'deterministic', FORGE_HOST_CHAOS: '1' })).toMatchObject({ mode: 'deterministic', chaos: null, latency: null });
    expect(fidelityFromEnv({ FORGE_HOST_CHAOS: '1', FORGE_HOST_LATENCY: 'true', FORGE_HOST_TIME_FACTOR: '0.01', FORGE_HOST_SEED: '9' })).toEqual({
      mode: 'forge',
      timeFactor: 0.01,
      chaos: DEFAULT_CHAOS,
      latency: FORGE_LATENCY_ASSUMPTIONS,
      seed: 9,
    });
    expect(fidelityFromEnv({ FORGE_HOST_FIDELITY: 'deterministic' }, { mode: 'forge' }).mode).toBe('forge');
    expect(() => fidelityFromEnv({ FORGE_HOST_FIDELITY: 'fast' })).toThrow(/FORGE_HOST_FIDELITY/);
    expect(() => fidelityFromEnv({ FORGE_HOST_TIME_FACTOR: '-1' })).toThrow(/FORGE_HOST_TIME_FACTOR/);
    expect(() => fidelityFromEnv({ FORGE_HOST_CHAOS: 'yes' })).toThrow(/FORGE_HOST_CHAOS/);
  });
});

describe('trigger filter.expression', () => {
  it('is refused with a clear error instead of being ignored or guessed', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, cpSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'forge-filter-'));
    cpSync(join(FIXTURE_MANIFEST, '..', 'static-panel'), join(dir, 'static-panel'), { recursive: true });
    const file = join(dir, 'manifest.yml');
    writeFileSync(file, readFileSync(FIXTURE_MANIFEST, 'utf8').replace('ignoreSelf: true', "ignoreSelf: true\n        expression: \"event.issue.fields?.issueType.name == 'Bug'\""));
    expect(() => makeHost({ manifestPath: file })).toThrow(/trigger 'issue-updated' uses filter.expression, which the local Forge host does not evaluate/);
  });
});

describe('app installation', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.host.close();
    t = undefined;
  });

  it('delivers avi:forge:installed:app, and a reinstall starts from empty app storage', async () => {
    t = makeHost();
    t.host.kvs.set({ kind: 'kv' }, 'kept-until-reinstall', 1);
    t.host.kvs.set({ kind: 'secret' }, 'secret', 's');
    const [first] = await t.host.installApp({ installerAccountId: 'admin-1' });
    expect(first).toMatchObject({ triggerKey: 'installed', status: 'invoked', result: { kind: 'ok' } });
    expect(probe.issueEvents[0]).toMatchObject({ eventType: 'avi:forge:installed:app', installerAccountId: 'admin-1', app: { version: '1.0.0' } });
    expect(t.host.kvs.count({ kind: 'kv' })).toBe(1);
    await t.host.installApp({ reinstall: true });
    expect(t.host.kvs.count({ kind: 'kv' })).toBe(0);
    expect(t.host.kvs.count({ kind: 'secret' })).toBe(0);
    expect(probe.issueEvents).toHaveLength(2);
  });
});
