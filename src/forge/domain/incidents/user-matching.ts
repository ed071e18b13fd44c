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

export function accountIdForEmail(links: readonly UserLink[], email: string): string | null {
  const wanted = normalizeEmail(email);
  return links.find((l) => l.email === wanted)?.accountId ?? null;
}

/** Reverse lookup for Jira → Impact (assignee → commander). */
export function impactUserForAccount(links: readonly UserLink[], accountId: string): { email: string; name: string } | null {
  const link = links.find((l) => l.accountId === accountId);
  return link ? { email: link.email, name: link.name } : null;
}
