import fc from 'fast-check';
import { buildDirectory, NO_OVERRIDES, withManualMatch, withManualUnmatch, withoutOverride, type DirectoryOverrides } from '../../../../src/forge/domain/people';
import type { JiraUser } from '../../../../src/forge/domain/incidents';

const u = (accountId: string, displayName: string, emailAddress: string | null, extra: Partial<JiraUser> = {}): JiraUser => ({ accountId, displayName, emailAddress, active: true, accountType: 'atlassian', ...extra });
const BY = { byAccountId: 'admin', atMs: 1 };

const JIRA: JiraUser[] = [
  u('a-ann', 'Ann Lee', 'ann@example.com'),
  u('a-bob', 'Bob Stone', null),
  u('a-sam1', 'Sam Park', null),
  u('a-sam2', 'Sam Park', null),
  u('a-dup1', 'Dup One', 'dup@example.com'),
  u('a-dup2', 'Dup Two', 'DUP@example.com'),
  u('a-shown', 'Eve Shown', 'eve.other@example.com'),
  u('a-gone', 'Old Timer', 'old@example.com', { active: false }),
  u('a-app', 'Some App', null, { accountType: 'app' }),
];

describe('buildDirectory', () => {
  const cases: [string, { email: string; name: string }, { kind: 'matched'; accountId: string; by: string } | { kind: 'unmatched'; reason: string; candidates?: string[] }][] = [
    ['email, case-insensitive', { email: 'ANN@Example.com', name: 'Someone Else' }, { kind: 'matched', accountId: 'a-ann', by: 'email' }],
    ['display name when Jira hides the email', { email: 'bob@corp.test', name: '  bob   STONE ' }, { kind: 'matched', accountId: 'a-bob', by: 'display-name' }],
    ['two namesakes: ambiguous, never a guess', { email: 'sam@corp.test', name: 'Sam Park' }, { kind: 'unmatched', reason: 'ambiguous', candidates: ['a-sam1', 'a-sam2'] }],
    ['two accounts with one email: ambiguous', { email: 'dup@example.com', name: 'Dup' }, { kind: 'unmatched', reason: 'ambiguous', candidates: ['a-dup1', 'a-dup2'] }],
    ['a name whose account shows another email is not a match', { email: 'eve@corp.test', name: 'Eve Shown' }, { kind: 'unmatched', reason: 'no-account' }],
    ['inactive accounts are not matched', { email: 'old@example.com', name: 'Old Timer' }, { kind: 'unmatched', reason: 'no-account' }],
    ['app accounts are not people', { email: 'app@corp.test', name: 'Some App' }, { kind: 'unmatched', reason: 'no-account' }],
  ];
  it.each(cases)('%s', (_name, person, expected) => {
    const result = buildDirectory([person], JIRA, NO_OVERRIDES);
    if (expected.kind === 'matched') {
      expect(result.unmatched).toEqual([]);
      expect(result.matched).toEqual([{ email: person.email.toLowerCase(), name: person.name.trim(), account: expect.objectContaining({ accountId: expected.accountId }), by: expected.by }]);
    } else {
      expect(result.matched).toEqual([]);
      expect(result.unmatched).toHaveLength(1);
      expect(result.unmatched[0]?.reason).toBe(expected.reason);
      if (expected.candidates) expect(result.unmatched[0]?.candidates.map((c) => c.accountId)).toEqual(expected.candidates);
    }
  });

  it('an account two people would get (namesakes on the Impact side) goes to neither', () => {
    const result = buildDirectory([{ email: 'b1@corp.test', name: 'Bob Stone' }, { email: 'b2@corp.test', name: 'Bob Stone' }], JIRA, NO_OVERRIDES);
    expect(result.matched).toEqual([]);
    expect(result.unmatched.map((x) => [x.email, x.reason])).toEqual([['b1@corp.test', 'account-contested'], ['b2@corp.test', 'account-contested']]);
  });

  it('manual matches and unmatches win over the automatic verdict; a manually given account is not matched again', () => {
    let overrides: DirectoryOverrides = withManualMatch(NO_OVERRIDES, 'Sam@corp.test', { accountId: 'a-sam2', ...BY });
    overrides = withManualUnmatch(overrides, 'ann@example.com', BY);
    overrides = withManualMatch(overrides, 'x@corp.test', { accountId: 'a-bob', ...BY });
    const result = buildDirectory(
      [{ email: 'sam@corp.test', name: 'Sam Park' }, { email: 'ann@example.com', name: 'Ann' }, { email: 'x@corp.test', name: 'X' }, { email: 'bob@corp.test', name: 'Bob Stone' }],
      JIRA,
      overrides,
    );
    expect(result.matched.map((m) => [m.email, m.account.accountId, m.by])).toEqual([['sam@corp.test', 'a-sam2', 'manual'], ['x@corp.test', 'a-bob', 'manual']]);
    expect(result.unmatched.map((m) => [m.email, m.reason])).toEqual([['ann@example.com', 'manual'], ['bob@corp.test', 'no-account']]);
  });

  it('a manual match to an account Jira no longer lists is reported, not kept as a match', () => {
    const result = buildDirectory([{ email: 'z@corp.test', name: 'Z' }], JIRA, withManualMatch(NO_OVERRIDES, 'z@corp.test', { accountId: 'a-deleted', ...BY }));
    expect(result.unmatched).toEqual([{ email: 'z@corp.test', name: 'Z', reason: 'manual-account-gone', candidates: [{ accountId: 'a-deleted', displayName: '' }] }]);
  });

  it('a match replaces an unmatch and forgetting restores the automatic verdict', () => {
    const unmatched = withManualUnmatch(NO_OVERRIDES, 'ann@example.com', BY);
    const matched = withManualMatch(unmatched, 'ANN@example.com', { accountId: 'a-bob', ...BY });
    expect(Object.keys(matched.unmatches)).toEqual([]);
    expect(buildDirectory([{ email: 'ann@example.com', name: 'Ann' }], JIRA, withoutOverride(matched, 'ann@example.com')).matched[0]?.by).toBe('email');
  });

  it('property: every person appears exactly once; no account is matched twice; a match has exactly one candidate', () => {
    const names = ['Ann Lee', 'Bob Stone', 'Sam Park', 'Kim Ray'];
    const emails = ['ann@example.com', 'bob@example.com', 'kim@example.com', 'x@example.com'];
    const jiraArb = fc.array(fc.record({ id: fc.integer({ min: 0, max: 9 }), name: fc.constantFrom(...names), email: fc.option(fc.constantFrom(...emails), { nil: null }) }), { maxLength: 8 });
    const peopleArb = fc.array(fc.record({ email: fc.constantFrom(...emails, 'y@example.com'), name: fc.constantFrom(...names) }), { maxLength: 8 });
    fc.assert(
      fc.property(jiraArb, peopleArb, (jira, people) => {
        const accounts = [...new Map(jira.map((j) => [`a${j.id}`, u(`a${j.id}`, j.name, j.email)])).values()];
        const result = buildDirectory(people, accounts, NO_OVERRIDES);
        const all = [...result.matched, ...result.unmatched].map((p) => p.email);
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(new Set(people.map((p) => p.email)));
        const ids = result.matched.map((m) => m.account.accountId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const m of result.matched) {
          const account = accounts.find((a) => a.accountId === m.account.accountId)!;
          if (m.by === 'email') expect(accounts.filter((a) => a.emailAddress === m.email)).toEqual([account]);
          else expect(accounts.filter((a) => !a.emailAddress && a.displayName === account.displayName)).toHaveLength(1);
        }
      }),
    );
  });
});
