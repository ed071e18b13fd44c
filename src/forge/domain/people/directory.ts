/**
 * The user directory (issue 17 item 5, seeds 001/003 "user matching"): every Impact person matched to one Jira
 * account — by email (case-insensitive) among accounts that show one, else by display name among accounts that
 * hide their email (the incidents domain's `matchImpactUser`) — and NEVER a guess: two candidates, or one account
 * that two people would get, leave them unmatched with the reason. An admin's manual match or unmatch wins over
 * the automatic verdict and is kept across runs (the overrides are an input, stored apart from the result).
 *
 * Pure: no I/O, no clock; the adapter pages Jira's `users/search` and Impact's `/users` and stores the result.
 */
import { matchImpactUser, normalizeEmail, type JiraUser } from '../incidents/user-matching';

export interface ImpactPerson {
  readonly email: string;
  readonly name: string;
}

/** A Jira account as the directory shows it. */
export interface AccountRef {
  readonly accountId: string;
  readonly displayName: string;
}

export interface ManualMatch {
  readonly accountId: string;
  /** Who decided (Jira accountId of the admin) and when (ms). */
  readonly byAccountId: string;
  readonly atMs: number;
}

export interface ManualUnmatch {
  readonly byAccountId: string;
  readonly atMs: number;
}

/** Admins' decisions by normalized Impact email; a person is in at most one of the two. */
export interface DirectoryOverrides {
  readonly matches: Readonly<Record<string, ManualMatch>>;
  readonly unmatches: Readonly<Record<string, ManualUnmatch>>;
}

export const NO_OVERRIDES: DirectoryOverrides = { matches: {}, unmatches: {} };

export type MatchedBy = 'email' | 'display-name' | 'manual';

export interface MatchedPerson {
  readonly email: string;
  readonly name: string;
  readonly account: AccountRef;
  readonly by: MatchedBy;
}

export type UnmatchedReason =
  /** No active Jira account shows this email, and none hiding its email has this display name. */
  | 'no-account'
  /** Several accounts show this email, or (email hidden) have this display name. */
  | 'ambiguous'
  /** One account would be matched to several Impact people (e.g. namesakes): none of them gets it. */
  | 'account-contested'
  /** An admin unmatched this person. */
  | 'manual'
  /** An admin matched this person to an account Jira no longer lists. */
  | 'manual-account-gone';

export interface UnmatchedPerson {
  readonly email: string;
  readonly name: string;
  readonly reason: UnmatchedReason;
  /** The accounts that made it ambiguous or contested (for the admin to pick from). */
  readonly candidates: readonly AccountRef[];
}

export interface DirectoryResult {
  /** Sorted by email. */
  readonly matched: readonly MatchedPerson[];
  /** Sorted by email. */
  readonly unmatched: readonly UnmatchedPerson[];
}

const ref = (u: JiraUser): AccountRef => ({ accountId: u.accountId, displayName: u.displayName });
const byEmail = <T extends { email: string }>(a: T, b: T) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);

/** Deduplicates people by normalized email (the first name seen wins) and normalizes their emails. */
export function distinctPeople(people: readonly ImpactPerson[]): ImpactPerson[] {
  const seen = new Map<string, ImpactPerson>();
  for (const p of people) {
    const email = normalizeEmail(p.email);
    if (email !== '' && !seen.has(email)) seen.set(email, { email, name: p.name.trim() });
  }
  return [...seen.values()];
}

export function buildDirectory(people: readonly ImpactPerson[], jiraUsers: readonly JiraUser[], overrides: DirectoryOverrides): DirectoryResult {
  const accounts = new Map(jiraUsers.map((u) => [u.accountId, u]));
  const matched: MatchedPerson[] = [];
  const unmatched: UnmatchedPerson[] = [];
  const everyone = distinctPeople(people);

  // Manual decisions first: an account an admin gave someone is not available to the automatic matcher.
  const manuallyTaken = new Set<string>();
  const automatic: ImpactPerson[] = [];
  for (const person of everyone) {
    const manual = overrides.matches[person.email];
    if (manual) {
      const account = accounts.get(manual.accountId);
      if (account) {
        matched.push({ email: person.email, name: person.name, account: ref(account), by: 'manual' });
        manuallyTaken.add(account.accountId);
      } else {
        unmatched.push({ email: person.email, name: person.name, reason: 'manual-account-gone', candidates: [{ accountId: manual.accountId, displayName: '' }] });
      }
    } else if (overrides.unmatches[person.email]) {
      unmatched.push({ email: person.email, name: person.name, reason: 'manual', candidates: [] });
    } else {
      automatic.push(person);
    }
  }

  const pool = jiraUsers.filter((u) => !manuallyTaken.has(u.accountId));
  const proposals: { person: ImpactPerson; account: JiraUser; by: 'email' | 'display-name' }[] = [];
  for (const person of automatic) {
    const verdict = matchImpactUser(person, pool);
    switch (verdict.kind) {
      case 'matched':
        proposals.push({ person, account: accounts.get(verdict.accountId) as JiraUser, by: verdict.by });
        break;
      case 'ambiguous':
        unmatched.push({ email: person.email, name: person.name, reason: 'ambiguous', candidates: verdict.candidates.map((id) => ref(accounts.get(id) as JiraUser)) });
        break;
      case 'unmatched':
        unmatched.push({ email: person.email, name: person.name, reason: 'no-account', candidates: [] });
        break;
    }
  }
  // One account, one person: an account proposed for several people goes to none of them.
  const claims = new Map<string, number>();
  for (const p of proposals) claims.set(p.account.accountId, (claims.get(p.account.accountId) ?? 0) + 1);
  for (const p of proposals) {
    if ((claims.get(p.account.accountId) ?? 0) > 1) unmatched.push({ email: p.person.email, name: p.person.name, reason: 'account-contested', candidates: [ref(p.account)] });
    else matched.push({ email: p.person.email, name: p.person.name, account: ref(p.account), by: p.by });
  }
  return { matched: matched.sort(byEmail), unmatched: unmatched.sort(byEmail) };
}

/** The admin's decision recorded: a match replaces an unmatch of the same person and the other way round. */
export function withManualMatch(overrides: DirectoryOverrides, email: string, match: ManualMatch): DirectoryOverrides {
  const key = normalizeEmail(email);
  const unmatches = { ...overrides.unmatches };
  delete unmatches[key];
  return { matches: { ...overrides.matches, [key]: match }, unmatches };
}

export function withManualUnmatch(overrides: DirectoryOverrides, email: string, unmatch: ManualUnmatch): DirectoryOverrides {
  const key = normalizeEmail(email);
  const matches = { ...overrides.matches };
  delete matches[key];
  return { matches, unmatches: { ...overrides.unmatches, [key]: unmatch } };
}

/** Forgets the admin's decision: the person goes back to the automatic matcher on the next run. */
export function withoutOverride(overrides: DirectoryOverrides, email: string): DirectoryOverrides {
  const key = normalizeEmail(email);
  const matches = { ...overrides.matches };
  const unmatches = { ...overrides.unmatches };
  delete matches[key];
  delete unmatches[key];
  return { matches, unmatches };
}

export function overrideCount(overrides: DirectoryOverrides): number {
  return Object.keys(overrides.matches).length + Object.keys(overrides.unmatches).length;
}
