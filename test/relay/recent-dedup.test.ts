import fc from 'fast-check';
import { hashKey, RecentDedupIndex, type RecentDedupRow } from '../../src/relay/outbox/recent-dedup';
import { T0 } from './helpers';

/**
 * `recent_dedup` as sqlite-store.ts uses it, in memory: rows keyed by `n`, a new row numbered like SQLite numbers an
 * INTEGER PRIMARY KEY without AUTOINCREMENT (max(n) + 1, so 1 again once the table is empty), and transactions that
 * first delete `n <= rowsToForget()` then append, and either commit or roll back.
 */
class Table {
  private byN = new Map<number, RecentDedupRow>();
  private maxN = 0;
  readonly readRow = (n: number): RecentDedupRow | undefined => this.byN.get(n);

  get size(): number {
    return this.byN.size;
  }

  get(n: number): RecentDedupRow | undefined {
    return this.byN.get(n);
  }

  /** Appends a row numbered as SQLite would; returns its number. */
  append(row: Omit<RecentDedupRow, 'n'>): number {
    const n = this.maxN + 1;
    this.put({ ...row, n });
    return n;
  }

  put(row: RecentDedupRow): void {
    this.byN.set(row.n, row);
    this.maxN = Math.max(this.maxN, row.n);
  }

  deleteUpTo(upTo: number): void {
    for (const n of [...this.byN.keys()]) if (n <= upTo) this.byN.delete(n);
    this.maxN = Math.max(0, ...this.byN.keys());
  }

  snapshot(): () => void {
    const rows = new Map(this.byN);
    const maxN = this.maxN;
    return () => {
      this.byN = rows;
      this.maxN = maxN;
    };
  }

  rows(): RecentDedupRow[] {
    return [...this.byN.values()].sort((a, b) => a.n - b.n);
  }

  /** Row numbers in table order. */
  numbers(): number[] {
    return this.rows().map((r) => r.n);
  }
}

interface Accept {
  readonly source: string;
  readonly key: string;
  readonly nowMs: number;
  readonly windowMs: number;
}

/** One accept batch or prune as sqlite-store.ts runs it against the table and the index. */
class Store {
  readonly table = new Table();
  readonly index: RecentDedupIndex;
  private ids = 0;

  constructor(rows: readonly RecentDedupRow[] = []) {
    for (const row of rows) this.table.put(row);
    this.index = new RecentDedupIndex(this.table.readRow, rows);
  }

  /** Accepts each in one transaction; returns each event's id and whether it was a duplicate. */
  acceptAll(events: readonly Accept[], outcome: 'commit' | 'rollback' = 'commit'): { id: string; duplicate: boolean }[] {
    const results = this.transaction(this.index.rowsToForget(), outcome, () =>
      events.map(({ source, key, nowMs, windowMs }) => {
        const seen = this.index.lookup(source, key, nowMs);
        if (seen !== undefined) return { id: seen, duplicate: true };
        this.ids += 1;
        const id = `e${this.ids}`;
        const n = this.table.append({ source, key, eventId: id, expiresMs: nowMs + windowMs });
        this.index.stage(n, source, key, id, nowMs + windowMs);
        return { id, duplicate: false };
      }),
    );
    if (outcome === 'commit') this.index.expire(Math.max(0, ...events.map((e) => e.nowMs)));
    return results;
  }

  /** `pruneDedup`: returns how many keys the index forgot. */
  prune(nowMs: number, outcome: 'commit' | 'rollback' = 'commit'): number {
    const forgotten = this.index.expire(nowMs);
    this.transaction(this.index.rowsToForget(true), outcome, () => undefined);
    return forgotten;
  }

  private transaction<T>(forgetUpTo: number, outcome: 'commit' | 'rollback', work: () => T): T {
    const restore = this.table.snapshot();
    if (forgetUpTo > 0) this.table.deleteUpTo(forgetUpTo);
    const result = work();
    if (outcome === 'commit') {
      this.index.commit();
    } else {
      restore();
      this.index.rollback();
    }
    return result;
  }
}

const WINDOW = 10_000;
const am = (key: string, nowMs = T0, windowMs = WINDOW): Accept => ({ source: 'alertmanager', key, nowMs, windowMs });

