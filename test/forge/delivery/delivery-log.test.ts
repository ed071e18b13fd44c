/**
 * The delivery log on the app's KVS port (the in-memory store, which keeps Forge's query rules: sorted keys,
 * at most 20 per query, TTL by the clock): newest first, paging both ways, filters, folded repeats,
 * retention, bad input, and a page's KVS calls counted on a log of thousands of lines.
 */
import type { ProblemOutcome } from '../../../src/forge/alerts/outcomes';
import { recordDelivery, recordFailedDelivery, type DeliveryRef } from '../../../src/forge/delivery/delivery-log';
import type { DeliveryOutcome } from '../../../src/forge/delivery/delivery-record';
import { MAX_SCAN_CALLS } from '../../../src/forge/delivery/delivery-pages';
import { DELIVERY_LOG_RETENTION_ENV } from '../../../src/forge/delivery/retention';
import { listFailedDeliveries } from '../../../src/forge/entry/resolvers/failed-deliveries';
import { listRecentDeliveries } from '../../../src/forge/entry/resolvers/resolvers';
import type { DeliverySummary, RecentDeliveries } from '../../../src/forge/entry/resolvers/contract';
import type { KeyValueStore } from '../../../src/forge/ports/key-value-store';
import type { EventSource } from '../../../src/shared/relay-envelope';
import { InMemoryStore } from '../../support/in-memory-store';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

/** Counts every port call, so a test can say how many KVS round trips something cost. */
function counting(store: KeyValueStore): { store: KeyValueStore; calls: Map<string, number>; total(): number; reset(): void } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0), reset: () => calls.clear() };
}

interface Fixture {
  readonly memory: InMemoryStore;
  readonly counted: ReturnType<typeof counting>;
  now: number;
  env: NodeJS.ProcessEnv;
}

function fixture(): Fixture {
  const f = { now: T0, env: {} as NodeJS.ProcessEnv } as Fixture;
  (f as { memory: InMemoryStore }).memory = new InMemoryStore(() => f.now);
  (f as { counted: ReturnType<typeof counting> }).counted = counting(f.memory);
  return f;
}

const created = (issueKey: string): ProblemOutcome => ({ kind: 'created', problemKey: `am:grp:${issueKey}`, issueKey });
const commented = (issueKey: string): ProblemOutcome => ({ kind: 'commented', problemKey: `am:grp:${issueKey}`, issueKey, transitioned: false });
const unchanged: ProblemOutcome = { kind: 'skipped', problemKey: 'am:grp:x', reason: 'nothing changed since the last notification' };

let seq = 0;
async function record(f: Fixture, groupKey: string, outcome: DeliveryOutcome, options: { source?: EventSource; at?: number; projectKeys?: string[] } = {}): Promise<string> {
  seq += 1;
  const eventId = `evt-${String(seq).padStart(8, '0')}`;
  const at = options.at ?? f.now;
  const ref: DeliveryRef & { source: EventSource } = { eventId, groupKey, receivedAt: new Date(at).toISOString(), source: options.source ?? 'alertmanager', ...(options.projectKeys ? { projectKeys: options.projectKeys } : {}) };
  await recordDelivery(ref, 0, outcome, { store: f.counted.store, clock: { now: () => f.now }, env: f.env });
  return eventId;
}

async function list(f: Fixture, input: Record<string, unknown>): Promise<RecentDeliveries & { ok: true }> {
  const page = await listRecentDeliveries(input, { store: f.counted.store, env: f.env });
  if (!page.ok) throw new Error(`refused: ${JSON.stringify(page.error)}`);
  return page;
}

