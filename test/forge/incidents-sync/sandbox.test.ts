/**
 * The incident sync in the whole sandbox (relay → web trigger → queue → consumer → Jira simulator):
 * a short Jira 429 is waited out inside the delivery instead of costing a queue retry, and people the
 * user directory ("Match users again") decided are used by the sync without searching Jira again.
 */
import { DEFAULT_RATE_LIMITS } from '../../../src/sandbox/jira-sim';
import type { ResolverResult, UserMatchList } from '../../../src/forge/entry/resolvers/contract';
import { impactSandboxForSuite } from '../../support/impact-sandbox';
import { consumerRecords } from '../../support/sandbox-harness';
import { readIssue } from '../../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

/** The admin's "Match users again" on the Projects & metrics tab. */
async function matchUsersAgain(): Promise<UserMatchList> {
  const result = await env.settingsResolver<ResolverResult<UserMatchList>>('listUserMatches', { refresh: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const userSearches = (): number => env.jira.callLog.count((e) => e.route === '/rest/api/3/user/search' && e.actorIsApp);
const assigneeOf = async (incidentId: string): Promise<string | null> => (await readIssue(env.sandbox.urls.jira, env.issueKeyOf(incidentId))).fields.assignee?.accountId ?? null;

describe('a short Jira 429 during an Impact incident event', () => {
  afterEach(() => env.jira.rateLimits.configure({ perIssueWrites: DEFAULT_RATE_LIMITS.perIssueWrites }));

  test('is waited out inside the first delivery: no queue retry, no failed delivery', async () => {
    env.impact.admin.createIncident({ id: 'INC-700', title: 'Disk full', priority: 3, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await env.settleAll();
    const key = env.issueKeyOf('INC-700');
    const mark = env.jira.callLog.entries().length;

    // Jira's per-issue write limit, tightened to one write per 2 s: the edit goes through, the status move
    // right after it gets a 429 with Retry-After ≤ 2 s.
    env.jira.rateLimits.configure({ perIssueWrites: [[1, 2_000]] });
    env.impact.admin.updateIncident('INC-700', { title: 'Disk full on db-2', status: 'MITIGATING' });
    await env.settleAll();

    const during = env.jira.callLog.entries().slice(mark);
    const refused = during.filter((e) => e.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.rateLimitReason === 'jira-per-issue-on-write')).toBe(true);
    const view = await readIssue(env.sandbox.urls.jira, key);
    expect(view.fields.summary).toBe('Disk full on db-2');
    expect(view.fields.status.name).toBe('in progress');

    // Every delivery of this incident was applied by its first attempt, and the queue retried nothing.
    const records = consumerRecords(env.sandbox).filter((r) => r.groupKey === 'impact:INC-700');
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.map((r) => r.attempt)).toEqual(records.map(() => 1));
    const update = records.find((r) => r.outcome.kind === 'incident' && r.outcome.summary.includes('moved to'));
    expect(update).toMatchObject({ attempt: 1 });
    const jobs = env.sandbox.forge.queue.completedEvents().filter((j) => JSON.stringify(j.body).includes('"impact:INC-700"'));
    expect(jobs.map((j) => j.retryCount)).toEqual(jobs.map(() => 0));
  });
});

describe('one user matching: the directory’s verdicts are the incident sync’s pairs', () => {
  test('a person the directory matched is assigned with zero Jira user searches', async () => {
    const frank = { email: 'frank@example.com', name: 'Frank Late' };
    // Frank has no Jira account yet: the sync searches, finds nobody, and remembers that for an hour.
    env.impact.admin.createIncident({ id: 'INC-710', title: 'Before Frank joined', priority: 3, commander: frank });
    await env.settleAll();
    expect(await assigneeOf('INC-710')).toBeNull();

    // He gets an account; the admin asks the directory to match users again.
    env.jira.seed.addUser({ accountId: 'acc-frank', displayName: 'Frank Late', emailAddress: 'frank@example.com' });
    const list = await matchUsersAgain();
    expect(list.matched).toContainEqual({ email: 'frank@example.com', name: 'Frank Late', accountId: 'acc-frank', by: 'email' });

    const before = userSearches();
    env.impact.admin.createIncident({ id: 'INC-711', title: 'Frank on call', priority: 3, commander: frank });
    await env.settleAll();
    expect(await assigneeOf('INC-711')).toBe('acc-frank');
    expect(userSearches() - before).toBe(0);
  });

  test('a person the directory finds ambiguous stays unassigned (never guessed), also with zero searches', async () => {
    const gus = { email: 'gus@example.com', name: 'Gus Twin' };
    // One "Gus Twin" hiding his email: the sync pairs him by display name.
    env.jira.seed.addUser({ accountId: 'acc-gus-1', displayName: 'Gus Twin', emailAddress: 'gus@example.com', hideEmail: true });
    env.impact.admin.createIncident({ id: 'INC-720', title: 'Gus first', priority: 3, commander: gus });
    await env.settleAll();
    expect(await assigneeOf('INC-720')).toBe('acc-gus-1');

    // A second account with the same name appears: the directory can no longer tell who is who.
    env.jira.seed.addUser({ accountId: 'acc-gus-2', displayName: 'Gus Twin', emailAddress: 'gus.twin@example.net', hideEmail: true });
    const list = await matchUsersAgain();
    expect(list.unmatched).toContainEqual(expect.objectContaining({ email: 'gus@example.com', reason: 'ambiguous', candidates: ['acc-gus-1', 'acc-gus-2'] }));

    const before = userSearches();
    env.impact.admin.createIncident({ id: 'INC-721', title: 'Gus second', priority: 3, commander: gus });
    await env.settleAll();
    expect(await assigneeOf('INC-721')).toBeNull();
    expect(userSearches() - before).toBe(0);
    const record = consumerRecords(env.sandbox).find((r) => r.groupKey === 'impact:INC-721' && r.outcome.kind === 'incident');
    expect(record?.outcome).toMatchObject({ summary: expect.stringContaining('commander gus@example.com has no Jira account') });
  });
});
