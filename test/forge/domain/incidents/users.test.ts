import { impactUserForAccount, matchImpactUser, matchUsers, type JiraUser } from '../../../../src/forge/domain/incidents/user-matching';

const jiraUsers: JiraUser[] = [
  { accountId: 'a-jane', displayName: 'Jane Doe', emailAddress: 'jane.doe@example.com' },
  { accountId: 'a-omar', displayName: 'Omar  Khalil', emailAddress: null },
  { accountId: 'a-li-1', displayName: 'Li Wei' },
  { accountId: 'a-li-2', displayName: 'li wei ' },
  { accountId: 'a-sam', displayName: 'Sam Roe', emailAddress: 'sam.roe@other.example' },
  { accountId: 'a-bot', displayName: 'Bridge Bot', accountType: 'app' },
  { accountId: 'a-gone', displayName: 'Old Timer', active: false },
];

describe('user matching', () => {
  it.each([
    ['email, case-insensitive', { email: ' JANE.DOE@example.com', name: 'J. Doe' }, { kind: 'matched', accountId: 'a-jane', by: 'email' }],
    ['display name when Jira hides the email', { email: 'omar@example.com', name: 'omar khalil' }, { kind: 'matched', accountId: 'a-omar', by: 'display-name' }],
    ['ambiguous display names', { email: 'li@example.com', name: 'Li Wei' }, { kind: 'ambiguous', by: 'display-name', candidates: ['a-li-1', 'a-li-2'] }],
    ['not a user showing a different email', { email: 'sam@example.com', name: 'Sam Roe' }, { kind: 'unmatched' }],
    ['not app or inactive accounts', { email: 'x@example.com', name: 'Bridge Bot' }, { kind: 'unmatched' }],
    ['nobody', { email: 'nobody@example.com', name: 'Nobody' }, { kind: 'unmatched' }],
  ])('%s', (_name, user, expected) => {
    expect(matchImpactUser(user, jiraUsers)).toEqual(expected);
  });

  it('reports links and the unmatched list, deduplicated by email', () => {
    const report = matchUsers(
      [
        { email: 'jane.doe@example.com', name: 'Jane Doe' },
        { email: 'Jane.Doe@example.com', name: 'Jane' },
        { email: 'li@example.com', name: 'Li Wei' },
        { email: 'nobody@example.com', name: 'Nobody' },
      ],
      jiraUsers,
    );
    expect(report.links).toEqual([{ email: 'jane.doe@example.com', name: 'Jane Doe', accountId: 'a-jane', by: 'email' }]);
    expect(report.unmatched).toEqual([
      { email: 'li@example.com', name: 'Li Wei', reason: 'ambiguous', candidates: ['a-li-1', 'a-li-2'] },
      { email: 'nobody@example.com', name: 'Nobody', reason: 'unmatched', candidates: [] },
    ]);
    expect(impactUserForAccount(report.links, 'a-jane')).toEqual({ email: 'jane.doe@example.com', name: 'Jane Doe' });
    expect(impactUserForAccount(report.links, 'a-li-1')).toBeNull();
  });
});
