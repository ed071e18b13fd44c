import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import type { FailedDeliverySummary, IssueIncident, ResolverResult, UserMatchList } from '../../src/forge/entry/resolvers/contract';
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { readIssue, transitionAsPerson, type IssueView } from '../support/jira-as-person';

/** Incident sync under failure: every refusal is recorded with its reason and never blocks the rest. */
jest.setTimeout(60_000);

const env = impactSandboxForSuite();

const issue = (key: string): Promise<IssueView> => readIssue(env.sandbox.urls.jira, key);

async function failedFor(incidentId: string): Promise<FailedDeliverySummary[]> {
  const out: FailedDeliverySummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.settingsResolver<{ items: FailedDeliverySummary[]; nextCursor: string | null }>('listFailedDeliveries', cursor ? { cursor } : {});
    out.push(...page.items.filter((i) => i.groupKey === `impact:${incidentId}`));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const humanTransition = (key: string, toStatus: string): Promise<void> => transitionAsPerson(env.sandbox.urls.jira, key, toStatus);

const bob = { email: 'bob@example.com', name: 'Bob Commander' };

describe('incident sync degrades gracefully and visibly', () => {
  test('a Jira change Impact refuses for a moment is retried by its queue job (the trigger only queues it) and applied', async () => {
    env.impact.admin.createIncident({ id: 'INC-300', title: 'Queue backlog', priority: 3, commander: bob });
    await env.settleAll();
    const key = env.issueKeyOf('INC-300');
    const patches = () => env.impact.callLog.entries().filter((e) => e.surface === 'api' && e.method === 'PATCH' && e.path.endsWith('/INC-300'));
    env.impact.faults.inject('PATCH /api/v1/incidents/*', { kind: 'status', status: 503, times: 1 });
    await humanTransition(key, 'in progress');
    await env.until(() => env.impact.store.get('INC-300')?.status === 'MITIGATING', 'Impact MITIGATING after the queue retry');
    expect(patches().map((e) => e.status)).toEqual([503, 200]);
    expect(await failedFor('INC-300')).toEqual([]);
    const jobs = env.sandbox.forge.queue.completedEvents().filter((j) => (j.body as { kind?: string; change?: { issueId?: string } }).kind === 'jira-change');
    expect(jobs.at(-1)?.retryCount).toBe(1);
    expect((await issue(key)).fields.status.name).toBe('in progress');
  });

  test('a Jira change refused with 4xx is recorded with Impact’s words, is not retried by the queue, and an admin’s retry applies it', async () => {
    env.impact.admin.createIncident({ id: 'INC-301', title: 'Cache misses', priority: 3, commander: bob });
    await env.settleAll();
    const key = env.issueKeyOf('INC-301');
    env.impact.faults.inject('PATCH /api/v1/incidents/*', { kind: 'status', status: 422, times: 1, body: { error: { code: 'invalid_transition', message: 'status cannot change now' } } });
    await humanTransition(key, 'in progress');
    await env.until(async () => (await failedFor('INC-301')).length > 0, 'a failed delivery for INC-301');
    const [failed] = await failedFor('INC-301');
    expect(failed).toMatchObject({ failureKind: 'rejected', attempts: 1 });
    expect(failed!.reason).toContain('status cannot change now');
    expect(env.impact.store.get('INC-301')?.status).toBe('OPEN');
    // The write never happened, so no key waits for its echo: a real Impact change to that value would apply.
    const guard = env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-301'))!.guard;
    expect(guard.bounces.filter((b) => b.side === 'impact')).toEqual([]);

    const retried = await env.settingsResolver<ResolverResult<{ eventId: string }>>('retryFailedDelivery', { key: failed!.key });
    expect(retried.ok).toBe(true);
    await env.until(() => env.impact.store.get('INC-301')?.status === 'MITIGATING', 'Impact MITIGATING after the retry');
    expect(await failedFor('INC-301')).toEqual([]);
    expect((await issue(key)).fields.status.name).toBe('in progress');
  });

  test('a Jira 400 on the edit is recorded with Jira’s text while the status move and assignment still go through', async () => {
    env.impact.admin.createIncident({ id: 'INC-302', title: 'Slow login', priority: 3 });
    await env.settleAll();
    const key = env.issueKeyOf('INC-302');
    env.jira.faults.inject('PUT /rest/api/3/issue/*', { kind: 'status', status: 400, times: 1, body: { errorMessages: [], errors: { customfield_11064: 'Option value 1 is not valid' } } });
    env.impact.admin.updateIncident('INC-302', { priority: 1, status: 'MITIGATING', commander: bob });
    await env.settleAll();
    const view = await issue(key);
    expect(view.fields.status.name).toBe('in progress');
    expect(view.fields.assignee?.accountId).toBe(SANDBOX_USERS.bob.accountId);
    const failed = await failedFor('INC-302');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failureKind).toBe('partial');
    expect(failed[0]!.reason).toContain('customfield_11064: Option value 1 is not valid');
  });

  test('a deleted Jira issue (404) and a refused assignment never block the event; both are recorded', async () => {
    env.impact.admin.createIncident({ id: 'INC-303', title: 'Gone issue', priority: 3 });
    await env.settleAll();
    const notFound = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
    env.jira.faults.inject('/rest/api/3/issue/*', { kind: 'status', status: 404, times: 2, body: notFound });
    env.jira.faults.inject('PUT /rest/api/3/issue/*/assignee', { kind: 'status', status: 400, times: 1, body: { errorMessages: [], errors: { assignee: 'User cannot be assigned issues.' } } });
    env.impact.admin.updateIncident('INC-303', { title: 'Gone issue (renamed)', status: 'MITIGATING', commander: bob });
    await env.settleAll();
    const delivery = env.impact.webhooks.deliveries((d) => d.incidentId === 'INC-303').at(-1)!;
    expect(delivery.state).toBe('delivered');
    const failed = await failedFor('INC-303');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toContain('Issue does not exist or you do not have permission to see it.');
    expect(failed[0]!.reason).toContain('assignee: User cannot be assigned issues.');
  });

  test('a commander unknown in Jira leaves the issue unassigned, is listed on the Projects tab’s user list, and the sync goes on', async () => {
    const searches = () => env.jira.callLog.entries().filter((e) => e.route === '/rest/api/3/user/search' && e.actorIsApp).length;
    env.impact.admin.createIncident({ id: 'INC-304', title: 'Nobody home', priority: 2, commander: { email: 'zed@elsewhere.example', name: 'Zed Outsider' } });
    await env.settleAll();
    const key = env.issueKeyOf('INC-304');
    const view = await issue(key);
    expect(view.fields.summary).toBe('Nobody home');
    expect(view.fields.assignee).toBeNull();
    const matches = await env.settingsResolver<ResolverResult<UserMatchList>>('listUserMatches', { refresh: true });
    if (!matches.ok) throw new Error(matches.error.message);
    expect(matches.value.unmatched).toEqual([expect.objectContaining({ email: 'zed@elsewhere.example', name: 'Zed Outsider', reason: 'unmatched', source: 'incident-sync-unmatched' })]);
    expect((await failedFor('INC-304'))[0]!.reason).toContain('commander zed@elsewhere.example has no Jira account');
    // The issue panel says so, with both sides' values, instead of "in sync".
    const panel = await env.panelResolver<IssueIncident>('getIssueIncident', key);
    if (!panel.ok) throw new Error(panel.error.message);
    expect(panel.value.outOfSync).toEqual([{ field: 'commander', impact: 'zed@elsewhere.example', jira: '', reason: "Impact's commander cannot be set in Jira" }]);

    // Dave (not an OPS admin) cannot pick Jira's side; Alice can: Impact is brought to Jira's (no commander).
    const refused = await env.panelResolver<unknown>('resyncIssueIncident', key, { side: 'jira' }, 'dave');
    expect(refused.ok).toBe(false);
    const picked = await env.panelResolver<{ requestId: string }>('resyncIssueIncident', key, { side: 'jira' });
    expect(picked.ok).toBe(true);
    await env.until(() => env.impact.store.get('INC-304')?.commander === null, 'Impact commander cleared from Jira');
    const after = await env.panelResolver<IssueIncident>('getIssueIncident', key);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.outOfSync).toEqual([]);
    env.impact.admin.updateIncident('INC-304', { commander: { email: 'zed@elsewhere.example', name: 'Zed Outsider' } });
    await env.settleAll();

    // Cached: the next event naming Zed does not search Jira again, and still syncs.
    const before = searches();
    env.impact.admin.updateIncident('INC-304', { commander: { email: 'zed@elsewhere.example', name: 'Zed Outsider' }, title: 'Nobody home at all' });
    await env.settleAll();
    expect(searches()).toBe(before);
    expect((await issue(key)).fields.summary).toBe('Nobody home at all');
  });

  test('the post-mortem link falls back to the next type when Jira refuses one, and the post-mortem survives when all fail', async () => {
    env.impact.admin.createIncident({ id: 'INC-305', title: 'Link fallback', priority: 3, commander: bob });
    await env.settleAll();
    const key = env.issueKeyOf('INC-305');
    env.jira.faults.inject('POST /rest/api/3/issueLink', { kind: 'status', status: 400, times: 1 });
    env.impact.admin.updateIncident('INC-305', { status: 'POST_MORTEM' });
    await env.settleAll();
    const links = (await issue(key)).fields['issuelinks'] as { type: { name: string }; inwardIssue?: { key: string }; outwardIssue?: { key: string } }[];
    expect(links.map((l) => l.type.name)).toEqual(['Blocks']);
    expect((links[0]!.inwardIssue ?? links[0]!.outwardIssue)!.key).toMatch(/^PM-/);

    env.impact.admin.createIncident({ id: 'INC-306', title: 'No link at all', priority: 3, commander: bob });
    await env.settleAll();
    const second = env.issueKeyOf('INC-306');
    env.jira.faults.inject('POST /rest/api/3/issueLink', { kind: 'status', status: 400, times: 10 });
    env.impact.admin.updateIncident('INC-306', { status: 'POST_MORTEM' });
    await env.settleAll();
    env.jira.faults.clear();
    expect((await issue(second)).fields['issuelinks']).toEqual([]);
    const pm = env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-306'))!.link!.postMortem;
    expect(pm?.issueKey).toMatch(/^PM-/);
    expect((await issue(pm!.issueKey)).fields.assignee?.accountId).toBe(SANDBOX_USERS.bob.accountId);
    // Link attempts: Relates, Blocks (Relates to is Relates' description, tried once), never a parent link.
    const linkCalls = env.jira.callLog.entries().filter((e) => e.route === '/rest/api/3/issueLink' && e.method === 'POST');
    expect(linkCalls.length).toBe(1 + 1 + 2);
  });
});
