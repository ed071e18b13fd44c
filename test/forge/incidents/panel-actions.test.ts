/**
 * The incident issue panel's resolvers and the `incident-resync` queue job, through the real sandbox: the
 * local Forge host runs the app, the Jira simulator holds the issues, the Impact simulator the incidents
 * (its webhooks paused where the test changes an incident behind the app's back).
 */
import { StorageKeys } from '../../../src/forge/constants';
import type { DeliveryRecord, FailedDelivery } from '../../../src/forge/delivery/delivery-record';
import type { IssueIncident, PostMortemIssue, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { IncidentKeys, type IncidentRecord } from '../../../src/forge/incidents/incident-store';
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { jiraRequest, opsIssuesNewestFirst, readIssue, type SearchedIssue } from '../../support/jira-as-person';
import { impactSandboxForSuite } from '../../support/impact-sandbox';
import { consumerRecords, settle } from '../../support/sandbox-harness';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

type User = keyof typeof SANDBOX_USERS;

const panel = <T>(functionKey: string, user: User, issueKey: string, payload: Record<string, unknown> = {}): Promise<ResolverResult<T>> => env.panelResolver<T>(functionKey, issueKey, payload, user);

const kvs = <T>(key: string): T | undefined => {
  const item = env.sandbox.forge.kvs.get({ kind: 'kv' }, key);
  return item.ok ? (item.value.value as T) : undefined;
};

function listKvs<T>(prefix: string): { key: string; value: T }[] {
  const out: { key: string; value: T }[] = [];
  let cursor: string | undefined;
  do {
    const page = env.sandbox.forge.kvs.query(prefix, 20, cursor);
    if (!page.ok) throw new Error(page.failure.message);
    out.push(...page.value.items.map((i) => ({ key: i.key, value: i.value as T })));
    cursor = page.value.cursor;
  } while (cursor);
  return out;
}

const opsIssues = (): Promise<SearchedIssue[]> => opsIssuesNewestFirst(env.sandbox.urls.jira);

const impactWrites = () => env.impact.callLog.entries().filter((c) => c.surface === 'api' && c.method !== 'GET').length;
const impactReads = () => env.impact.callLog.entries().filter((c) => c.surface === 'api' && c.method === 'GET').length;

async function incidentOf(issueKey: string, user: User = 'alice'): Promise<IssueIncident> {
  const result = await panel<IssueIncident | PostMortemIssue | null>('getIssueIncident', user, issueKey);
  if (!result.ok || result.value?.kind !== 'incident') throw new Error(`${issueKey} is not an incident issue: ${JSON.stringify(result)}`);
  return result.value;
}

describe('incident issue panel: resync and unlink', () => {
  let issue: { id: string; key: string };

  beforeAll(async () => {
    env.impact.admin.createIncident({ id: 'INC-900', title: 'Checkout slow', priority: 3, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await env.settleAll();
    const found = (await opsIssues()).find((i) => i.fields.summary === 'Checkout slow');
    if (!found) throw new Error('the incident issue was not created');
    issue = found;
  });

  test('"Resync now" converges an issue that drifted behind the app\'s back, without a second issue or a write to Impact', async () => {
    env.impact.webhooks.pause();
    env.impact.admin.updateIncident('INC-900', { title: 'Checkout down', priority: 1, status: 'MITIGATING', commander: { email: 'alice@example.com', name: 'Alice Admin' } });
    await settle(env.sandbox);
    const drifted = await readIssue(env.sandbox.urls.jira, issue.key);
    expect(drifted.fields.summary).toBe('Checkout slow'); // the webhook is held: Jira does not know

    const issuesBefore = (await opsIssues()).length;
    const writesBefore = impactWrites();
    const readsBefore = impactReads();
    // dave administers nothing but can see the issue: enough to ask for a resync.
    const queued = await panel<{ queued: true; requestId: string; requestedAt: string }>('resyncIssueIncident', 'dave', issue.key);
    expect(queued).toMatchObject({ ok: true, value: { queued: true } });
    const requestId = queued.ok ? queued.value.requestId : '';
    const jobs = env.sandbox.forge.queue;
    await jobs.drain();

    const now = await readIssue(env.sandbox.urls.jira, issue.key);
    expect(now.fields.summary).toBe('Checkout down');
    expect(now.fields['customfield_11064']).toMatchObject({ value: '1' });
    expect(now.fields.status.name).toBe('in progress');
    expect(now.fields.assignee?.accountId).toBe(SANDBOX_USERS.alice.accountId);
    expect((await opsIssues()).length).toBe(issuesBefore);
    expect(impactReads() - readsBefore).toBe(1);
    expect(impactWrites()).toBe(writesBefore);

    const view = await incidentOf(issue.key, 'dave');
    expect(view).toMatchObject({ impactStatus: 'MITIGATING', jiraStatus: 'in progress', priority: 1, commander: 'alice@example.com', lastError: null });
    expect(view.resync).toMatchObject({ requestId, outcome: 'synced' });
    const line = consumerRecords(env.sandbox).find((r) => r.eventId === `resync-${requestId}`);
    expect(line?.outcome).toMatchObject({ kind: 'incident', incidentId: 'INC-900' });
    expect((line?.outcome as Extract<DeliveryRecord['outcome'], { kind: 'incident' }>).summary).toMatch(/^resync: /);
  });

  test('the held webhook arrives after the resync and changes nothing; a later change still syncs', async () => {
    const writesBefore = impactWrites();
    const edits = () => env.jira.callLog.entries().filter((e) => e.actorIsApp && e.method === 'PUT' && e.route === '/rest/api/3/issue/{issueIdOrKey}').length;
    const editsBefore = edits();
    env.impact.webhooks.resume();
    await env.settleAll();
    expect(edits()).toBe(editsBefore); // older than the snapshot: dropped as stale
    expect(impactWrites()).toBe(writesBefore);

    env.impact.admin.updateIncident('INC-900', { priority: 2 });
    await env.settleAll();
    expect((await readIssue(env.sandbox.urls.jira, issue.key)).fields['customfield_11064']).toMatchObject({ value: '2' });
    expect(impactWrites()).toBe(writesBefore);
  });

  test('a resync Impact refuses becomes a failed delivery with its reason; retrying it resyncs', async () => {
    env.impact.faults.inject('GET /api/v1/incidents/*', { kind: 'status', status: 404 });
    const queued = await panel<{ queued: true; requestId: string }>('resyncIssueIncident', 'alice', issue.key);
    if (!queued.ok) throw new Error(queued.error.message);
    await env.sandbox.forge.queue.drain();

    const view = await incidentOf(issue.key);
    expect(view.resync).toMatchObject({ requestId: queued.value.requestId, outcome: 'failed' });
    expect(view.lastError?.reason).toMatch(/^reading INC-900 from Impact: not found in Impact/);
    const failed = listKvs<FailedDelivery>(StorageKeys.failedDeliveryPrefix).find((f) => f.value.eventId === `resync-${queued.value.requestId}`);
    expect(failed?.value).toMatchObject({ groupKey: 'impact:INC-900', failureKind: 'not-found', resync: { incidentId: 'INC-900', requestId: queued.value.requestId } });
    // Like a failed webhook, it also has its `failed` line in the delivery log.
    const line = consumerRecords(env.sandbox).find((r) => r.eventId === `resync-${queued.value.requestId}`);
    expect(line).toMatchObject({ source: 'impact', groupKey: 'impact:INC-900', attempt: 1, outcome: { kind: 'failed', problems: [] } });
    expect((line?.outcome as Extract<DeliveryRecord['outcome'], { kind: 'failed' }>).reason).toMatch(/^reading INC-900 from Impact: not found in Impact/);

    // Behind the app's back again, then the admin retries the failed delivery from the settings page.
    env.impact.webhooks.pause();
    env.impact.admin.updateIncident('INC-900', { title: 'Checkout down (EU)' });
    const retried = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.alice.accountId },
      body: JSON.stringify({ functionKey: 'retryFailedDelivery', payload: { key: failed!.key }, extension: { project: { key: 'OPS' } } }),
    });
    expect(((await retried.json()) as { result: ResolverResult<unknown> }).result.ok).toBe(true);
    await env.sandbox.forge.queue.drain();
    expect((await readIssue(env.sandbox.urls.jira, issue.key)).fields.summary).toBe('Checkout down (EU)');
    expect((await incidentOf(issue.key)).resync?.outcome).toBe('synced');
    env.impact.webhooks.resume();
    await env.settleAll();
  });

  let postMortemKey = '';
  test('a post-mortem\'s panel names the incident issue it belongs to', async () => {
    env.impact.admin.updateIncident('INC-900', { status: 'POST_MORTEM' });
    await env.settleAll();
    const view = await incidentOf(issue.key);
    postMortemKey = view.postMortem?.issueKey ?? '';
    expect(postMortemKey).toMatch(/^PM-/);
    const pm = await panel<IssueIncident | PostMortemIssue | null>('getIssueIncident', 'dave', postMortemKey);
    expect(pm).toEqual({ ok: true, value: { kind: 'post-mortem', issueKey: postMortemKey, incidentId: 'INC-900', incidentIssueKey: issue.key } });
    // The reverse key is not the incident-issue index the trigger syncs by.
    const pmId = (await readIssue(env.sandbox.urls.jira, postMortemKey)).id;
    expect(kvs(IncidentKeys.byIssue(pmId))).toBeUndefined();
    expect(kvs(IncidentKeys.postMortemOf(pmId))).toBe('INC-900');
  });

  test('a non-admin cannot unlink: the error comes back and nothing changes', async () => {
    const before = kvs<IncidentRecord>(IncidentKeys.record('INC-900'));
    const refused = await panel('unlinkIssueIncident', 'dave', issue.key);
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
    expect(kvs(IncidentKeys.record('INC-900'))).toEqual(before);
    expect(kvs(IncidentKeys.byIssue(issue.id))).toBe('INC-900');
    expect((await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${issue.key}/properties/impact-incident`)).status).toBe(200);
  });

  test('an admin unlinks: the link is forgotten both ways and the next Impact event opens a new issue', async () => {
    const pmId = (await readIssue(env.sandbox.urls.jira, postMortemKey)).id;
    expect(await panel('unlinkIssueIncident', 'alice', issue.key)).toEqual({ ok: true, value: { incidentId: 'INC-900' } });
    expect(kvs(IncidentKeys.byIssue(issue.id))).toBeUndefined();
    expect(kvs(IncidentKeys.postMortemOf(pmId))).toBeUndefined();
    expect(kvs<IncidentRecord>(IncidentKeys.record('INC-900'))?.link).toBeNull();
    expect((await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${issue.key}/properties/impact-incident`)).status).toBe(404);
    expect(await panel('getIssueIncident', 'alice', issue.key)).toEqual({ ok: true, value: null });
    expect(await panel('getIssueIncident', 'alice', postMortemKey)).toEqual({ ok: true, value: null });
    expect(await panel('resyncIssueIncident', 'alice', issue.key)).toEqual({ ok: false, error: { code: 'not-found', message: `${issue.key} is not linked to an Impact incident` } });

    const before = (await opsIssues()).length;
    env.impact.admin.updateIncident('INC-900', { title: 'Checkout down, again' });
    await env.settleAll();
    const issues = await opsIssues();
    expect(issues.length).toBe(before + 1);
    const reopened = issues[0]!;
    expect(reopened.key).not.toBe(issue.key);
    expect(reopened.fields.summary).toBe('Checkout down, again');
    expect((await incidentOf(reopened.key)).incidentId).toBe('INC-900');
    // The old issue is left as it was.
    expect((await readIssue(env.sandbox.urls.jira, issue.key)).fields.summary).toBe('Checkout down (EU)');
  });

  test('resync asks for an issue the caller can see, and a pending request is not queued twice', async () => {
    expect(await panel('resyncIssueIncident', 'alice', 'OPS-99999')).toEqual({ ok: false, error: { code: 'not-found', message: 'OPS-99999 does not exist or you cannot see it' } });
    const reopened = (await opsIssues())[0]!;
    env.impact.webhooks.pause();
    const first = await panel<{ requestId: string }>('resyncIssueIncident', 'alice', reopened.key);
    const second = await panel<{ requestId: string }>('resyncIssueIncident', 'bob', reopened.key);
    expect(first.ok && second.ok && first.value.requestId === second.value.requestId).toBe(true);
    await env.sandbox.forge.queue.drain();
    expect((await incidentOf(reopened.key)).resync?.outcome).toBe('synced');
    env.impact.webhooks.resume();
    await env.settleAll();
  });
});
