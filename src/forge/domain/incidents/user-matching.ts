import type { ImpactUser } from '../../../shared/impact/incident';

/**
 * Impact user ⇄ Jira accountId. Jira shows emailAddress only when the user's profile allows it, so:
 * first by email (case-insensitive) among users that show one, then by display name (case- and
 * whitespace-insensitive) among users that do NOT show an email (a user showing a different email is a
 * different person). More than one candidate is reported as ambiguous, never guessed.
 */
export interface JiraUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress?: string | null;
  readonly active?: boolean;
  readonly accountType?: string;
}

export type UserMatch =
  | { readonly kind: 'matched'; readonly accountId: string; readonly by: 'email' | 'display-name' }
  | { readonly kind: 'ambiguous'; readonly by: 'email' | 'display-name'; readonly candidates: readonly string[] }
  | { readonly kind: 'unmatched' };

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const normalizeDisplayName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

const assignable = (u: JiraUser): boolean => u.active !== false && (u.accountType === undefined || u.accountType === 'atlassian');

export function matchImpactUser(user: ImpactUser, jiraUsers: readonly JiraUser[]): UserMatch {
  const people = jiraUsers.filter(assignable);
  const email = normalizeEmail(user.email);
  const byEmail = people.filter((u) => u.emailAddress && normalizeEmail(u.emailAddress) === email);
  if (byEmail.length === 1) return { kind: 'matched', accountId: byEmail[0]!.accountId, by: 'email' };
  if (byEmail.length > 1) return { kind: 'ambiguous', by: 'email', candidates: byEmail.map((u) => u.accountId) };
  const name = normalizeDisplayName(user.name);
  const byName = people.filter((u) => !u.emailAddress && normalizeDisplayName(u.displayName) === name);
  if (byName.length === 1) return { kind: 'matched', accountId: byName[0]!.accountId, by: 'display-name' };
  if (byName.length > 1) return { kind: 'ambiguous', by: 'display-name', candidates: byName.map((u) => u.accountId) };
  return { kind: 'unmatched' };
}

/** One cached pairing; the adapter stores these (and the unmatched list) in KVS. */
export interface UserLink {
  readonly email: string;
  readonly name: string;
  readonly accountId: string;
  readonly by: 'email' | 'display-name';
}

export interface UnmatchedUser {
  readonly email: string;
  readonly name: string;
  readonly reason: 'unmatched' | 'ambiguous';
  readonly candidates: readonly string[];
}

export interface UserMatchReport {
  readonly links: readonly UserLink[];
  readonly unmatched: readonly UnmatchedUser[];
}

/** Matches many Impact users at once (deduplicated by email), for the settings page list. */
export function matchUsers(users: readonly ImpactUser[], jiraUsers: readonly JiraUser[]): UserMatchReport {
  const links: UserLink[] = [];
  const unmatched: UnmatchedUser[] = [];
  const seen = new Set<string>();
  for (const user of users) {
    const email = normalizeEmail(user.email);
    if (seen.has(email)) continue;
    seen.add(email);
    const match = matchImpactUser(user, jiraUsers);
    switch (match.kind) {
      case 'matched':
        links.push({ email, name: user.name, accountId: match.accountId, by: match.by });
        break;
      case 'ambiguous':
        unmatched.push({ email, name: user.name, reason: 'ambiguous', candidates: match.candidates });
        break;
      case 'unmatched':
        unmatched.push({ email, name: user.name, reason: 'unmatched', candidates: [] });
        break;
    }
  }
  return { links, unmatched };
}

/** An unmatched person as the pair store keeps them: when Jira was last searched for them (ms). */
export interface CheckedUnmatchedUser extends UnmatchedUser {
  readonly checkedAt: number;
}

/**
 * The one pair store both matchers (the incident sync, one commander at a time; the user directory, everyone
 * at once) read and write: pairs found, and people with no single Jira account.
 */
export interface UserPairs {
  readonly links: readonly UserLink[];
  readonly unmatched: readonly CheckedUnmatchedUser[];
}

/** The unmatched list keeps the most recently checked people up to this many. */
export const MAX_UNMATCHED_USERS = 200;

/**
 * Records completed lookups (a failed lookup proves nothing and is not passed in). Each person in `found`
 * replaces what was known about that email: a match becomes its pair (one account, one email); an
 * ambiguous or unmatched verdict drops any earlier pair, so an account that stopped being the single
 * candidate is never kept as a guess. A pair's name is kept when the verdict knows none (the directory may
 * know only an email).
 */
export function recordUserMatches(pairs: UserPairs, found: UserPairs): UserPairs {
  const decided = new Set([...found.links, ...found.unmatched].map((u) => normalizeEmail(u.email)));
  const previousName = new Map(pairs.links.map((l) => [l.email, l.name]));
  const nameOf = (u: { email: string; name: string }) => u.name || previousName.get(normalizeEmail(u.email)) || '';
  const matchedAccounts = new Set(found.links.map((l) => l.accountId));
  const links: UserLink[] = [
    ...pairs.links.filter((l) => !decided.has(l.email) && !matchedAccounts.has(l.accountId)),
    ...found.links.map((l) => ({ email: normalizeEmail(l.email), name: nameOf(l), accountId: l.accountId, by: l.by })),
  ];
  const unmatched: CheckedUnmatchedUser[] = [
    ...pairs.unmatched.filter((u) => !decided.has(normalizeEmail(u.email))),
    ...found.unmatched.map((u) => ({ email: normalizeEmail(u.email), name: nameOf(u), reason: u.reason, candidates: [...u.candidates], checkedAt: u.checkedAt })),
  ];
  return { links, unmatched: unmatched.slice(-MAX_UNMATCHED_USERS) };
}

/** A matcher's report as pair-store entries, the people not matched checked at `checkedAt`. */
export function asCheckedPairs(report: UserMatchReport, at: number): UserPairs {
  return { links: report.links, unmatched: report.unmatched.map((u) => ({ ...u, checkedAt: at })) };
}

export function accountIdForEmail(links: readonly UserLink[], email: string): string | null {
  const wanted = normalizeEmail(email);
  return links.find((l) => l.email === wanted)?.accountId ?? null;
}

/** Reverse lookup for Jira → Impact (assignee → commander). */
export function impactUserForAccount(links: readonly UserLink[], accountId: string): { email: string; name: string } | null {
  const link = links.find((l) => l.accountId === accountId);
  return link ? { email: link.email, name: link.name } : null;
}
