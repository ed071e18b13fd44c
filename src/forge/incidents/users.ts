import type { ImpactUser } from '../../shared/impact/incident';
import { asCheckedPairs, matchUsers, normalizeEmail, recordUserMatches, type CheckedUnmatchedUser, type JiraUser, type UserLink, type UserPairs } from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import { IncidentKeys, loadUsers } from './incident-store';
import { directoryVerdict } from '../people/directory-store';

/**
 * The one Impact ⇄ Jira user pair store: `incident-users` (pairs) and `incident-unmatched-users` (people with
 * no single Jira account, and when they were checked). The incident sync adds to it one commander at a
 * time (`ensureUserLink`), the user directory (projects/user-directory.ts) everyone at once on "Match users
 * again"; both go through the domain's `recordUserMatches`, so a person is matched by the same rules
 * whichever found them, and one never searches Jira again for someone the other already decided.
 */
export type UnmatchedCommander = CheckedUnmatchedUser;

/** An unmatched commander is looked up again after this long (someone may have been given an account). */
export const UNMATCHED_RECHECK_MS = 60 * 60 * 1000;

export async function loadUnmatchedUsers(store: KeyValueStore): Promise<UnmatchedCommander[]> {
  return [...((await store.get<UnmatchedCommander[]>(IncidentKeys.unmatchedUsers)) ?? [])];
}

/** Both halves of the pair store. */
export async function loadUserPairs(store: KeyValueStore): Promise<UserPairs> {
  return { links: await loadUsers(store), unmatched: await loadUnmatchedUsers(store) };
}

/**
 * Writes completed lookups into the pair store (see `recordUserMatches`); returns the pairs now known.
 * `before` is the store as the caller already read it (read here when not given); only a changed half is written.
 */
export async function saveUserMatches(store: KeyValueStore, found: UserPairs, before?: UserPairs): Promise<UserLink[]> {
  before ??= await loadUserPairs(store);
  const after = recordUserMatches(before, found);
  if (!sameJson(before.links, after.links)) await store.set(IncidentKeys.users, after.links);
  if (!sameJson(before.unmatched, after.unmatched)) await store.set(IncidentKeys.unmatchedUsers, after.unmatched);
  return [...after.links];
}

/**
 * Finds the Jira account of an Impact user (by email, else by display name for people who hide their
 * email) unless the pair store already decided: a pair is used as it is, and a person recently found
 * unmatched or ambiguous (by either matcher) is not searched again until UNMATCHED_RECHECK_MS, or until
 * Impact shows a different name for them. The plan reports the unassigned and the sync goes on.
 */
export async function ensureUserLink(user: ImpactUser, links: UserLink[], jira: JiraIncidentPort, store: KeyValueStore, now: number): Promise<UserLink[]> {
  const email = normalizeEmail(user.email);
  if (links.some((l) => l.email === email)) return links;
  // The user directory (people/directory-store.ts) decides first: its match, or an admin's manual unmatch.
  const verdict = await directoryVerdict(store, email);
  if (verdict?.kind === 'manual-unmatch') return links;
  if (verdict?.kind === 'matched') {
    return saveUserMatches(store, { links: [{ email, name: user.name || verdict.name, accountId: verdict.accountId, by: 'email' }], unmatched: [] }, { links, unmatched: await loadUnmatchedUsers(store) });
  }
  const unmatched = await loadUnmatchedUsers(store);
  const known = unmatched.find((u) => normalizeEmail(u.email) === email);
  if (known && now - known.checkedAt < UNMATCHED_RECHECK_MS && known.name === user.name) return links;
  const candidates = new Map<string, JiraUser>();
  let searched = true;
  for (const query of [user.email, user.name]) {
    const found = await jira.searchUsers(query);
    if (found.ok) for (const u of found.value) candidates.set(u.accountId, u);
    else searched = false;
  }
  const report = matchUsers([user], [...candidates.values()]);
  // A failed search proves nothing: only a completed one (or a match, or an ambiguity) is recorded.
  if (!searched && report.links.length === 0 && report.unmatched.every((u) => u.reason === 'unmatched')) return links;
  return saveUserMatches(store, asCheckedPairs(report, now), { links, unmatched });
}

/** The reverse: a Jira assignee not in the cache is looked up, and usable when Jira shows their email. */
export async function ensureAccountLink(accountId: string, links: UserLink[], jira: JiraIncidentPort, store: KeyValueStore): Promise<UserLink[]> {
  if (links.some((l) => l.accountId === accountId)) return links;
  const found = await jira.getUser(accountId);
  if (!found.ok || !found.value.emailAddress) return links;
  const link: UserLink = { email: normalizeEmail(found.value.emailAddress), name: found.value.displayName, accountId, by: 'email' };
  // The unmatched half is read so a person found here leaves it (the caller holds only the pairs).
  return saveUserMatches(store, { links: [link], unmatched: [] }, { links, unmatched: await loadUnmatchedUsers(store) });
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
