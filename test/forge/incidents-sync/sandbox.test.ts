/**
 * The incident sync in the whole sandbox (relay → web trigger → queue → consumer → Jira simulator):
 * a short Jira 429 is waited out inside the delivery instead of costing a queue retry, and people the
 * user directory ("Match users again") decided are used by the sync without searching Jira again.
 */
import { DEFAULT_RATE_LIMITS, SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import type { ImpactSimulator } from '../../../src/sandbox/impact-sim';
import type { JiraSimulator } from '../../../src/sandbox/jira-sim';
import type { ResolverResult, UserMatchList } from '../../../src/forge/entry/resolvers/contract';
import type { IncidentRecord } from '../../../src/forge/incidents/incident-store';
import { consumerRecords, settleWithImpact, startTestSandbox, type TestSandbox } from '../../support/sandbox-harness';
import { readIssue } from '../../support/jira-as-person';

jest.setTimeout(60_000);

let env: TestSandbox;
let impact: ImpactSimulator;
let jira: JiraSimulator;

beforeAll(async () => {
  env = await startTestSandbox();
  impact = env.sandbox.impact!;
  jira = env.sandbox.jira!;
});
afterAll(async () => {
  await env?.close();
});

const settleAll = (): Promise<void> => settleWithImpact(env.sandbox);

function kvsValue<T>(key: string): T | undefined {
  const page = env.sandbox.forge.kvs.query(key, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.find((item) => item.key === key)?.value as T | undefined;
}

function issueKeyOf(incidentId: string): string {
  const record = kvsValue<IncidentRecord>(`incident:${incidentId}`);
  if (!record?.link) throw new Error(`${incidentId} has no Jira issue`);
  return record.link.issueKey;
}

async function resolver<T>(functionKey: string, payload: Record<string, unknown> = {}): Promise<T> {
  const response = await env.sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.alice.accountId },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
    }),
  );
  const json = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!json.ok) throw new Error(`resolver ${functionKey} failed: ${json.error?.message}`);
  return json.result as T;
}

/** The admin's "Match users again" on the Projects & metrics tab. */
async function matchUsersAgain(): Promise<UserMatchList> {
  const result = await resolver<ResolverResult<UserMatchList>>('listUserMatches', { refresh: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const userSearches = (): number => jira.callLog.count((e) => e.route === '/rest/api/3/user/search' && e.actorIsApp);
const assigneeOf = async (incidentId: string): Promise<string | null> => (await readIssue(env.sandbox.urls.jira, issueKeyOf(incidentId))).fields.assignee?.accountId ?? null;

describe('a short Jira 429 during an Impact incident event', () => {
  afterEach(() => jira.rateLimits.configure({ perIssueWrites: DEFAULT_RATE_LIMITS.perIssueWrites }));

  test('is waited out inside the first delivery: no queue retry, no failed delivery', async () => {
    impact.admin.createIncident({ id: 'INC-700', title: 'Disk full', priority: 3, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await settleAll();
    const key = issueKeyOf('INC-700');
    const mark = jira.callLog.entries().length;

    // Jira's per-issue write limit, tightened to one write per 2 s: the edit goes through, the status move
    // right after it gets a 429 with Retry-After ≤ 2 s.
    jira.rateLimits.configure({ perIssueWrites: [[1, 2_000]] });
    impact.admin.updateIncident('INC-700', { title: 'Disk full on db-2', status: 'MITIGATING' });
    await settleAll();

    const during = jira.callLog.entries().slice(mark);
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
    impact.admin.createIncident({ id: 'INC-710', title: 'Before Frank joined', priority: 3, commander: frank });
    await settleAll();
    expect(await assigneeOf('INC-710')).toBeNull();

    // He gets an account; the admin asks the directory to match users again.
    jira.seed.addUser({ accountId: 'acc-frank', displayName: 'Frank Late', emailAddress: 'frank@example.com' });
    const list = await matchUsersAgain();
    expect(list.matched).toContainEqual({ email: 'frank@example.com', name: 'Frank Late', accountId: 'acc-frank', by: 'email' });

    const before = userSearches();
    impact.admin.createIncident({ id: 'INC-711', title: 'Frank on call', priority: 3, commander: frank });
    await settleAll();
    expect(await assigneeOf('INC-711')).toBe('acc-frank');
    expect(userSearches() - before).toBe(0);
  });

  test('a person the directory finds ambiguous stays unassigned (never guessed), also with zero searches', async () => {
    const gus = { email: 'gus@example.com', name: 'Gus Twin' };
    // One "Gus Twin" hiding his email: the sync pairs him by display name.
    jira.seed.addUser({ accountId: 'acc-gus-1', displayName: 'Gus Twin', emailAddress: 'gus@example.com', hideEmail: true });
    impact.admin.createIncident({ id: 'INC-720', title: 'Gus first', priority: 3, commander: gus });
    await settleAll();
    expect(await assigneeOf('INC-720')).toBe('acc-gus-1');

    // A second account with the same name appears: the directory can no longer tell who is who.
    jira.seed.addUser({ accountId: 'acc-gus-2', displayName: 'Gus Twin', emailAddress: 'gus.twin@example.net', hideEmail: true });
    const list = await matchUsersAgain();
    expect(list.unmatched).toContainEqual(expect.objectContaining({ email: 'gus@example.com', reason: 'ambiguous', candidates: ['acc-gus-1', 'acc-gus-2'] }));

    const before = userSearches();
    impact.admin.createIncident({ id: 'INC-721', title: 'Gus second', priority: 3, commander: gus });
    await settleAll();
    expect(await assigneeOf('INC-721')).toBeNull();
    expect(userSearches() - before).toBe(0);
    const record = consumerRecords(env.sandbox).find((r) => r.groupKey === 'impact:INC-721' && r.outcome.kind === 'incident');
    expect(record?.outcome).toMatchObject({ summary: expect.stringContaining('commander gus@example.com has no Jira account') });
  });
});
