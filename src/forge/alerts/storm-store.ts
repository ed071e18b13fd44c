import {
  admitProblem,
  emptyStormWindow,
  markRolled,
  stormWindowSchema,
  type Admission,
  type StormGuard,
  type StormWindow,
  type StormWindowRef,
} from '../domain/alerts';
import { CLAIM_TTL_SECONDS, DEFAULT_CAS_ATTEMPTS, RecordConflictError, recordClaimKey } from '../incidents/record-cas';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * The storm guard's per-rule window counter in KVS: `storm-window:<ruleId>:<windowStartMs>` (StormWindow).
 * Consumers run concurrently (one per group's concurrency key), so every change is a compare-and-set: plain
 * Forge KVS keys have no conditional update (FORGE-NOTES §4), so a writer first creates the claim key of the
 * next revision with FAIL_IF_EXISTS (only one writer can), re-reads that the record is still at the revision
 * it decided on, then writes; a loser pauses (jittered, see WindowUpdateOptions) and decides again on the fresh
 * record. Two consumers can therefore never both take the N-th slot. A decision that changes nothing (a retry or
 * duplicate of a counted problem) writes nothing. Costs: 1 read when nothing changes, else 2 reads + 2 writes
 * (claim + record).
 */
export const stormWindowKey = (ref: StormWindowRef): string => `storm-window:${ref.ruleId}:${ref.windowStartMs}`;

/** Each lost round means another writer won one; past this many the caller answers busy and the queue retries. */
export const STORM_CAS_ATTEMPTS = DEFAULT_CAS_ATTEMPTS * 4;

/** Windows are kept a day past their longest length (24 h), for late deliveries and the rolled problems' resolves. */
const WINDOW_TTL_SECONDS = 7 * 86_400;

/**
 * How a writer that lost a round waits before reading again: full jitter on an exponential step (5 ms doubling,
 * at most 250 ms; ~2.5 s over all attempts at worst). Without it, N consumers of one rule spin read + failed claim
 * while one winner is between its claim and its write: they burn their attempts in that instant (and answer busy,
 * so the queue retries them seconds later, each retry counting towards the delivery's last attempt) and fire KVS
 * requests back to back, which in a storm passes Forge's 1,000 requests per second per installation.
 */
export interface WindowUpdateOptions {
  /** Jitter source; Math.random in production. */
  readonly random?: () => number;
  /** Waits `ms`; setTimeout in production. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const PAUSE_BASE_MS = 5;
const PAUSE_MAX_MS = 250;
const RELEASE_ATTEMPTS = 3;

function pauseMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(PAUSE_MAX_MS, PAUSE_BASE_MS * 2 ** attempt));
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function updateWindow<R extends { readonly window: StormWindow; readonly changed: boolean }>(
  store: KeyValueStore,
  ref: StormWindowRef,
  change: (current: StormWindow) => R,
  options: WindowUpdateOptions = {},
): Promise<R> {
  const key = stormWindowKey(ref);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const read = async (): Promise<StormWindow> => {
    const parsed = stormWindowSchema.safeParse(await store.get(key));
    return parsed.success ? parsed.data : emptyStormWindow(ref);
  };
  for (let attempt = 1; attempt <= STORM_CAS_ATTEMPTS; attempt += 1) {
    const current = await read();
    const result = change(current);
    if (!result.changed) return result;
    const rev = current.rev ?? 0;
    const claim = recordClaimKey(key, rev + 1);
    if (await store.setIfAbsent(claim, { claimedAt: rev + 1 }, { ttlSeconds: CLAIM_TTL_SECONDS })) {
      try {
        if (((await read()).rev ?? 0) === rev) {
          await store.set(key, { ...result.window, rev: rev + 1 }, { ttlSeconds: WINDOW_TTL_SECONDS });
          return result;
        }
      } catch (error) {
        // A KVS error between the claim and the write (a 429 in a storm): give the claim back. Kept, it would stop
        // every writer at this revision until it expires (CLAIM_TTL_SECONDS): each new problem of the rule would
        // answer busy until its delivery's retries ran out. Safe if the write did land: a writer that claims this
        // revision again re-reads the record first and finds it moved on.
        await releaseClaim(store, claim, random, sleep);
        throw error;
      }
    }
    if (attempt < STORM_CAS_ATTEMPTS) await sleep(pauseMs(attempt, random));
  }
  throw new RecordConflictError(key, STORM_CAS_ATTEMPTS);
}

async function releaseClaim(store: KeyValueStore, claim: string, random: () => number, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt += 1) {
    try {
      await store.delete(claim);
      return;
    } catch {
      // The same rate limit, most likely: wait a little and try again; past that the claim's TTL frees it.
      if (attempt < RELEASE_ATTEMPTS) await sleep(PAUSE_MAX_MS + pauseMs(attempt, random));
    }
  }
}

/** Counts a new problem in its window: its own issue, rolled into the storm issue, or the window is full. */
export async function admitToWindow(store: KeyValueStore, ref: StormWindowRef, problemKey: string, guard: StormGuard, options: WindowUpdateOptions = {}): Promise<Admission> {
  return (await updateWindow(store, ref, (w) => admitProblem(w, problemKey, guard), options)).admission;
}

/** A rolled problem fires or resolved; answers whether that made the whole storm resolved, and how many it rolled. */
export async function markRolledInWindow(
  store: KeyValueStore,
  ref: StormWindowRef,
  problemKey: string,
  firing: boolean,
  options: WindowUpdateOptions = {},
): Promise<{ readonly allResolved: boolean; readonly rolledCount: number }> {
  const r = await updateWindow(store, ref, (w) => markRolled(w, problemKey, firing), options);
  return { allResolved: r.allResolved, rolledCount: Object.keys(r.window.rolled).length };
}
