/**
 * The storm guard's window counter under concurrent consumers: compare-and-set on KVS (claim keys with
 * FAIL_IF_EXISTS), so however admissions interleave, no more than maxNewIssues problems get their own issue,
 * every problem is counted once, and a duplicate delivery gets the verdict of the first.
 */
import { admitToWindow, markRolledInWindow, stormWindowKey } from '../../../src/forge/alerts/storm-store';
import { RecordConflictError } from '../../../src/forge/incidents/record-cas';
import { problemKey, stormShortId, stormWindowOf, stormWindowSchema, type Admission } from '../../../src/forge/domain/alerts';
import { InMemoryStore } from '../../support/in-memory-store';

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
});
