import { CLAIM_TTL_SECONDS, recordClaimKey, RecordConflictError, updateWithCas } from '../../../src/forge/incidents/record-cas';
import { InMemoryStore } from '../../support/in-memory-store';

interface Rec {
  readonly rev?: number;
  readonly link: string | null;
  readonly keys: readonly string[];
}
const EMPTY: Rec = { link: null, keys: [] };

describe('compare-and-set of incident records', () => {
  it('numbers revisions and writes the changed value', async () => {
    const store = new InMemoryStore();
    await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'OPS-1' }));
    const second = await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, keys: [...r.keys, 'a'] }));
    expect(second).toEqual({ link: 'OPS-1', keys: ['a'], rev: 2 });
    expect(await store.get('incident:INC-1')).toEqual(second);
  });

  it('two writers racing on the same revision both land: the loser re-applies its change to the winner’s value', async () => {
    const store = new InMemoryStore();
    await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => r);
    // Interleave: both read rev 1 before either claims.
    const reads: Promise<void>[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowGet = store.get.bind(store);
    let calls = 0;
    store.get = async <T,>(key: string) => {
      const value = await slowGet<T>(key);
      if (++calls <= 2) {
        reads.push(Promise.resolve());
        if (calls === 2) release();
        await gate;
      }
      return value;
    };
    await Promise.all([
      updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'PM-7' })),
      updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, keys: [...r.keys, 'bounce'] })),
    ]);
    expect(await slowGet('incident:INC-1')).toEqual({ link: 'PM-7', keys: ['bounce'], rev: 3 });
  });

  it('a claim left by a writer that died expires, and an old claim never writes over a newer record', async () => {
    let now = 0;
    const store = new InMemoryStore(() => now);
    await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => r);
    await store.setIfAbsent(recordClaimKey('incident:INC-1', 2), { claimedAt: 2 }, { ttlSeconds: CLAIM_TTL_SECONDS });
    await expect(updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'x' }), { attempts: 2 })).rejects.toBeInstanceOf(RecordConflictError);
    now += CLAIM_TTL_SECONDS * 1000;
    expect(await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'x' }))).toMatchObject({ link: 'x', rev: 2 });
  });

  it('reads a record written before compare-and-set as rev 0', async () => {
    const store = new InMemoryStore();
    await store.set('incident:INC-1', { link: 'OPS-1', keys: [] });
    expect(await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => r)).toEqual({ link: 'OPS-1', keys: [], rev: 1 });
  });
});
