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
import { compareAndSet, DEFAULT_CAS_ATTEMPTS, type CasOptions } from '../incidents/record-cas';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * The storm guard's per-rule window counter in KVS: `storm-window:<ruleId>:<windowStartMs>` (StormWindow).
 * Consumers run concurrently (one per group's concurrency key), so every change is a compare-and-set: plain
 * Forge KVS keys have no conditional update (FORGE-NOTES §4), so a writer first creates the claim key of the
 * next revision with FAIL_IF_EXISTS (only one writer can), re-reads that the record is still at the revision
 * it decided on, then writes (the shared loop: incidents/record-cas.ts compareAndSet); a loser pauses (jittered)
 * and decides again on the fresh record. Two consumers can therefore never both take the N-th slot. A decision
 * that changes nothing (a retry or duplicate of a counted problem) writes nothing. Costs: 1 read when nothing
 * changes, else 2 reads + 2 writes (claim + record).
 */
export const stormWindowKey = (ref: StormWindowRef): string => `storm-window:${ref.ruleId}:${ref.windowStartMs}`;

/** Each lost round means another writer won one; past this many the caller answers busy and the queue retries. */
export const STORM_CAS_ATTEMPTS = DEFAULT_CAS_ATTEMPTS * 4;

/** Windows are kept a day past their longest length (24 h), for late deliveries and the rolled problems' resolves. */
const WINDOW_TTL_SECONDS = 7 * 86_400;

/**
 * Jitter source and sleep of the compare-and-set's pauses (record-cas.ts CasOptions: full jitter, 5 ms doubling to
 * 250 ms; ~2.5 s over all STORM_CAS_ATTEMPTS at worst). A storm is the record's worst contention: every consumer
 * of the rule's new groups writes the same window.
 */
export type WindowUpdateOptions = Omit<CasOptions, 'attempts'>;

async function updateWindow<R extends { readonly window: StormWindow; readonly changed: boolean }>(
  store: KeyValueStore,
  ref: StormWindowRef,
  change: (current: StormWindow) => R,
  options: WindowUpdateOptions = {},
): Promise<R> {
  const key = stormWindowKey(ref);
  return compareAndSet<StormWindow, R>(
    store,
    key,
    {
      read: async () => {
        const parsed = stormWindowSchema.safeParse(await store.get(key));
        return parsed.success ? parsed.data : emptyStormWindow(ref);
      },
      decide: (current) => {
        const result = change(current);
        return { write: result.changed ? result.window : undefined, result };
      },
      ttlSeconds: WINDOW_TTL_SECONDS,
    },
    { ...options, attempts: STORM_CAS_ATTEMPTS },
  );
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
