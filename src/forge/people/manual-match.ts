/**
 * An admin's manual match or unmatch (resolvers `matchUser` / `unmatchUser`): recorded as an override (kept
 * across runs, the domain applies it on every run) and applied to the stored directory at once (the person's
 * entry moves between the lists), and to the incident sync's pair store, so the next incident event assigns
 * (or stops assigning) accordingly. Under the directory lease: a run's write and a change never interleave.
 */
import { normalizeEmail } from '../domain/incidents';
import { overrideCount, withManualMatch, withManualUnmatch, withoutOverride, type AccountRef, type MatchedPerson, type UnmatchedPerson } from '../domain/people';
import { loadUserPairs, saveUserMatches } from '../incidents/users';
import type { KeyValueStore } from '../ports/key-value-store';
import { DirectoryKeys, MAX_OVERRIDES, findPerson, readHead, readOverrides, releaseDirectoryLease, replaceEntry, takeDirectoryLease } from './directory-store';

export type ManualChange = { readonly kind: 'match'; readonly email: string; readonly account: AccountRef } | { readonly kind: 'unmatch'; readonly email: string };

export type ManualOutcome =
  | { readonly ok: true; readonly entry: MatchedPerson | UnmatchedPerson }
  | { readonly ok: false; readonly code: 'not-found' | 'conflict' | 'invalid-input'; readonly message: string };

export async function applyManualChange(store: KeyValueStore, change: ManualChange, byAccountId: string, nowMs: number): Promise<ManualOutcome> {
  const email = normalizeEmail(change.email);
  if (!(await takeDirectoryLease(store))) return { ok: false, code: 'conflict', message: 'the directory is being written (a run or another change): try again in a moment' };
  try {
    const head = await readHead(store);
    if (!head) return { ok: false, code: 'not-found', message: 'the user directory has not run yet: run it first' };
    const found = await findPerson(store, head, email);
    if (!found) return { ok: false, code: 'not-found', message: `${email} is not an Impact person in the directory (it lists the people of its last run)` };
    const overrides = await readOverrides(store);
    const isNew = !overrides.matches[email] && !overrides.unmatches[email];
    if (isNew && overrideCount(overrides) >= MAX_OVERRIDES) return { ok: false, code: 'invalid-input', message: `at most ${MAX_OVERRIDES} manual decisions are kept` };
    const name = found.entry.name;
    let entry: MatchedPerson | UnmatchedPerson;
    if (change.kind === 'match') {
      const taken = await findAccountHolder(store, head, change.account.accountId, email);
      if (taken) return { ok: false, code: 'conflict', message: `${change.account.displayName || change.account.accountId} is already matched to ${taken}: unmatch them first` };
      entry = { email, name, account: change.account, by: 'manual' };
      await store.set(DirectoryKeys.overrides, withManualMatch(overrides, email, { accountId: change.account.accountId, byAccountId, atMs: nowMs }));
    } else {
      entry = { email, name, reason: 'manual', candidates: [] };
      await store.set(DirectoryKeys.overrides, withManualUnmatch(overrides, email, { byAccountId, atMs: nowMs }));
    }
    await replaceEntry(store, head, found.list, entry, change.kind === 'match' ? 'matched' : 'unmatched', nowMs);
    const pairs = await loadUserPairs(store);
    await saveUserMatches(
      store,
      change.kind === 'match'
        ? { links: [{ email, name, accountId: change.account.accountId, by: 'email' }], unmatched: [] }
        : { links: [], unmatched: [{ email, name, reason: 'unmatched', candidates: [], checkedAt: nowMs }] },
      pairs,
    );
    return { ok: true, entry };
  } finally {
    await releaseDirectoryLease(store);
  }
}

export type ForgetOutcome = { readonly ok: true; readonly was: 'match' | 'unmatch' } | { readonly ok: false; readonly code: 'not-found' | 'conflict'; readonly message: string };

/**
 * Forgets the admin's decision on `email` (resolver `forgetManualDecision`): the override goes, so the next
 * directory run matches the person automatically again. The stored entry is left as it is until that run (the
 * resolver queues it): what the matcher will decide depends on Jira's and Impact's current people.
 */
export async function forgetManualDecision(store: KeyValueStore, rawEmail: string): Promise<ForgetOutcome> {
  const email = normalizeEmail(rawEmail);
  if (!(await takeDirectoryLease(store))) return { ok: false, code: 'conflict', message: 'the directory is being written (a run or another change): try again in a moment' };
  try {
    const overrides = await readOverrides(store);
    const was = overrides.matches[email] ? 'match' : overrides.unmatches[email] ? 'unmatch' : undefined;
    if (!was) return { ok: false, code: 'not-found', message: `no admin decision is kept for ${email}` };
    await store.set(DirectoryKeys.overrides, withoutOverride(overrides, email));
    return { ok: true, was };
  } finally {
    await releaseDirectoryLease(store);
  }
}

/**
 * The matched person holding `accountId` (other than `email`), if any: one account, one person. Reads the
 * matched pages in batches (a manual change is rare; ⌈matched / (PAGE_SIZE × 20)⌉ batch reads).
 */
async function findAccountHolder(store: KeyValueStore, head: NonNullable<Awaited<ReturnType<typeof readHead>>>, accountId: string, email: string): Promise<string | undefined> {
  const refs = head.lists.matched;
  for (let i = 0; i < refs.length; i += 20) {
    const keys = refs.slice(i, i + 20).map((r) => DirectoryKeys.page(r.id));
    const pages = await store.getMany<MatchedPerson[]>(keys);
    for (const key of keys) {
      const holder = pages.get(key)?.find((m) => m.account.accountId === accountId && m.email !== email);
      if (holder) return holder.email;
    }
  }
  return undefined;
}
