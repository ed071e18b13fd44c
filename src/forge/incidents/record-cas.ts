/**
 * Compare-and-set of an incident record on plain Forge KVS, which has no conditional update for plain keys
 * (transaction conditions exist only for custom entities, FORGE-NOTES §4). Each record carries `rev`; to
 * move it from rev n to n+1 a writer must first create the claim key `incident-rev:<id>:<n+1>` with
 * `FAIL_IF_EXISTS` (only one writer can), then check the record is still at n, then write it. A writer
 * that loses re-reads the record and applies its change again to the fresh one, so two writers never
 * erase each other's change (a post-mortem link, loop-guard keys).
 *
 * Claims expire (CLAIM_TTL_SECONDS) so a writer that died between claim and write cannot block the record
 * for ever; the re-read after the claim keeps an expired-and-retaken claim from writing over a newer record.
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
 * Reads the value at `key` (or `empty`), applies `change` and writes the result with compare-and-set,
 * retrying on a lost race with the fresh value. `change` must be a function of the value it is given
 * (it may run several times). Answers the value written.
 */
export async function updateWithCas<T extends Versioned>(
  store: KeyValueStore,
  key: string,
  empty: T,
  change: (current: T) => T,
  options: { readonly attempts?: number; readonly pause?: (attempt: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_CAS_ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const current = (await store.get<T>(key)) ?? empty;
    const rev = current.rev ?? 0;
    const next = { ...change(current), rev: rev + 1 };
    if (await store.setIfAbsent(recordClaimKey(key, rev + 1), { claimedAt: rev + 1 }, { ttlSeconds: CLAIM_TTL_SECONDS })) {
      const still = (await store.get<T>(key)) ?? empty;
      if ((still.rev ?? 0) === rev) {
        await store.set(key, next);
        return next;
      }
    }
    await options.pause?.(attempt);
  }
  throw new RecordConflictError(key, attempts);
}
