/**
 * Compare-and-set on plain Forge KVS, which has no conditional update for plain keys (transaction conditions
 * exist only for custom entities, FORGE-NOTES §4). Each record carries `rev`; to move it from rev n to n+1 a
 * writer must first create the claim key `<key>:rev:<n+1>` with `FAIL_IF_EXISTS` (only one writer can), then
 * check the record is still at n, then write it. A writer that loses pauses (jittered, see CasOptions), re-reads
 * the record and decides again on the fresh one, so two writers never erase each other's change (an incident's
 * post-mortem link and loop-guard keys, a storm window's slots). One loop for every such record: the incident
 * record and settings (`updateWithCas`) and the storm guard's window (alerts/storm-store.ts).
 *
 * Claims expire (CLAIM_TTL_SECONDS) so a writer that died between claim and write cannot block the record
 * for ever; the re-read after the claim keeps an expired-and-retaken claim from writing over a newer record.
 * A writer that is still alive but got a KVS error there (a 429) gives its claim back at once.
 */
import type { KeyValueStore } from '../ports/key-value-store';

export const CLAIM_TTL_SECONDS = 60;
export const DEFAULT_CAS_ATTEMPTS = 8;

export const recordClaimKey = (recordKey: string, rev: number): string => `${recordKey}:rev:${rev}`;

export interface Versioned {
  /** Absent on records written before compare-and-set: rev 0. */
  readonly rev?: number;
}

export class RecordConflictError extends Error {
  constructor(readonly key: string, readonly attempts: number) {
    super(`${key} kept changing under ${attempts} attempts to update it`);
    this.name = 'RecordConflictError';
  }
}

/**
 * How a writer that lost a round waits before reading again: full jitter on an exponential step (5 ms doubling,
 * at most 250 ms). Without it, concurrent writers of one record spin read + failed claim while one winner is
 * between its claim and its write: they burn their attempts in that instant (and answer busy, so the queue
 * retries them seconds later, each retry counting towards the delivery's last attempt) and fire KVS requests
 * back to back, which under load passes Forge's 1,000 requests per second per installation.
 */
export interface CasOptions {
  /** Rounds before RecordConflictError; each lost round means another writer won one. */
  readonly attempts?: number;
  /** Jitter source; Math.random in production. */
  readonly random?: () => number;
  /** Waits `ms`; setTimeout in production. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a writer decided on the record as read: the value to write (none: nothing changes) and what to answer. */
export interface CasDecision<T, R> {
  readonly write: T | undefined;
  readonly result: R;
}

export interface CasRecord<T extends Versioned, R> {
  /** The record as stored now (a missing or unreadable one as its empty value). */
  readonly read: () => Promise<T>;
  /** A function of the value it is given: it runs again on the fresh record after each lost round. */
  readonly decide: (current: T) => CasDecision<T, R>;
  /** TTL of the written record; none: kept. */
  readonly ttlSeconds?: number;
}

const PAUSE_BASE_MS = 5;
const PAUSE_MAX_MS = 250;
const RELEASE_ATTEMPTS = 3;

/** Full jitter: a uniform wait in [0, min(250, 5 · 2^attempt)) ms. */
export function casPauseMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(PAUSE_MAX_MS, PAUSE_BASE_MS * 2 ** attempt));
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The compare-and-set loop. Costs: 1 read when the decision writes nothing, else 2 reads + 2 writes (claim +
 * record) per won round and 1 read + 1 claim (+ 1 read) per lost one, each lost round followed by a pause.
 */
export async function compareAndSet<T extends Versioned, R>(store: KeyValueStore, key: string, record: CasRecord<T, R>, options: CasOptions = {}): Promise<R> {
  const attempts = options.attempts ?? DEFAULT_CAS_ATTEMPTS;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const writeOptions = record.ttlSeconds === undefined ? undefined : { ttlSeconds: record.ttlSeconds };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const current = await record.read();
    const decision = record.decide(current);
    if (decision.write === undefined) return decision.result;
    const rev = current.rev ?? 0;
    const claim = recordClaimKey(key, rev + 1);
    if (await store.setIfAbsent(claim, { claimedAt: rev + 1 }, { ttlSeconds: CLAIM_TTL_SECONDS })) {
      try {
        if (((await record.read()).rev ?? 0) === rev) {
          await store.set(key, { ...decision.write, rev: rev + 1 }, writeOptions);
          return decision.result;
        }
      } catch (error) {
        // A KVS error between the claim and the write (a 429 under load): give the claim back. Kept, it would stop
        // every writer at this revision until it expires (CLAIM_TTL_SECONDS): each update of the record would answer
        // busy meanwhile. Safe if the write did land: a writer that claims this revision again re-reads the record
        // first and finds it moved on.
        await releaseClaim(store, claim, random, sleep);
        throw error;
      }
    }
    if (attempt < attempts) await sleep(casPauseMs(attempt, random));
  }
  throw new RecordConflictError(key, attempts);
}

async function releaseClaim(store: KeyValueStore, claim: string, random: () => number, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt += 1) {
    try {
      await store.delete(claim);
      return;
    } catch {
      // The same rate limit, most likely: wait a little and try again; past that the claim's TTL frees it.
      if (attempt < RELEASE_ATTEMPTS) await sleep(PAUSE_MAX_MS + casPauseMs(attempt, random));
    }
  }
}

/**
 * Reads the value at `key` (or `empty`), applies `change` and writes the result with compare-and-set,
 * retrying on a lost race with the fresh value. `change` must be a function of the value it is given
 * (it may run several times). Answers the value written.
 */
export async function updateWithCas<T extends Versioned>(
  store: KeyValueStore,
  key: string,
  empty: T,
  change: (current: T) => T,
  options: CasOptions = {},
): Promise<T> {
  return compareAndSet<T, T>(
    store,
    key,
    {
      read: async () => (await store.get<T>(key)) ?? empty,
      decide: (current) => {
        const next = { ...change(current), rev: (current.rev ?? 0) + 1 };
        return { write: next, result: next };
      },
    },
    options,
  );
}
