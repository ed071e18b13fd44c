import { CLAIM_TTL_SECONDS, recordClaimKey, RecordConflictError, updateWithCas } from '../../../src/forge/incidents/record-cas';
import { InMemoryStore } from '../../support/in-memory-store';
import { mulberry32 } from '../../../src/sandbox/shared/seeded-random';

/** Counts every KVS call the compare-and-set makes (each one is a request against Forge's per-second quota). */
class CountingStore extends InMemoryStore {
  calls = 0;
  override async get<T>(key: string) {
    this.calls += 1;
    return super.get<T>(key);
  }
  override async setIfAbsent<T>(key: string, value: T, options?: { ttlSeconds?: number }) {
    this.calls += 1;
    return super.setIfAbsent(key, value, options);
  }
  override async set<T>(key: string, value: T, options?: { ttlSeconds?: number }) {
    this.calls += 1;
    return super.set(key, value, options);
  }
  override async delete(key: string) {
    this.calls += 1;
    return super.delete(key);
  }
}

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

  it('a KVS error between the claim and the write gives the claim back: the next update is not stuck behind it', async () => {
    // The per-second 429 of Forge KVS, thrown after this writer took the claim of the next revision: kept, that claim
    // would make every update of the incident answer busy until its TTL (60 s).
    class RateLimitedOnce extends InMemoryStore {
      failNextRecordWrite = true;
      override async set<T>(key: string, value: T, options?: { ttlSeconds?: number }): Promise<void> {
        if (this.failNextRecordWrite && key === 'incident:INC-1') {
          this.failNextRecordWrite = false;
          throw new Error('The KVS rate limit for this installation was exceeded');
        }
        return super.set(key, value, options);
      }
    }
    const store = new RateLimitedOnce();
    const options = { random: mulberry32(7) };
    await expect(updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'OPS-1' }), options)).rejects.toThrow('rate limit');
    expect(await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, keys: [...r.keys, 'a'] }), options)).toEqual({ link: null, keys: ['a'], rev: 1 });
    // The failed event's retry lands on top of it.
    expect(await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'OPS-1' }), options)).toEqual({ link: 'OPS-1', keys: ['a'], rev: 2 });
  });

  it('a KVS error on the re-read after the claim also gives the claim back', async () => {
    class FailingReRead extends InMemoryStore {
      reads = 0;
      override async get<T>(key: string) {
        this.reads += 1;
        if (this.reads === 2) throw new Error('The KVS rate limit for this installation was exceeded');
        return super.get<T>(key);
      }
    }
    const store = new FailingReRead();
    await expect(updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'OPS-1' }))).rejects.toThrow('rate limit');
    expect(await updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, link: 'OPS-1' }))).toEqual({ link: 'OPS-1', keys: [], rev: 1 });
  });

  it('20 concurrent updates of one incident with the default options all land, in a bounded number of KVS calls', async () => {
    // Callers (updateRecord, the settings resolvers) pass no options: losers must pause by default, not spin. A
    // spinning loser burns its 8 attempts while the winner is between claim and write (busy answers, queue retries)
    // and fires read + claim back to back. Jitter seeded here; the sleep is the real one.
    const store = new CountingStore();
    const n = 20;
    const options = { random: mulberry32(42) };
    const verdicts = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => updateWithCas(store, 'incident:INC-1', EMPTY, (r) => ({ ...r, keys: [...r.keys, `k${i}`] }), options)),
    );
    expect(verdicts.filter((v) => v.status === 'rejected')).toHaveLength(0);
    const record = store.peek<Rec>('incident:INC-1');
    expect(record?.rev).toBe(n);
    expect([...(record?.keys ?? [])].sort()).toEqual(Array.from({ length: n }, (_, i) => `k${i}`).sort());
    // A won round costs 4 calls (read, claim, re-read, write), a lost one 2 or 3: n winners plus, on average, well
    // under 2 lost rounds per writer. Spinning costs every loser its full 8 rounds.
    expect(store.calls).toBeLessThanOrEqual(n * 4 + n * 2 * 3);
  });
});