describe('RecentDedupIndex', () => {
  it.each([
    ['just accepted', 0, true],
    ['one ms before the window ends', WINDOW - 1, true],
    ['when the window ends', WINDOW, false],
    ['long after', 10 * WINDOW, false],
  ])('answers a lookup %s (+%i ms): held = %s', (_name, after, held) => {
    const store = new Store();
    const [first] = store.acceptAll([am('k')]);
    expect(store.index.lookup('alertmanager', 'k', T0 + after)).toBe(held ? first?.id : undefined);
    // The same key of another source, or another key, is never held.
    expect(store.index.lookup('impact', 'k', T0 + after)).toBeUndefined();
    expect(store.index.lookup('alertmanager', 'k2', T0 + after)).toBeUndefined();
  });

  it('sees keys staged by the transaction in flight, and forgets them (and their rows) when it rolls back', () => {
    const store = new Store();
    const { index, table } = store;
    index.stage(1, 'alertmanager', 'k', 'e1', T0 + WINDOW);
    const restore = table.snapshot();
    table.append({ source: 'alertmanager', key: 'k', eventId: 'e1', expiresMs: T0 + WINDOW });
    expect(index.lookup('alertmanager', 'k', T0)).toBe('e1');
    expect(index.size).toBe(0);
    restore();
    index.rollback();
    expect(index.lookup('alertmanager', 'k', T0)).toBeUndefined();
    expect(index.size).toBe(0);

    // Through the store: a duplicate inside the rolled-back batch was answered, and afterwards nothing is held.
    expect(store.acceptAll([am('x'), am('x')], 'rollback').map((r) => r.duplicate)).toEqual([false, true]);
    expect(index.lookup('alertmanager', 'x', T0)).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('holds committed keys, and a rolled-back batch after them changes nothing', () => {
    const store = new Store();
    const [a] = store.acceptAll([am('a')]);
    expect(store.index.size).toBe(1);
    expect(store.acceptAll([am('a', T0 + 1), am('b', T0 + 1)], 'rollback')).toEqual([
      { id: a?.id, duplicate: true },
      { id: expect.any(String), duplicate: false },
    ]);
    expect(store.index.lookup('alertmanager', 'a', T0 + 2)).toBe(a?.id);
    expect(store.index.lookup('alertmanager', 'b', T0 + 2)).toBeUndefined();
    expect(store.index.size).toBe(1);
  });

  it('keeps only the newest row of a key accepted again after its window, and expire counts keys, not rows', () => {
    const store = new Store();
    const [first] = store.acceptAll([am('k', T0)]);
    // The accept at the end of the window already expires the first row: that does not count, the key is held anew.
    const [second] = store.acceptAll([am('k', T0 + WINDOW)]);
    expect(second?.duplicate).toBe(false);
    expect(second?.id).not.toBe(first?.id);
    expect(store.index.lookup('alertmanager', 'k', T0 + WINDOW + 1)).toBe(second?.id);
    expect(store.table.size).toBe(2);
    expect(store.index.size).toBe(1);
    // Nothing more expires until the newer row's window has ended; then one key goes, though two rows did.
    expect(store.index.expire(T0 + 2 * WINDOW - 1)).toBe(0);
    expect(store.index.expire(T0 + 2 * WINDOW)).toBe(1);
    expect(store.index.size).toBe(0);
    expect(store.index.lookup('alertmanager', 'k', T0 + 2 * WINDOW)).toBeUndefined();
  });

  it('counts each key once in expire when many expire together', () => {
    const store = new Store();
    store.acceptAll(['a', 'b', 'c'].map((k) => am(k)));
    store.acceptAll([am('d', T0 + 5)]);
    expect(store.index.expire(T0 + WINDOW + 4)).toBe(3);
    expect(store.index.expire(T0 + WINDOW + 4)).toBe(0);
    expect(store.index.expire(T0 + WINDOW + 5)).toBe(1);
  });

  it('hands expired rows to a transaction in runs of 256, or all of them when forced; a rollback hands them again', () => {
    const store = new Store();
    const { index } = store;
    store.acceptAll(Array.from({ length: 255 }, (_, i) => am(`a${i}`)));
    store.acceptAll([am('later', T0 + 1)]);
    expect(index.rowsToForget()).toBe(0);
    expect(index.expire(T0 + WINDOW)).toBe(255);
    // 255 expired rows (1..255) are not a run yet; forced, they are.
    expect(index.rowsToForget()).toBe(0);
    index.rollback();
    expect(index.rowsToForget(true)).toBe(255);
    index.rollback();
    // The 256th expired row makes a run.
    expect(index.expire(T0 + WINDOW + 1)).toBe(1);
    expect(index.rowsToForget()).toBe(256);
    index.rollback();
    expect(index.rowsToForget()).toBe(256);
    index.commit();
    // Deleted: nothing is due any more, forced or not.
    expect(index.rowsToForget()).toBe(0);
    expect(index.rowsToForget(true)).toBe(0);
  });

  it('deletes expired rows from the table through accepts (in runs) and through prune (all of them)', () => {
    const store = new Store();
    store.acceptAll(Array.from({ length: 300 }, (_, i) => am(`a${i}`, T0)));
    // Accepts after the window: the first one's transaction still has nothing due (expire runs after commit).
    store.acceptAll([am('b0', T0 + WINDOW)]);
    expect(store.table.size).toBe(301);
    store.acceptAll([am('b1', T0 + WINDOW + 1)]);
    expect(store.table.numbers()).toEqual([301, 302]);
    expect(store.prune(T0 + 3 * WINDOW)).toBe(2);
    expect(store.table.size).toBe(0);
    expect(store.index.size).toBe(0);
  });

  it('keeps deleting expired rows after the table was emptied and SQLite numbers rows from 1 again', () => {
    const store = new Store();
    store.acceptAll(Array.from({ length: 300 }, (_, i) => am(`a${i}`, T0)));
    store.prune(T0 + 2 * WINDOW);
    expect(store.table.size).toBe(0);
    // max(n) + 1 of an empty table: the next rows are 1, 2, …, numbers the index already counted as deleted.
    store.acceptAll(Array.from({ length: 300 }, (_, i) => am(`b${i}`, T0 + 3 * WINDOW)));
    expect(store.table.numbers()[0]).toBe(1);
    expect(store.index.lookup('alertmanager', 'b7', T0 + 3 * WINDOW)).toBeDefined();
    expect(store.prune(T0 + 5 * WINDOW)).toBe(300);
    expect(store.table.size).toBe(0);
    // And in runs, through accepts alone.
    store.acceptAll(Array.from({ length: 300 }, (_, i) => am(`c${i}`, T0 + 6 * WINDOW)));
    store.acceptAll([am('d0', T0 + 7 * WINDOW)]);
    store.acceptAll([am('d1', T0 + 7 * WINDOW + 1)]);
    expect(store.table.size).toBe(2);
  });

  it('answers the same before and after compacting its expiry order (more than 4096 expiries)', () => {
    const store = new Store();
    // 6,000 keys accepted 1 ms apart, in batches of 100.
    for (let b = 0; b < 60; b++) store.acceptAll(Array.from({ length: 100 }, (_, i) => am(`k${b * 100 + i}`, T0 + b * 100 + i)));
    expect(store.index.size).toBe(6000);
    // Key i expires at T0 + i + WINDOW: expire 4,500 one run at a time, crossing the compaction point.
    let forgotten = 0;
    for (let i = 0; i < 4500; i += 500) forgotten += store.prune(T0 + WINDOW + i + 499);
    expect(forgotten).toBe(4500);
    expect(store.index.size).toBe(1500);
    expect(store.table.numbers()[0]).toBe(4501);
    for (let i = 4490; i < 4510; i++) {
      const held = store.index.lookup('alertmanager', `k${i}`, T0 + WINDOW + 4499);
      if (i < 4500) expect(held).toBeUndefined();
      else expect(held).toBe(store.table.get(i + 1)?.eventId);
    }
    // New keys after the compaction are held and expire in order with the rest.
    store.acceptAll([am('late', T0 + WINDOW + 4499)]);
    expect(store.prune(T0 + WINDOW + 5999)).toBe(1500);
    expect(store.index.lookup('alertmanager', 'late', T0 + WINDOW + 5999)).toBeDefined();
    expect(store.prune(T0 + 2 * WINDOW + 4499)).toBe(1);
    expect(store.index.size).toBe(0);
    expect(store.table.size).toBe(0);
  });

  it('is rebuilt from the table (a reopen) and answers as before', () => {
    const store = new Store();
    const results = store.acceptAll(['a', 'b', 'c'].map((k, i) => am(k, T0 + i)));
    store.acceptAll([am('a', T0 + WINDOW)]); // a's first row expired: a is held by a second row now
    const reopened = new Store([...store.table.rows()]);
    expect(reopened.index.size).toBe(3);
    expect(reopened.index.lookup('alertmanager', 'a', T0 + WINDOW + 2)).toBe(store.index.lookup('alertmanager', 'a', T0 + WINDOW + 2));
    expect(reopened.index.lookup('alertmanager', 'b', T0 + WINDOW)).toBe(results[1]?.id);
    expect(reopened.index.lookup('alertmanager', 'c', T0 + WINDOW + 2)).toBeUndefined();
    // The expired row read back is deleted by the next forced prune.
    expect(reopened.prune(T0 + WINDOW + 2)).toBe(2);
    expect(reopened.table.size).toBe(1);
  });
});

/** The reference: key → the event that holds it and until when. */
type Model = Map<string, { readonly id: string; readonly expiresMs: number }>;

type Step =
  | { readonly kind: 'accept'; readonly events: readonly { readonly source: 'alertmanager' | 'impact'; readonly key: string }[]; readonly advanceMs: number; readonly outcome: 'commit' | 'rollback' }
  | { readonly kind: 'prune'; readonly advanceMs: number; readonly outcome: 'commit' | 'rollback' };

/** Every key of one source has the same window (as in the relay); they differ between sources. */
const WINDOWS = { alertmanager: 10, impact: 25 } as const;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      events: fc.array(fc.record({ source: fc.constantFrom('alertmanager' as const, 'impact' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }), { minLength: 1, maxLength: 4 }),
      advanceMs: fc.integer({ min: 0, max: 8 }),
      outcome: fc.constantFrom('commit' as const, 'commit' as const, 'commit' as const, 'rollback' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('prune' as const),
      advanceMs: fc.integer({ min: 0, max: 30 }),
      outcome: fc.constantFrom('commit' as const, 'rollback' as const),
    }),
  },
);

