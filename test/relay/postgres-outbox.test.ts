import type { NewEvent, Outbox } from '../../src/relay/outbox/outbox';
import { openPostgresOutbox } from '../../src/relay/outbox/postgres-outbox';
import { startTestPostgres, type TestPostgres } from '../support/postgres';
import { T0 } from './helpers';

jest.setTimeout(60_000);

const event = (key: string, receivedMs = T0, windowMs = 10_000): NewEvent => ({
  source: 'alertmanager',
  receivedMs,
  groupKey: `g-${key}`,
  bodyJson: JSON.stringify({ key }),
  dedup: { key, windowMs },
});

describe('PostgreSQL outbox (real server)', () => {
  let pg: TestPostgres;
  let url: string;
  let dbs = 0;
  const open: Outbox[] = [];
  let now = T0;
  const instance = (id: string, leaseMs = 60_000) =>
    openPostgresOutbox({ url, leaseMs, instanceId: id, clock: () => now }).then((o) => {
      open.push(o);
      return o;
    });

  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(() => pg.close());
  beforeEach(async () => {
    now = T0;
    url = await pg.createDatabase(`outbox_${++dbs}`);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  it('migrates once, even when instances start together', async () => {
    const [a, b] = await Promise.all([instance('a'), instance('b')]);
    expect((await a.stats()).pending).toBe(0);
    expect((await b.stats()).pending).toBe(0);
  });

  it('stores, lists oldest first with database sequences, removes, dead-letters and re-queues', async () => {
    const o = await instance('a');
    const ids = [];
    for (const k of ['1', '2', '3']) ids.push((await o.accept(event(k))).id);
    const pending = await o.pending(10);
    expect(pending.map((e) => e.id)).toEqual(ids);
    expect(pending.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(JSON.parse(pending[0]?.bodyJson ?? '')).toEqual({ key: '1' });
    expect(await o.remove([ids[0] ?? '', 'not-an-id'])).toBe(1);
    expect(await o.markFailed([ids[1] ?? ''], 'http-422: cannot queue', T0)).toBe(1);
    expect(await o.stats()).toEqual({ pending: 1, failed: 1, oldestPendingReceivedMs: T0, failedByReason: [{ source: 'alertmanager', reason: 'http-422: cannot queue', count: 1 }] });
    expect(await o.failed(10)).toEqual([
      { id: ids[1], source: 'alertmanager', groupKey: 'g-2', sequence: 2, receivedAt: new Date(T0).toISOString(), sizeBytes: Buffer.byteLength('{"key":"2"}'), reason: 'http-422: cannot queue', failedAt: new Date(T0).toISOString() },
    ]);
    expect(await o.requeueFailed([ids[1] ?? ''])).toBe(1);
    expect((await o.pending(10)).map((e) => e.id)).toEqual([ids[1], ids[2]]);
    // Sequences are never reused.
    await o.remove(ids);
    await o.accept(event('4'));
    expect((await o.pending(10)).map((e) => e.sequence)).toEqual([4]);
  });

  it('suppresses duplicates across instances by the unique key: 20 copies at once through two instances → one event', async () => {
    const [a, b] = await Promise.all([instance('a'), instance('b')]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).accept(event('same'))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await a.stats()).pending).toBe(1);
    // After the window the same key is a new event.
    expect((await b.accept(event('same', T0 + 10_000))).duplicate).toBe(false);
    expect(await a.pruneDedup(T0 + 30_000)).toBe(1);
  });

  it('one group commit of distinct keys (one statement): new keys stored in accept order, live keys answered with their holder, expired keys stored again', async () => {
    const o = await instance('a');
    const live = await o.accept(event('live', T0));
    const expired = await o.accept(event('expired', T0 - 20_000));
    // Accepted together, these share one transaction (the group commit takes what one tick queued).
    const batch = await Promise.all([event('n1', T0 + 1), event('live', T0 + 1), event('n2', T0 + 1), event('expired', T0 + 1), event('n3', T0 + 1)].map((e) => o.accept(e)));
    expect(batch.map((r) => r.duplicate)).toEqual([false, true, false, false, false]);
    expect(batch[1]?.id).toBe(live.id);
    expect(batch[3]?.id).not.toBe(expired.id);
    const pending = await o.pending(10);
    expect(pending.map((e) => e.groupKey)).toEqual(['g-live', 'g-expired', 'g-n1', 'g-n2', 'g-expired', 'g-n3']);
    expect(pending.map((e) => e.id).slice(2)).toEqual([batch[0]?.id, batch[2]?.id, batch[3]?.id, batch[4]?.id]);
    expect(pending.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(pending[3]?.bodyJson ?? '')).toEqual({ key: 'n2' });
    // The claimed dedup row now names the new event: a repeat inside its window answers with it.
    expect(await o.accept(event('expired', T0 + 2))).toEqual({ id: batch[3]?.id, duplicate: true });
  });

  it('claims disjoint events per instance (SKIP LOCKED + lease); a dead instance\'s events go to the others when its lease ends', async () => {
    const [a, b] = await Promise.all([instance('a', 5_000), instance('b', 5_000)]);
    for (let i = 0; i < 10; i++) await a.accept(event(`k${i}`));
    const [byA, byB] = await Promise.all([a.pending(6), b.pending(6)]);
    const claimedA = byA.map((e) => e.id);
    const claimedB = byB.map((e) => e.id);
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    expect(claimedA.length + claimedB.length).toBe(10);
    // A keeps its claim (its own retries); B cannot take A's events while A's lease runs.
    expect((await a.pending(10)).map((e) => e.id)).toEqual(claimedA);
    expect(await b.pending(10)).toHaveLength(claimedB.length);
    // A dies: once the lease has ended, B forwards A's events.
    now += 5_000;
    const taken = (await b.pending(10)).map((e) => e.id);
    expect(taken.sort()).toEqual([...claimedA, ...claimedB].sort());
  });

  it('rejects accepts while PostgreSQL is down and takes them again once it is back', async () => {
    const o = await instance('a');
    await o.accept(event('before'));
    await pg.stop();
    await expect(o.accept(event('down'))).rejects.toThrow();
    await pg.start();
    expect((await o.accept(event('after'))).duplicate).toBe(false);
    expect((await o.stats()).pending).toBe(2);
  });
});
