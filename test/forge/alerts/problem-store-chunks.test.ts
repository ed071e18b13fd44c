/**
 * A problem record over KVS's 240 KiB per value (a group of thousands of alerts) is stored as a head plus
 * chunks: every stored value stays under the limit, the record reads back whole, and a crash between the
 * chunk writes and the head swap leaves the previous record readable (the event then runs again).
 */
import { InMemoryStore } from '../../support/in-memory-store';
import { cutForKvs, deleteProblem, loadProblems, RECORD_INLINE_MAX_BYTES, saveProblem, type ProblemRecord } from '../../../src/forge/alerts/problem-store';
import { KVS_VALUE_MAX_BYTES, StorageKeys } from '../../../src/forge/constants';

function record(alerts: number, status: 'firing' | 'resolved' = 'firing'): ProblemRecord {
  const state: ProblemRecord['state'] = {
    version: 1,
    problemKey: 'am:grp:big',
    issue: { key: 'OPS-1', statusCategory: 'new' },
    previousIssueKeys: [],
    alerts: Object.fromEntries(Array.from({ length: alerts }, (_, i) => [`fp-${i.toString(16).padStart(16, '0')}`, { status, startsAt: '2026-11-23T06:14:47Z', endsAt: '0001-01-01T00:00:00Z' }])),
    firstSeen: '2026-11-23T06:14:47Z',
    updatedAt: '2026-11-23T06:14:47Z',
  };
  const links: NonNullable<ProblemRecord['links']> = {
    externalURL: 'http://am.example.com',
    receiver: 'jira',
    groupLabels: { alertname: 'HighErrorRate' },
    alerts: Object.fromEntries(Object.keys(state.alerts).map((fp, i) => [fp, { labels: { alertname: 'HighErrorRate', instance: `checkout-${i}:8080`, note: 'é"\\' }, generatorURL: `http://prometheus.example.com/graph?g0.expr=rate%28errors%5B5m%5D%29&i=${i}` }])),
  };
  return { version: 1, state, issueId: '10001', links };
}

class CrashingStore extends InMemoryStore {
  crashOnHead = false;
  override async set<T>(key: string, value: T, options?: { ttlSeconds?: number }) {
    if (this.crashOnHead && key === StorageKeys.problem('am:grp:big')) throw new Error('invocation killed');
    await super.set(key, value, options);
  }
}

const sizeOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

it('keeps a small record as one value, as before', async () => {
  const store = new InMemoryStore();
  await saveProblem(store, record(3));
  expect([...store.values.keys()]).toEqual([StorageKeys.problem('am:grp:big')]);
  expect((await loadProblems(store, ['am:grp:big'])).get('am:grp:big')?.record).toEqual(record(3));
});

it('stores a 2,000-alert record as chunks under the KVS value limit and reads it back whole', async () => {
  const store = new InMemoryStore();
  const big = record(2000);
  expect(sizeOf(big)).toBeGreaterThan(KVS_VALUE_MAX_BYTES);
  await saveProblem(store, big);
  for (const [, entry] of store.values) expect(sizeOf(entry.value)).toBeLessThanOrEqual(RECORD_INLINE_MAX_BYTES);
  expect(store.values.size).toBeGreaterThan(2);
  expect((await loadProblems(store, ['am:grp:big'])).get('am:grp:big')?.record).toEqual(big);

  // A new generation replaces the old one's chunks; deleting leaves nothing behind.
  await saveProblem(store, record(2000, 'resolved'));
  expect((await loadProblems(store, ['am:grp:big'])).get('am:grp:big')?.record).toEqual(record(2000, 'resolved'));
  const keys = [...store.values.keys()];
  expect(new Set(keys.filter((k) => k.startsWith('problem-chunk:')).map((k) => k.split(':').at(-2))).size).toBe(1);
  await saveProblem(store, record(3));
  expect([...store.values.keys()]).toEqual([StorageKeys.problem('am:grp:big')]);
  await saveProblem(store, big);
  await deleteProblem(store, 'am:grp:big');
  expect(store.values.size).toBe(0);
});

it('a crash after the chunks are written but before the head swap leaves the previous record', async () => {
  const store = new CrashingStore();
  await saveProblem(store, record(2000));
  store.crashOnHead = true;
  await expect(saveProblem(store, record(2000, 'resolved'))).rejects.toThrow('invocation killed');
  expect((await loadProblems(store, ['am:grp:big'])).get('am:grp:big')?.record).toEqual(record(2000));
  store.crashOnHead = false;
  await saveProblem(store, record(2000, 'resolved'));
  expect((await loadProblems(store, ['am:grp:big'])).get('am:grp:big')?.record).toEqual(record(2000, 'resolved'));
});

it('a head whose chunk is gone is an error, never "no record" (which would create a duplicate issue)', async () => {
  const store = new InMemoryStore();
  await saveProblem(store, record(2000));
  const chunk = [...store.values.keys()].find((k) => k.startsWith('problem-chunk:'))!;
  await store.delete(chunk);
  await expect(loadProblems(store, ['am:grp:big'])).rejects.toThrow(/chunk .* is missing/);
});

it('cuts any string into pieces whose JSON encoding fits, without splitting a surrogate pair', () => {
  const text = '"\\\u0001é😀'.repeat(60_000);
  const pieces = cutForKvs(text);
  expect(pieces.join('')).toBe(text);
  for (const p of pieces) {
    expect(sizeOf(p)).toBeLessThanOrEqual(RECORD_INLINE_MAX_BYTES);
    const last = p.charCodeAt(p.length - 1);
    expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
  }
});
