import type { ImpactUser } from '../../shared/impact/incident';
import { matchImpactUser, normalizeEmail, type JiraUser, type UserLink } from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import { IncidentKeys } from './incident-store';

/** An Impact commander the sync could not pair with a Jira account (listed by `listUnmatchedUsers`). */
export interface UnmatchedCommander {
  readonly email: string;
  readonly name: string;
  /** `ambiguous`: several Jira accounts fit (their ids in `candidates`); never guessed. */
  readonly reason: 'unmatched' | 'ambiguous';
  readonly candidates: readonly string[];
  /** When Jira was last searched for them (ms); searched again after UNMATCHED_RECHECK_MS. */
  readonly checkedAt: number;
}

/** An unmatched commander is looked up again after this long (someone may have been given an account). */
export const UNMATCHED_RECHECK_MS = 60 * 60 * 1000;
const MAX_UNMATCHED = 200;

export async function loadUnmatchedUsers(store: KeyValueStore): Promise<UnmatchedCommander[]> {
  return [...((await store.get<UnmatchedCommander[]>(IncidentKeys.unmatchedUsers)) ?? [])];
}

/**
 * Finds the Jira account of an Impact user (by email, else by display name for people who hide their
 * email) and caches the pair. A user not found is kept on the unmatched list (cached too, so each event
 * does not search Jira again); the plan reports them and the sync goes on without assigning.
 */
export async function ensureUserLink(user: ImpactUser, links: UserLink[], jira: JiraIncidentPort, store: KeyValueStore, now: number): Promise<UserLink[]> {
  const email = normalizeEmail(user.email);
  if (links.some((l) => l.email === email)) return links;
  const unmatched = await loadUnmatchedUsers(store);
  const known = unmatched.find((u) => u.email === email);
  if (known && now - known.checkedAt < UNMATCHED_RECHECK_MS && known.name === user.name) return links;
  const candidates = new Map<string, JiraUser>();
  let searched = true;
  for (const query of [user.email, user.name]) {
    const found = await jira.searchUsers(query);
    if (found.ok) for (const u of found.value) candidates.set(u.accountId, u);
    else searched = false;
  }
  const match = matchImpactUser(user, [...candidates.values()]);
  const others = unmatched.filter((u) => u.email !== email);
  if (match.kind !== 'matched') {
    // A failed search proves nothing: only a completed one puts the user on the list.
    if (searched || match.kind === 'ambiguous') {
      const entry: UnmatchedCommander = { email, name: user.name, reason: match.kind, candidates: match.kind === 'ambiguous' ? match.candidates : [], checkedAt: now };
      await store.set(IncidentKeys.unmatchedUsers, [...others, entry].slice(-MAX_UNMATCHED));
    }
    return links;
  }
  if (known) await store.set(IncidentKeys.unmatchedUsers, others);
  const next = [...links.filter((l) => l.accountId !== match.accountId), { email, name: user.name, accountId: match.accountId, by: match.by }];
  await store.set(IncidentKeys.users, next);
  return next;
}

/** The reverse: a Jira assignee not in the cache is looked up, and usable when Jira shows their email. */
export async function ensureAccountLink(accountId: string, links: UserLink[], jira: JiraIncidentPort, store: KeyValueStore): Promise<UserLink[]> {
  if (links.some((l) => l.accountId === accountId)) return links;
  const found = await jira.getUser(accountId);
  if (!found.ok || !found.value.emailAddress) return links;
  const email = normalizeEmail(found.value.emailAddress);
  const next = [...links.filter((l) => l.email !== email), { email, name: found.value.displayName, accountId, by: 'email' as const }];
  await store.set(IncidentKeys.users, next);
  return next;
}
