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
 * it decided on, then writes; a loser decides again on the fresh record. Two consumers can therefore never
 * both take the N-th slot. A decision that changes nothing (a retry or duplicate of a counted problem) writes
 * nothing. Costs: 1 read when nothing changes, else 2 reads + 2 writes (claim + record).
 */
export const stormWindowKey = (ref: StormWindowRef): string => `storm-window:${ref.ruleId}:${ref.windowStartMs}`;

/** Each lost round means another writer won one; past this many the caller answers busy and the queue retries. */
export const STORM_CAS_ATTEMPTS = DEFAULT_CAS_ATTEMPTS * 4;

/** Windows are kept a day past their longest length (24 h), for late deliveries and the rolled problems' resolves. */
const WINDOW_TTL_SECONDS = 7 * 86_400;

async function updateWindow<R extends { readonly window: StormWindow; readonly changed: boolean }>(store: KeyValueStore, ref: StormWindowRef, change: (current: StormWindow) => R): Promise<R> {
  const key = stormWindowKey(ref);
  const read = async (): Promise<StormWindow> => {
    const parsed = stormWindowSchema.safeParse(await store.get(key));
    return parsed.success ? parsed.data : emptyStormWindow(ref);
  };
  for (let attempt = 1; attempt <= STORM_CAS_ATTEMPTS; attempt += 1) {
    const current = await read();
    const result = change(current);
    if (!result.changed) return result;
    const rev = current.rev ?? 0;
    if (await store.setIfAbsent(recordClaimKey(key, rev + 1), { claimedAt: rev + 1 }, { ttlSeconds: CLAIM_TTL_SECONDS })) {
      if (((await read()).rev ?? 0) === rev) {
        await store.set(key, { ...result.window, rev: rev + 1 }, { ttlSeconds: WINDOW_TTL_SECONDS });
        return result;
      }
    }
  }
  throw new RecordConflictError(key, STORM_CAS_ATTEMPTS);
}

/** Counts a new problem in its window: its own issue, rolled into the storm issue, or the window is full. */
export async function admitToWindow(store: KeyValueStore, ref: StormWindowRef, problemKey: string, guard: StormGuard): Promise<Admission> {
  return (await updateWindow(store, ref, (w) => admitProblem(w, problemKey, guard))).admission;
}

/** A rolled problem fires or resolved; answers whether that made the whole storm resolved, and how many it rolled. */
export async function markRolledInWindow(store: KeyValueStore, ref: StormWindowRef, problemKey: string, firing: boolean): Promise<{ readonly allResolved: boolean; readonly rolledCount: number }> {
  const r = await updateWindow(store, ref, (w) => markRolled(w, problemKey, firing));
  return { allResolved: r.allResolved, rolledCount: Object.keys(r.window.rolled).length };
}