/** Every line of a listing, following nextCursor. */
async function all(f: Fixture, input: Record<string, unknown>): Promise<DeliverySummary[]> {
  const out: DeliverySummary[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i += 1) {
    const page = await list(f, { ...input, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('no end');
}

describe('delivery log', () => {
  it('lists newest first and pages both ways with the same lines each time', async () => {
    const f = fixture();
    const ids: string[] = [];
    for (let i = 0; i < 45; i += 1) {
      f.now = T0 + i * 1000;
      ids.push(await record(f, `group-${i}`, { kind: 'applied', problems: [created(`OPS-${i + 1}`)] }));
    }
    const newestFirst = [...ids].reverse();
    const p1 = await list(f, { limit: 20 });
    expect(p1.items.map((d) => d.eventId)).toEqual(newestFirst.slice(0, 20));
    expect(p1.prevCursor).toBeNull();
    const p2 = await list(f, { limit: 20, cursor: p1.nextCursor });
    expect(p2.items.map((d) => d.eventId)).toEqual(newestFirst.slice(20, 40));
    const p3 = await list(f, { limit: 20, cursor: p2.nextCursor });
    expect(p3.items.map((d) => d.eventId)).toEqual(newestFirst.slice(40));
    expect(p3.nextCursor).toBeNull();
    const back2 = await list(f, { limit: 20, cursor: p3.prevCursor });
    expect(back2.items.map((d) => d.eventId)).toEqual(newestFirst.slice(20, 40));
    const back1 = await list(f, { limit: 20, cursor: back2.prevCursor });
    expect(back1.items.map((d) => d.eventId)).toEqual(newestFirst.slice(0, 20));
    expect(back1.prevCursor).toBeNull();
    // A line newer than the page one was on shows when paging back to the top.
    f.now = T0 + 100_000;
    const newest = await record(f, 'group-new', { kind: 'applied', problems: [created('OPS-99')] });
    expect((await list(f, { limit: 20, cursor: back2.prevCursor })).items[0]!.eventId).toBe(newest);
  });

  it('folds unchanged repeats of a group into its last line, with a count and the last time, and no new key', async () => {
    const f = fixture();
    await record(f, 'g', { kind: 'applied', problems: [created('OPS-1')] });
    f.now += 1000;
    const first = await record(f, 'g', { kind: 'applied', problems: [unchanged] });
    const keysAfterFirstRepeat = f.memory.values.size;
    for (let i = 0; i < 200; i += 1) {
      f.now += 60_000;
      await record(f, 'g', { kind: 'applied', problems: [unchanged] });
    }
    expect(f.memory.values.size).toBe(keysAfterFirstRepeat);
    // A repeat costs two reads (a query of the group's newest index entries, one batch read of their lines) and one write (the line).
    f.counted.reset();
    f.now += 60_000;
    const last = await record(f, 'g', { kind: 'applied', problems: [unchanged] });
    expect(Object.fromEntries(f.counted.calls)).toEqual({ listByPrefix: 1, getMany: 1, set: 1 });
    const lines = await all(f, {});
    expect(lines.map((d) => [d.detail, d.count])).toEqual([
      ['skipped because nothing changed since the last notification', 202],
      ['created OPS-1', 1],
    ]);
    expect(lines[0]).toMatchObject({ eventId: first, lastEventId: last, lastAt: new Date(f.now).toISOString() });
    // A change starts a new line; the next repeat folds into that one, not into the old repeats.
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [commented('OPS-1')] });
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [commented('OPS-1')] });
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [unchanged] });
    expect((await all(f, {})).map((d) => [d.outcome, d.detail, d.count])).toEqual([
      ['applied', 'skipped because nothing changed since the last notification', 1],
      ['applied', 'commented OPS-1', 1],
      ['applied', 'commented OPS-1', 1],
      ['applied', 'skipped because nothing changed since the last notification', 202],
      ['applied', 'created OPS-1', 1],
    ]);
  });

  it('folds into the line its group last wrote when deliveries run out of received order (Forge reorders a group’s events)', async () => {
    const f = fixture();
    // Three HA replicas' copies: the newest received is processed first and creates the issue.
    await record(f, 'g', { kind: 'applied', problems: [created('OPS-1')] }, { at: T0 + 3000 });
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [unchanged] }, { at: T0 + 1000 });
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [unchanged] }, { at: T0 + 2000 });
    expect((await all(f, {})).map((d) => [d.detail, d.count])).toEqual([
      ['created OPS-1', 1],
      ['skipped because nothing changed since the last notification', 2],
    ]);
    // A change written after them ends the fold, whatever its received time.
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [commented('OPS-1')] }, { at: T0 + 500 });
    f.now += 1000;
    await record(f, 'g', { kind: 'applied', problems: [unchanged] }, { at: T0 + 4000 });
    expect((await all(f, {})).map((d) => d.count)).toEqual([1, 1, 2, 1]);
  });

  it('filters by outcome, source, project, group and issue key, alone or combined', async () => {
    const f = fixture();
    const a = await record(f, 'checkout', { kind: 'applied', problems: [created('OPS-1')] });
    f.now += 1;
    const b = await record(f, 'disk', { kind: 'failed', reason: 'Jira unavailable', problems: [] }, { projectKeys: ['PM'] });
    f.now += 1;
    const c = await record(f, 'inc-1', { kind: 'incident', incidentId: 'inc-1', summary: 'created OPS-2' }, { source: 'impact', projectKeys: ['OPS'] });
    f.now += 1;
    const d = await record(f, 'checkout', { kind: 'applied', problems: [commented('OPS-1'), created('PM-7')] });
    const ids = async (input: Record<string, unknown>) => (await all(f, input)).map((x) => x.eventId);
    expect(await ids({})).toEqual([d, c, b, a]);
    expect(await ids({ outcome: 'failed' })).toEqual([b]);
    expect(await ids({ source: 'impact' })).toEqual([c]);
    expect(await ids({ projectKey: 'OPS' })).toEqual([d, c, a]);
    expect(await ids({ projectKey: 'PM' })).toEqual([d, b]);
    expect(await ids({ groupKey: 'checkout' })).toEqual([d, a]);
    expect(await ids({ issueKey: 'OPS-1' })).toEqual([d, a]);
    expect(await ids({ issueKey: 'PM-7', projectKey: 'OPS' })).toEqual([d]);
    expect(await ids({ projectKey: 'OPS', source: 'alertmanager', outcome: 'applied' })).toEqual([d, a]);
    expect(await ids({ issueKey: 'OPS-3' })).toEqual([]);
  });

  it('filters by the row’s word (verdict), alone or with an indexed filter: skipped and partial lines are not applied', async () => {
    const f = fixture();
    const applied = await record(f, 'checkout', { kind: 'applied', problems: [created('OPS-1')] });
    f.now += 1;
    const skipped = await record(f, 'disk', { kind: 'applied', problems: [unchanged] });
    f.now += 1;
    const partial = await record(f, 'api', { kind: 'applied', problems: [created('OPS-2'), { kind: 'failed', problemKey: 'am:grp:y', reason: 'Jira refused' }] });
    f.now += 1;
    const incident = await record(f, 'inc-1', { kind: 'incident', incidentId: 'inc-1', summary: 'created OPS-3' }, { source: 'impact', projectKeys: ['OPS'] });
    f.now += 1;
    const failed = await record(f, 'db', { kind: 'failed', reason: 'Jira unavailable', problems: [] }, { projectKeys: ['OPS'] });
    const ids = async (input: Record<string, unknown>) => (await all(f, input)).map((x) => x.eventId);
    expect(await ids({ verdict: 'applied' })).toEqual([incident, applied]);
    expect(await ids({ verdict: 'skipped' })).toEqual([skipped]);
    expect(await ids({ verdict: 'partial' })).toEqual([partial]);
    expect(await ids({ verdict: 'failed' })).toEqual([failed]);
    expect(await ids({ verdict: 'rejected' })).toEqual([]);
    expect(await ids({ verdict: 'applied', projectKey: 'OPS' })).toEqual([incident, applied]);
    expect(await ids({ verdict: 'partial', groupKey: 'api' })).toEqual([partial]);
    expect(await ids({ verdict: 'skipped', groupKey: 'api' })).toEqual([]);
    expect((await all(f, { verdict: 'skipped' })).map((x) => x.verdict)).toEqual(['skipped']);
    expect(await listRecentDeliveries({ verdict: 'done' }, { store: f.counted.store, env: f.env })).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'verdict' }] } });
  });

  it('rewrites a retried delivery’s own line, and its filters follow the new outcome', async () => {
    const f = fixture();
    const ref = { eventId: 'evt-retried-1', groupKey: 'g', receivedAt: new Date(T0).toISOString(), source: 'alertmanager' as const };
    const deps = { store: f.counted.store, clock: { now: () => f.now }, env: f.env };
    await recordDelivery(ref, 4, { kind: 'failed', reason: 'Jira unavailable', problems: [] }, deps);
    f.now += DAY;
    await recordDelivery(ref, 0, { kind: 'applied', problems: [created('OPS-4')] }, deps);
    expect((await all(f, {})).map((x) => [x.eventId, x.outcome])).toEqual([['evt-retried-1', 'applied']]);
    expect(await all(f, { outcome: 'failed' })).toEqual([]);
    expect((await all(f, { issueKey: 'OPS-4' })).map((x) => x.eventId)).toEqual(['evt-retried-1']);
  });

  it('keeps lines for the retention period (30 days by default, configurable), counted from a line’s last write', async () => {
    const f = fixture();
    await record(f, 'old', { kind: 'applied', problems: [created('OPS-1')] });
    f.now += 1000;
    await record(f, 'repeating', { kind: 'applied', problems: [unchanged] });
    f.now += 29 * DAY;
    await record(f, 'repeating', { kind: 'applied', problems: [unchanged] });
    expect((await all(f, {})).map((d) => d.groupKey)).toEqual(['repeating', 'old']);
    f.now += 2 * DAY;
    expect((await all(f, {})).map((d) => [d.groupKey, d.count])).toEqual([['repeating', 2]]);
    expect((await all(f, { groupKey: 'repeating', outcome: 'applied' })).map((d) => d.count)).toEqual([2]);
    expect(await all(f, { groupKey: 'old' })).toEqual([]);
    expect(await all(f, { issueKey: 'OPS-1' })).toEqual([]);

    // Repeats every 3 days for 90 days: the filtered views find the line all along (index entries refreshed by folds).
    for (let day = 3; day <= 90; day += 3) {
      f.now += 3 * DAY;
      await record(f, 'repeating', { kind: 'applied', problems: [unchanged] });
      expect((await all(f, { groupKey: 'repeating' })).map((d) => d.count)).toEqual([2 + day / 3]);
      expect((await all(f, { source: 'alertmanager', outcome: 'applied' })).map((d) => d.groupKey)).toEqual(['repeating']);
    }
    f.now += 31 * DAY;
    expect(await all(f, {})).toEqual([]);
    expect(await all(f, { groupKey: 'repeating' })).toEqual([]);

    f.env = { [DELIVERY_LOG_RETENTION_ENV]: '2' };
    await record(f, 'short', { kind: 'applied', problems: [created('OPS-2')] });
    f.now += DAY;
    expect((await all(f, {})).map((d) => d.groupKey)).toContain('short');
    f.now += DAY + 1;
    expect((await all(f, {})).map((d) => d.groupKey)).not.toContain('short');
    expect((await list(f, {})).retentionDays).toBe(2);
    f.env = { [DELIVERY_LOG_RETENTION_ENV]: 'forever' };
    expect((await list(f, {})).retentionDays).toBe(30);
  });

  it('answers invalid-input, not an exception, for bad limits, unknown fields, bad filters and foreign cursors', async () => {
    const f = fixture();
    for (let i = 0; i < 3; i += 1) await record(f, `g${i}`, { kind: 'applied', problems: [created(`OPS-${i + 1}`)] });
    const refused = async (input: unknown, path: string) => {
      const page = await listRecentDeliveries(input, { store: f.counted.store, env: f.env });
      expect(page).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: expect.arrayContaining([expect.objectContaining({ path })]) }, items: [], nextCursor: null });
    };
    await refused({ limit: 1e9 }, 'limit');
    await refused({ limit: 0 }, 'limit');
    await refused({ limit: 2.5 }, 'limit');
    await refused({ outcome: 'exploded' }, 'outcome');
    await refused({ projectKey: 'ops' }, 'projectKey');
    await refused({ issueKey: 'OPS' }, 'issueKey');
    await refused({ projet: 'OPS' }, '(body)');
    await refused({ cursor: 'not a cursor' }, 'cursor');
    const byProject = await list(f, { projectKey: 'OPS', limit: 1 });
    await refused({ cursor: byProject.nextCursor }, 'cursor');
    const failed = await listFailedDeliveries({ limit: 1e9 }, { store: f.counted.store });
    expect(failed).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'limit' }] }, items: [] });
  });

  it('reads any page of a log of thousands of lines in a bounded number of KVS calls', async () => {
    const f = fixture();
    const LINES = 3000;
    const sources: EventSource[] = ['alertmanager', 'impact'];
    for (let i = 0; i < LINES; i += 1) {
      f.now = T0 + i * 1000;
      const project = i % 3 === 0 ? 'PM' : 'OPS';
      const outcome: DeliveryOutcome = i % 10 === 0 ? { kind: 'failed', reason: `Jira unavailable ${i}`, problems: [] } : { kind: 'applied', problems: [created(`${project}-${(i % 50) + 1}`)] };
      await record(f, `group-${i % 40}`, outcome, { source: sources[i % 2]!, projectKeys: [project] });
    }
    // Writing a line cost a bounded number of calls too: at most 3 reads, deletes of a rewritten line's old index entries, one batch write.
    expect(f.counted.calls.get('set')).toBe(LINES);
    expect(f.counted.calls.get('setMany')).toBe(LINES);
    expect(f.counted.calls.get('get')! / LINES).toBeLessThanOrEqual(3);

    const queries: { name: string; calls: number[] }[] = [];
    const walk = async (name: string, input: Record<string, unknown>, pages: number) => {
      const calls: number[] = [];
      let page = await measure(() => list(f, { ...input, limit: 20 }), calls);
      for (let i = 1; i < pages && page.nextCursor; i += 1) page = await measure(() => list(f, { ...input, limit: 20, cursor: page.nextCursor }), calls);
      // and back towards newer lines
      for (let i = 0; i < 3 && page.prevCursor; i += 1) page = await measure(() => list(f, { ...input, limit: 20, cursor: page.prevCursor }), calls);
      queries.push({ name, calls });
      return page;
    };
    const measure = async <T>(read: () => Promise<T>, calls: number[]): Promise<T> => {
      f.counted.reset();
      const result = await read();
      calls.push(f.counted.total());
      expect([...f.counted.calls.keys()].filter((k) => k !== 'listByPrefix' && k !== 'getMany')).toEqual([]);
      return result;
    };
    const first = await walk('all', {}, 10);
    expect(first.items).toHaveLength(20);
    await walk('failed', { outcome: 'failed' }, 10);
    await walk('impact', { source: 'impact' }, 10);
    await walk('PM', { projectKey: 'PM' }, 10);
    await walk('group', { groupKey: 'group-7' }, 3);
    await walk('issue', { issueKey: 'OPS-2' }, 3);
    await walk('combined', { projectKey: 'OPS', outcome: 'failed', source: 'alertmanager' }, 5);
    // Unfiltered: the query returns the lines. Filtered by an index: index query(ies) + one batch read of the
    // lines. Source (no index): a scan of the lines, at most MAX_SCAN_CALLS queries.
    for (const q of queries) {
      const bound = q.name === 'all' ? 1 : q.name === 'combined' ? MAX_SCAN_CALLS + 1 : q.name === 'impact' ? MAX_SCAN_CALLS : 2;
      expect({ name: q.name, withinBound: Math.max(...q.calls) <= bound, pages: q.calls.length }).toEqual({ name: q.name, withinBound: true, pages: expect.any(Number) });
    }
    // Single filters fill whole pages of newest-first matches.
    const failed = await list(f, { outcome: 'failed', limit: 20 });
    expect(failed.items).toHaveLength(20);
    expect(failed.items.every((d) => d.outcome === 'failed')).toBe(true);
    expect(failed.items.map((d) => d.receivedAt)).toEqual([...failed.items.map((d) => d.receivedAt)].sort().reverse());
    expect(failed.items[0]!.receivedAt).toBe(new Date(T0 + 2990 * 1000).toISOString());
    // A scanned filter pages through exactly its lines, newest first, whatever the pages' lengths.
    const impact = await all(f, { source: 'impact', limit: 20 });
    expect(impact).toHaveLength(LINES / 2);
    expect(impact.every((d) => d.source === 'impact')).toBe(true);
    expect(impact.map((d) => d.receivedAt)).toEqual([...impact.map((d) => d.receivedAt)].sort().reverse());
    expect((await all(f, { outcome: 'applied', source: 'alertmanager' })).length).toBe(Array.from({ length: LINES }, (_, i) => i).filter((i) => i % 2 === 0 && i % 10 !== 0).length);
  });

  it('writes few KVS keys per line: the line, its group entry, its projects and issues, and failed or rejected only', async () => {
    const f = fixture();
    // Forge counts KVS writes per key written, in a batch or not (FORGE-NOTES §4): count keys, not calls.
    let written = 0;
    const store: KeyValueStore = {
      ...f.memory,
      get: (k) => f.memory.get(k),
      getMany: (k) => f.memory.getMany(k),
      listByPrefix: (p, o) => f.memory.listByPrefix(p, o),
      set: (k, v, o) => ((written += 1), f.memory.set(k, v, o)),
      setMany: (e, o) => ((written += e.length), f.memory.setMany(e, o)),
      setIfAbsent: (k, v, o) => ((written += 1), f.memory.setIfAbsent(k, v, o)),
      delete: (k) => ((written += 1), f.memory.delete(k)),
    };
    const writes = async (groupKey: string, outcome: DeliveryOutcome, projectKeys?: string[], source: EventSource = 'alertmanager'): Promise<number> => {
      const before = written;
      seq += 1;
      f.now += 1000;
      const ref: DeliveryRef & { source: EventSource } = { eventId: `evt-w-${seq}`, groupKey, receivedAt: new Date(f.now).toISOString(), source, ...(projectKeys ? { projectKeys } : {}) };
      await recordDelivery(ref, 0, outcome, { store, clock: { now: () => f.now }, env: f.env });
      return written - before;
    };
    // A first fire: the line, its group, project and issue entries (was 7 with outcome, source and a group pointer).
    expect(await writes('g1', { kind: 'applied', problems: [created('OPS-1')] }, ['OPS'])).toBe(4);
    // A growing group: the same.
    expect(await writes('g1', { kind: 'applied', problems: [commented('OPS-1')] }, ['OPS'])).toBe(4);
    // The first "nothing changed" is a line of its own (no issue named: line, group, project); its repeats fold: the line only.
    expect(await writes('g1', { kind: 'applied', problems: [unchanged] }, ['OPS'])).toBe(3);
    expect(await writes('g1', { kind: 'applied', problems: [unchanged] }, ['OPS'])).toBe(1);
    expect(await writes('g1', { kind: 'applied', problems: [unchanged] }, ['OPS'])).toBe(1);
    // Failed is filed under its outcome (people look for it); recorded and incident lines are not.
    expect(await writes('g2', { kind: 'failed', reason: 'Jira unavailable', problems: [] }, ['PM'])).toBe(4);
    expect(await writes('g3', { kind: 'recorded' })).toBe(2);
    expect(await writes('inc-1', { kind: 'incident', incidentId: 'inc-1', summary: 'created OPS-2' }, ['OPS'], 'impact')).toBe(3);
    // The documented bound: line + group + outcome + 5 projects + 10 issues.
    const many = Array.from({ length: 12 }, (_, i) => created(`P${i}-1`));
    expect(await writes('g4', { kind: 'failed', reason: 'partial', problems: many })).toBe(18);
    // Every filter still finds them.
    expect((await all(f, { outcome: 'failed' })).map((d) => d.groupKey)).toEqual(['g4', 'g2']);
    expect((await all(f, { source: 'impact' })).map((d) => d.groupKey)).toEqual(['inc-1']);
    expect((await all(f, { outcome: 'recorded' })).map((d) => d.groupKey)).toEqual(['g3']);
    expect((await all(f, { groupKey: 'g1' })).map((d) => d.count)).toEqual([3, 1, 1]);
    expect((await all(f, { issueKey: 'OPS-1', outcome: 'applied' })).length).toBe(2);
  });
});

