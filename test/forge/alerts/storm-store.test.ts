/**
 * The storm guard's window counter under concurrent consumers: compare-and-set on KVS (claim keys with
 * FAIL_IF_EXISTS), so however admissions interleave, no more than maxNewIssues problems get their own issue,
 * every problem is counted once, and a duplicate delivery gets the verdict of the first.
 */
import { admitToWindow, markRolledInWindow, stormWindowKey } from '../../../src/forge/alerts/storm-store';
import { RecordConflictError } from '../../../src/forge/incidents/record-cas';
import { problemKey, stormShortId, stormWindowOf, stormWindowSchema, type Admission } from '../../../src/forge/domain/alerts';
import { InMemoryStore } from '../../support/in-memory-store';
import { mulberry32 } from '../../../src/sandbox/shared/seeded-random';

const guard = { maxNewIssues: 50, windowMinutes: 60 };
const ref = stormWindowOf('r1', guard, '2026-12-06T10:15:00Z');
const keyOf = (i: number): string => problemKey({ grouping: 'group', source: `r1\u0000svc-${i}` });

/** As the queue does with a busy delivery: try again until it lands. */
async function admit(store: InMemoryStore, key: string): Promise<Admission> {
  for (;;) {
    try {
      return await admitToWindow(store, ref, key, guard);
    } catch (e) {
      if (!(e instanceof RecordConflictError)) throw e;
    }
  }
}

describe('storm window counter in KVS', () => {
  it('61 concurrent new problems, each delivered twice: exactly 50 own issues and 11 rolled, duplicates agree', async () => {
    const store = new InMemoryStore();
    const keys = Array.from({ length: 61 }, (_, i) => keyOf(i));
    const verdicts = await Promise.all([...keys, ...keys.slice().reverse()].map((k) => admit(store, k).then((a) => [k, a] as const)));
    const byKey = new Map<string, Set<Admission>>();
    for (const [k, a] of verdicts) byKey.set(k, (byKey.get(k) ?? new Set()).add(a));
    expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
    const window = stormWindowSchema.parse(await store.get(stormWindowKey(ref)));
    expect(window.admitted).toHaveLength(50);
    expect(Object.keys(window.rolled)).toHaveLength(11);
    expect(new Set([...window.admitted, ...Object.keys(window.rolled)]).size).toBe(61);
    expect(verdicts.filter(([, a]) => a === 'own-issue')).toHaveLength(100);
  });

  it('a retry of a counted problem writes nothing', async () => {
    const store = new InMemoryStore();
    await admit(store, keyOf(1));
    const before = JSON.stringify(await store.get(stormWindowKey(ref)));
    expect(await admit(store, keyOf(1))).toBe('own-issue');
    expect(JSON.stringify(await store.get(stormWindowKey(ref)))).toBe(before);
  });

  it('the storm is over once, when its last rolled problem resolves', async () => {
    const store = new InMemoryStore();
    for (let i = 0; i < 52; i++) await admit(store, keyOf(i));
    expect(Object.keys(stormWindowSchema.parse(await store.get(stormWindowKey(ref))).rolled)).toEqual([stormShortId(keyOf(50)), stormShortId(keyOf(51))]);
    expect(await markRolledInWindow(store, ref, keyOf(50), false)).toEqual({ allResolved: false, rolledCount: 2 });
    expect(await markRolledInWindow(store, ref, keyOf(51), false)).toEqual({ allResolved: true, rolledCount: 2 });
    expect(await markRolledInWindow(store, ref, keyOf(51), false)).toEqual({ allResolved: false, rolledCount: 2 });
  });

  it('51 concurrent consumers, ONE call each (no retry loop): every admission lands, 50 own issues and 1 rolled', async () => {
    // A consumer that loses every round answers busy and the queue retries it seconds later, at most 4 times: the
    // window must not make losers of concurrent admissions by spinning (each loser pauses, jittered, seeded here).
    const store = new InMemoryStore();
    const options = { random: mulberry32(42) };
    const keys = Array.from({ length: 51 }, (_, i) => keyOf(i));
    const verdicts = await Promise.allSettled(keys.map((k) => admitToWindow(store, ref, k, guard, options)));
    const conflicts = verdicts.filter((v) => v.status === 'rejected');
    expect(conflicts).toHaveLength(0);
    const window = stormWindowSchema.parse(await store.get(stormWindowKey(ref)));
    expect(window.admitted).toHaveLength(50);
    expect(Object.keys(window.rolled)).toHaveLength(1);
  });

  it('a KVS error between the claim and the write gives the claim back: the next admission is not stuck behind it', async () => {
    // A 429 from KVS in a storm, after this writer took the claim of the next revision: kept, that claim would
    // stop every writer of the window until its TTL (60 s), so each new problem of the rule would answer busy.
    class RateLimitedOnce extends InMemoryStore {
      failNextWindowWrite = true;
      override async set<T>(key: string, value: T, options?: { ttlSeconds?: number }): Promise<void> {
        if (this.failNextWindowWrite && key === stormWindowKey(ref)) {
          this.failNextWindowWrite = false;
          throw new Error('The KVS rate limit for this installation was exceeded');
        }
        return super.set(key, value, options);
      }
    }
    const store = new RateLimitedOnce();
    const options = { random: mulberry32(7) };
    await expect(admitToWindow(store, ref, keyOf(0), guard, options)).rejects.toThrow('rate limit');
    expect(await admitToWindow(store, ref, keyOf(1), guard, options)).toBe('own-issue');
    // The failed delivery's retry is counted as it would have been.
    expect(await admitToWindow(store, ref, keyOf(0), guard, options)).toBe('own-issue');
    expect(stormWindowSchema.parse(await store.get(stormWindowKey(ref))).admitted).toEqual([stormShortId(keyOf(1)), stormShortId(keyOf(0))]);
  });
});
