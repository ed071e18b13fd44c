/**
 * Jira accountId ⇄ Impact user matching for the settings page. Impact's API has no user list, so the
 * Impact people are the ones the app has seen: commanders of synced incidents (`incident:*` records, email
 * only), the pairs the incident sync found or failed to find (`incident-users`, `incident-unmatched-users`,
 * email and name). Each is looked up in Jira's user search (by email, then by name: a hidden email is not searchable) and matched with the
 * incidents domain's rules. Every completed lookup goes into the incident sync's pair store
 * (incidents/users.ts `saveUserMatches`), so the sync assigns people matched here without searching Jira
 * again, and leaves the ambiguous unassigned. The list is cached in KVS; the page asks for a refresh.
 */
import { asCheckedPairs, matchUsers, normalizeEmail, type JiraUser, type UnmatchedUser, type UserLink, type UserPairs } from '../domain/incidents';
import { IncidentKeys } from '../incidents/incident-store';
import { loadUserPairs, saveUserMatches } from '../incidents/users';
import type { ImpactUser } from '../../shared/impact/incident';
import type { JiraResult } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { JiraUserSearchPort } from '../ports/jira-projects';
import { KVS_QUERY_LIMIT } from './project-store';

export const UserDirectoryKeys = {
  matches: 'pj:user-matches',
  /** Incident records, read for their commanders. */
  incidentPrefix: IncidentKeys.record(''),
} as const;

export type ImpactPersonSource = 'incident-commander' | 'incident-sync-link' | 'incident-sync-unmatched';

export interface UserMatchList {
  readonly computedAtMs: number;
  readonly matched: readonly UserLink[];
  readonly unmatched: readonly (UnmatchedUser & { readonly source: ImpactPersonSource })[];
  /** People whose Jira lookup failed (rate limit, outage): neither matched nor proven unmatched. */
  readonly lookupErrors: readonly { readonly email: string; readonly message: string }[];
  readonly impactUsersSeen: number;
}

const PAGE = 50;
const MAX_PAGES_PER_QUERY = 4;
const MAX_INCIDENT_PAGES = 50;

interface Person {
  readonly email: string;
  readonly name: string | undefined;
  readonly source: ImpactPersonSource;
}

/** Every Impact person the app has seen (`pairs`: the pair store as read), deduplicated by email; a known name wins over none. */
export async function impactPeopleSeen(store: KeyValueStore, pairs: UserPairs): Promise<Person[]> {
  const people = new Map<string, Person>();
  const add = (p: Person) => {
    const key = normalizeEmail(p.email);
    const existing = people.get(key);
    if (!existing || (existing.name === undefined && p.name !== undefined)) people.set(key, p);
  };
  for (const l of pairs.links) add({ email: l.email, name: l.name, source: 'incident-sync-link' });
  for (const u of pairs.unmatched) add({ email: u.email, name: u.name, source: 'incident-sync-unmatched' });
  let cursor: string | undefined;
  for (let page = 0; page < MAX_INCIDENT_PAGES; page += 1) {
    const result = await store.listByPrefix<{ known?: { commander?: { email?: unknown } | null } | null }>(UserDirectoryKeys.incidentPrefix, { limit: KVS_QUERY_LIMIT, cursor });
    for (const r of result.results) {
      const email = r.value.known?.commander?.email;
      if (typeof email === 'string' && email !== '') add({ email, name: undefined, source: 'incident-commander' });
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return [...people.values()].sort((a, b) => normalizeEmail(a.email).localeCompare(normalizeEmail(b.email)));
}

async function searchAll(jira: JiraUserSearchPort, query: string): Promise<JiraResult<JiraUser[]>> {
  const out: JiraUser[] = [];
  for (let page = 0; page < MAX_PAGES_PER_QUERY; page += 1) {
    const result = await jira.searchUsers(query, page * PAGE, PAGE);
    if (!result.ok) return result;
    out.push(...result.value);
    if (result.value.length < PAGE) break;
  }
  return { ok: true, value: out };
}

/** Looks every person up in Jira, matches, records the verdicts in the pair store, caches and answers the list. */
export async function refreshUserMatches(store: KeyValueStore, jira: JiraUserSearchPort, nowMs: number): Promise<UserMatchList> {
  const pairs = await loadUserPairs(store);
  const people = await impactPeopleSeen(store, pairs);
  const candidates = new Map<string, JiraUser>();
  const lookupErrors: { email: string; message: string }[] = [];
  const searchable: ImpactUser[] = [];
  for (const person of people) {
    let failed: string | undefined;
    // Jira's search is by prefix: collapse the spaces the matcher would ignore anyway.
    for (const query of person.name === undefined ? [person.email] : [person.email, person.name.trim().replace(/\s+/g, ' ')]) {
      const found = await searchAll(jira, query);
      if (found.ok) for (const u of found.value) candidates.set(u.accountId, u);
      else failed = found.failure.kind;
    }
    if (failed) lookupErrors.push({ email: normalizeEmail(person.email), message: `Jira user search failed: ${failed}` });
    // Without a name only the email can match: an empty name never equals a display name.
    else searchable.push({ email: person.email, name: person.name ?? '' });
  }
  const report = matchUsers(searchable, [...candidates.values()]);
  // Only completed lookups are verdicts: a person whose search failed keeps what the store knew.
  // The store is read again here, not `pairs`: the lookups above take a while, and pairs the incident sync
  // recorded meanwhile must not be overwritten.
  await saveUserMatches(store, asCheckedPairs(report, nowMs));
  const sourceOf = new Map(people.map((p) => [normalizeEmail(p.email), p.source]));
  const list: UserMatchList = {
    computedAtMs: nowMs,
    matched: report.links,
    unmatched: report.unmatched.map((u) => ({ ...u, source: sourceOf.get(u.email) ?? 'incident-sync-unmatched' })),
    lookupErrors,
    impactUsersSeen: people.length,
  };
  await store.set(UserDirectoryKeys.matches, list);
  return list;
}

/** The cached list, computed on first use. */
export async function userMatches(store: KeyValueStore, jira: JiraUserSearchPort, nowMs: number, refresh: boolean): Promise<UserMatchList> {
  const cached = refresh ? undefined : await store.get<UserMatchList>(UserDirectoryKeys.matches);
  return cached ?? refreshUserMatches(store, jira, nowMs);
}
