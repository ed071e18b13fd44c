import type { ImpactUser } from '../../shared/impact/incident';
import { matchImpactUser, normalizeEmail, type JiraUser, type UserLink } from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import { IncidentKeys } from './incident-store';

/**
 * Finds the Jira account of an Impact user (by email, else by display name for people who hide their
 * email) and caches the pair. Lookup failures leave the cache as it is: the plan reports the user as
 * unmatched and the sync goes on.
 */
export async function ensureUserLink(user: ImpactUser, links: UserLink[], jira: JiraIncidentPort, store: KeyValueStore): Promise<UserLink[]> {
  const email = normalizeEmail(user.email);
  if (links.some((l) => l.email === email)) return links;
  const candidates = new Map<string, JiraUser>();
  for (const query of [user.email, user.name]) {
    const found = await jira.searchUsers(query);
    if (found.ok) for (const u of found.value) candidates.set(u.accountId, u);
  }
  const match = matchImpactUser(user, [...candidates.values()]);
  if (match.kind !== 'matched') return links;
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