describe('failed deliveries', () => {
  it('lists newest first, pages both ways, and still lists (after them) records of the layout before', async () => {
    const f = fixture();
    const deps = { store: f.counted.store, clock: { now: () => f.now } };
    for (let i = 0; i < 25; i += 1) {
      const at = T0 + i * 1000;
      await recordFailedDelivery({ eventId: `evt-fail-${String(i).padStart(4, '0')}`, groupKey: 'g', receivedAt: new Date(at).toISOString(), requeue: { resync: { incidentId: 'inc-1', requestId: `req-${String(i).padStart(8, '0')}`, requestedAt: at } } }, 4, 'unavailable', 'Jira unavailable', deps);
    }
    // Written before failed deliveries were newest first: `failed:<ms>:<eventId>`.
    await f.memory.set(`failed:${T0 - 5000}:evt-legacy-1`, { eventId: 'evt-legacy-1', groupKey: 'g', receivedAt: new Date(T0 - 5000).toISOString(), failedAt: new Date(T0).toISOString(), attempts: 5, failureKind: 'rejected', reason: 'old', resync: { incidentId: 'inc-1', requestId: 'req-legacy-1', requestedAt: T0 - 5000 } });
    f.counted.reset();
    const p1 = await listFailedDeliveries({ limit: 20 }, deps);
    expect(f.counted.total()).toBe(1);
    if (!p1.ok) throw new Error('refused');
    expect(p1.items.map((x) => x.eventId)).toEqual(Array.from({ length: 20 }, (_, i) => `evt-fail-${String(24 - i).padStart(4, '0')}`));
    const p2 = await listFailedDeliveries({ limit: 20, cursor: p1.nextCursor }, deps);
    if (!p2.ok) throw new Error('refused');
    expect(p2.items.map((x) => x.eventId)).toEqual(['evt-fail-0004', 'evt-fail-0003', 'evt-fail-0002', 'evt-fail-0001', 'evt-fail-0000', 'evt-legacy-1']);
    expect(p2.items[5]!.key).toBe(`failed:${T0 - 5000}:evt-legacy-1`);
    expect(p2.nextCursor).toBeNull();
    const back = await listFailedDeliveries({ limit: 20, cursor: p2.prevCursor }, deps);
    expect(back.items.map((x) => x.eventId)).toEqual(p1.items.map((x) => x.eventId));
  });
});
