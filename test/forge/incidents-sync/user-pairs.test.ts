/** One pair store for both user matchers: the pure merge, and the incident sync consulting it first. */
import { asCheckedPairs, matchUsers, recordUserMatches, MAX_UNMATCHED_USERS, type JiraUser, type UserPairs } from '../../../src/forge/domain/incidents';
import { ensureUserLink, loadUnmatchedUsers, UNMATCHED_RECHECK_MS } from '../../../src/forge/incidents/users';
import { IncidentKeys, loadUsers } from '../../../src/forge/incidents/incident-store';
import type { JiraIncidentPort } from '../../../src/forge/ports/jira-incidents';
import type { JiraResult } from '../../../src/forge/ports/jira';
import { InMemoryStore } from '../../support/in-memory-store';

const jane = { email: 'jane@example.com', name: 'Jane Doe', accountId: 'a-jane', by: 'email' as const };
const empty: UserPairs = { links: [], unmatched: [] };

describe('recordUserMatches (pure)', () => {
  it('adds a match, replaces an older pair of the same email or account, and clears the person from the unmatched list', () => {
    const before: UserPairs = {
      links: [
        { email: 'jane@example.com', name: 'Jane Doe', accountId: 'a-old', by: 'display-name' },
        { email: 'jd@example.com', name: 'J D', accountId: 'a-jane', by: 'email' },
        { email: 'kim@example.com', name: 'Kim', accountId: 'a-kim', by: 'email' },
      ],
      unmatched: [{ email: 'JANE@example.com', name: 'Jane Doe', reason: 'unmatched', candidates: [], checkedAt: 1 }],
    };
    const after = recordUserMatches(before, { links: [jane], unmatched: [] });
    expect(after.links).toEqual([{ email: 'kim@example.com', name: 'Kim', accountId: 'a-kim', by: 'email' }, jane]);
    expect(after.unmatched).toEqual([]);
  });

  it('drops a pair when a later lookup finds the person ambiguous (never kept as a guess), and records when', () => {
    const before: UserPairs = { links: [{ email: 'li@example.com', name: 'Li Wei', accountId: 'a-li-1', by: 'display-name' }], unmatched: [] };
    const found = asCheckedPairs({ links: [], unmatched: [{ email: 'li@example.com', name: 'Li Wei', reason: 'ambiguous', candidates: ['a-li-1', 'a-li-2'] }] }, 500);
    expect(recordUserMatches(before, found)).toEqual({
      links: [],
      unmatched: [{ email: 'li@example.com', name: 'Li Wei', reason: 'ambiguous', candidates: ['a-li-1', 'a-li-2'], checkedAt: 500 }],
    });
  });

  it('keeps the name it knew when a verdict has none (the directory may know only an email)', () => {
    const before: UserPairs = { links: [{ ...jane, by: 'display-name' }], unmatched: [] };
    expect(recordUserMatches(before, { links: [{ ...jane, name: '' }], unmatched: [] }).links).toEqual([jane]);
  });

  it('leaves people it was not told about alone, and bounds the unmatched list', () => {
    const many = Array.from({ length: MAX_UNMATCHED_USERS + 5 }, (_, i) => ({ email: `p${i}@example.com`, name: `P ${i}`, reason: 'unmatched' as const, candidates: [], checkedAt: i }));
    const after = recordUserMatches({ links: [jane], unmatched: [] }, { links: [], unmatched: many });
    expect(after.links).toEqual([jane]);
    expect(after.unmatched).toHaveLength(MAX_UNMATCHED_USERS);
    expect(after.unmatched[0]!.email).toBe('p5@example.com');
    expect(recordUserMatches(empty, empty)).toEqual(empty);
  });
});

describe('ensureUserLink consults the pair store first', () => {
  const jiraUsers: JiraUser[] = [
    { accountId: 'a-li-1', displayName: 'Li Wei' },
    { accountId: 'a-li-2', displayName: 'Li Wei' },
    { accountId: 'a-jane', displayName: 'Jane Doe', emailAddress: 'jane@example.com' },
  ];
  function countingJira(answer: (q: string) => JiraResult<readonly JiraUser[]> = () => ({ ok: true, value: jiraUsers })): { jira: JiraIncidentPort; searches: string[] } {
    const searches: string[] = [];
    return { jira: { searchUsers: async (q: string) => (searches.push(q), answer(q)) } as unknown as JiraIncidentPort, searches };
  }

  it('uses a pair the directory wrote without searching Jira', async () => {
    const store = new InMemoryStore();
    // What the directory's refresh does with its report.
    await store.set(IncidentKeys.users, recordUserMatches(empty, asCheckedPairs(matchUsers([{ email: 'Jane@Example.com', name: 'Jane Doe' }], jiraUsers), 10)).links);
    const { jira, searches } = countingJira();
    const links = await ensureUserLink({ email: 'jane@example.com', name: 'Jane Doe' }, await loadUsers(store), jira, store, 20);
    expect(links.map((l) => l.accountId)).toEqual(['a-jane']);
    expect(searches).toEqual([]);
  });

  it('leaves someone ambiguous unassigned without searching again until the recheck time, then never guesses', async () => {
    const store = new InMemoryStore();
    await store.set(IncidentKeys.unmatchedUsers, asCheckedPairs(matchUsers([{ email: 'li@example.com', name: 'Li Wei' }], jiraUsers), 1_000).unmatched);
    const { jira, searches } = countingJira();
    const li = { email: 'li@example.com', name: 'Li Wei' };
    expect(await ensureUserLink(li, [], jira, store, 1_000 + UNMATCHED_RECHECK_MS - 1)).toEqual([]);
    expect(searches).toEqual([]);
    // The manual re-check's twin: after the recheck time the sync searches again, still finds two, assigns no one.
    expect(await ensureUserLink(li, [], jira, store, 1_000 + UNMATCHED_RECHECK_MS)).toEqual([]);
    expect(searches).toEqual(['li@example.com', 'Li Wei']);
    expect(await loadUnmatchedUsers(store)).toEqual([expect.objectContaining({ email: 'li@example.com', reason: 'ambiguous', candidates: ['a-li-1', 'a-li-2'], checkedAt: 1_000 + UNMATCHED_RECHECK_MS })]);
  });

  it('records a new match in the one store, and a failed search as nothing', async () => {
    const store = new InMemoryStore();
    const down = countingJira(() => ({ ok: false, failure: { kind: 'unavailable', status: 503, message: 'down' } }));
    expect(await ensureUserLink({ email: 'zed@example.com', name: 'Zed' }, [], down.jira, store, 5)).toEqual([]);
    expect(await loadUnmatchedUsers(store)).toEqual([]);
    const { jira } = countingJira();
    expect(await ensureUserLink({ email: 'jane@example.com', name: 'Jane Doe' }, [], jira, store, 6)).toEqual([jane]);
    expect(await loadUsers(store)).toEqual([jane]);
  });
});