describe('RecentDedupIndex against a reference model', () => {
  it('answers every accept as a Map of key → {id, expires} would, through commits, rollbacks and prunes', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 120 }), (steps) => {
        const store = new Store();
        let model: Model = new Map();
        let nowMs = T0;
        for (const step of steps) {
          // A clock that does not step backwards (the index documents what a backwards step costs).
          nowMs += step.advanceMs;
          if (step.kind === 'prune') {
            store.prune(nowMs, step.outcome);
            if (step.outcome === 'commit') {
              // Every expired row before the first live one (in table order) is gone.
              const first = store.table.numbers()[0];
              if (first !== undefined) expect(store.table.get(first)?.expiresMs).toBeGreaterThan(nowMs);
            }
          } else {
            const tentative: Model = new Map(model);
            const expected = step.events.map(({ source, key }) => {
              const held = tentative.get(`${source} ${key}`);
              if (held !== undefined && held.expiresMs > nowMs) return { id: held.id, duplicate: true };
              return { id: undefined, duplicate: false };
            });
            const actual = store.acceptAll(step.events.map(({ source, key }) => ({ source, key, nowMs, windowMs: WINDOWS[source] })), step.outcome);
            step.events.forEach(({ source, key }, i) => {
              const want = expected[i];
              const got = actual[i];
              // A duplicate inside the batch is answered with the id given earlier in the same batch.
              const earlier = step.events.slice(0, i).findIndex((e) => e.source === source && e.key === key);
              if (want?.duplicate) expect(got).toEqual(want);
              else if (earlier >= 0 && !actual[earlier]?.duplicate) expect(got).toEqual({ id: actual[earlier]?.id, duplicate: true });
              else {
                expect(got?.duplicate).toBe(false);
                tentative.set(`${source} ${key}`, { id: got?.id ?? '', expiresMs: nowMs + WINDOWS[source] });
              }
            });
            if (step.outcome === 'commit') model = tentative;
          }
          // Between transactions, lookups agree with the model for every key.
          for (const source of ['alertmanager', 'impact'] as const) {
            for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
              const held = model.get(`${source} ${key}`);
              expect(store.index.lookup(source, key, nowMs)).toBe(held !== undefined && held.expiresMs > nowMs ? held.id : undefined);
            }
          }
          // The table never lost a row a held key needs, and the index holds no more keys than there are rows.
          expect(store.index.size).toBeLessThanOrEqual(store.table.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('hashKey', () => {
  it('is a deterministic non-negative safe integer below 2^52', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (source, key) => {
        const h = hashKey(source, key);
        expect(Number.isSafeInteger(h)).toBe(true);
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThan(2 ** 52);
        expect(hashKey(source, key)).toBe(h);
      }),
    );
  });

  it('differs for different source/key pairs in a sample', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom('alertmanager', 'impact'), fc.oneof(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')))), {
          minLength: 2,
          maxLength: 200,
          selector: ([s, k]) => `${s}\u0000${k}`,
        }),
        (pairs) => {
          expect(new Set(pairs.map(([s, k]) => hashKey(s, k))).size).toBe(pairs.length);
        },
      ),
    );
    // Near misses: one character apart, the same text split differently between source and key.
    expect(hashKey('alertmanager', 'abc')).not.toBe(hashKey('alertmanager', 'abd'));
    expect(hashKey('alertmanager', 'abc')).not.toBe(hashKey('impact', 'abc'));
    expect(hashKey('alertmanager', 'x y')).not.toBe(hashKey('alertmanager x', 'y'));
  });
});
