/**
 * "Link by hand" (issue 16, row 37) through the whole sandbox: an admin links an existing issue from the issue
 * panel's resolvers to a firing alert group or an Impact incident, and the next notification / Impact change
 * reaches that issue; Unlink stops it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageKeys } from '../../src/forge/constants';
import type { AlertGroupSearch, AlertLinkAnswer } from '../../src/forge/entry/resolvers/contract';
import { IncidentKeys } from '../../src/forge/incidents/incident-store';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest, readIssue, transitionAsPerson } from '../support/jira-as-person';
import { ALERTMANAGER_FIXTURES, postAlertmanager } from '../support/sandbox-harness';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

const fixture = (name: string): string => readFileSync(join(ALERTMANAGER_FIXTURES, name), 'utf8');

async function notify(name: string): Promise<void> {
  expect((await postAlertmanager(env.sandbox.urls.relay, fixture(name))).status).toBe(202);
  await env.settleAll();
}

async function createIssueAsAlice(summary: string, issueType = 'Task'): Promise<{ id: string; key: string }> {
  const response = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: issueType }, summary } });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

const comments = (key: string): number => env.jira.state.findIssue(key)?.comments.length ?? -1;
const property = async (key: string, name: string): Promise<unknown> => {
  const response = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}/properties/${name}`);
  return response.status === 200 ? ((await response.json()) as { value: unknown }).value : response.status;
};
const issueOfProblem = (problemKey: string): string | undefined => env.kvsValue<{ state: { issue: { key: string } | null } }>(StorageKeys.problem(problemKey))?.state.issue?.key;

beforeAll(() => {
  seedRules(env.sandbox.forge, fixtureRules());
});

describe('link an existing issue to a firing alert group', () => {
  let problemKey = '';
  let issueKey = '';
  let first = '';

  test('a group whose issue was closed while it still fires takes the linked issue', async () => {
    await notify('01-checkout-first-firing.json');
    const search = await env.panelResolver<AlertGroupSearch>('searchAlertGroups', 'OPS-1', { query: 'checkout prod-eu' });
    if (!search.ok) throw new Error(search.error.message);
    expect(search.value.hits).toHaveLength(1);
    const hit = search.value.hits[0]!;
    expect(hit).toMatchObject({ ruleId: 'checkout', grouping: 'group', groupLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' }, issueDone: false, firing: 1 });
    problemKey = hit.problemKey;
    first = hit.issueKey!;

    const mine = await createIssueAsAlice('Checkout error budget (tracked by hand)');
    issueKey = mine.key;
    // The group has an open issue: refused, naming it.
    expect(await env.panelResolver('linkIssueAlertGroup', issueKey, { problemKey })).toEqual({ ok: false, error: { code: 'conflict', message: `that alert group already has an open issue, ${first}; unlink ${first} first` } });

    await transitionAsPerson(env.sandbox.urls.jira, first, 'Closed');
    await env.settleAll();
    // Not an admin of OPS: refused, nothing written.
    expect(await env.panelResolver('linkIssueAlertGroup', issueKey, { problemKey }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
    expect(await env.panelResolver('linkIssueAlertGroup', issueKey, { problemKey: 'checkout' })).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'problemKey' }] } });
    expect(await env.panelResolver('linkIssueAlertGroup', issueKey, { problemKey: 'am:grp:00000000000000000000000000000000' })).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // Checked at once; stored by a job in the group's queue lane, so it never races the group's notifications.
    const asked = await env.panelResolver<AlertLinkAnswer>('linkIssueAlertGroup', issueKey, { problemKey });
    expect(asked).toEqual({ ok: true, value: { problemKey, previousIssueKey: first, outcome: 'pending', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    if (!asked.ok) throw new Error(asked.error.message);
    await env.settleAll();
    expect(await env.panelResolver('getIssueAlertLink', issueKey, { requestId: asked.value.requestId })).toEqual({ ok: true, value: { requestId: asked.value.requestId, problemKey, requestedAt: expect.any(String), outcome: 'linked', detail: null } });
    expect(issueOfProblem(problemKey)).toBe(issueKey);
    // The property the app's own issues carry, so the lookup after a reinstall finds this issue too.
    expect(await property(issueKey, 'incident-bridge-problem')).toEqual({ problemKey, source: 'alertmanager', grouping: 'group', identity: 'checkout:{alertname="HighErrorRate", cluster="prod-eu"}', ruleId: 'checkout' });
    // Linking it again, or another issue to the same group, is refused in words.
    expect(await env.panelResolver('linkIssueAlertGroup', issueKey, { problemKey })).toEqual({ ok: false, error: { code: 'conflict', message: `${issueKey} is already linked to an alert group (${problemKey}); unlink it first` } });
    const other = await createIssueAsAlice('another');
    expect(await env.panelResolver('linkIssueAlertGroup', other.key, { problemKey })).toEqual({ ok: false, error: { code: 'conflict', message: `that alert group already has an open issue, ${issueKey}; unlink ${issueKey} first` } });
    // The panel now shows the group on the linked issue.
    expect(await env.panelResolver('getIssueAlertGroup', issueKey)).toMatchObject({ ok: true, value: { problemKey, currentIssueKey: issueKey, previousIssueKeys: [first] } });
  });

  test('the next notifications comment on the linked issue and the resolve transitions it', async () => {
    const before = comments(first);
    await notify('03-checkout-group-grows.json');
    expect(comments(issueKey)).toBe(1);
    await notify('04-checkout-one-resolved.json');
    expect(comments(issueKey)).toBe(2);
    await notify('06-checkout-all-resolved.json');
    expect(comments(issueKey)).toBe(3);
    expect((await readIssue(env.sandbox.urls.jira, issueKey)).fields.status.name).toBe('Closed');
    // The closed issue heard nothing more.
    expect(comments(first)).toBe(before);
    // A resolved group is closed: nothing to link to any more.
    const later = await createIssueAsAlice('too late');
    expect(await env.panelResolver('linkIssueAlertGroup', later.key, { problemKey })).toEqual({ ok: false, error: { code: 'conflict', message: 'that alert group is closed: all its alerts are resolved, so no update would ever reach the issue' } });
  });

  test('after Unlink the issue receives no more updates', async () => {
    await notify('02-disk-first-firing.json');
    const search = await env.panelResolver<AlertGroupSearch>('searchAlertGroups', 'OPS-1', { query: 'DiskFilling' });
    if (!search.ok) throw new Error(search.error.message);
    const disk = search.value.hits[0]!;
    await transitionAsPerson(env.sandbox.urls.jira, disk.issueKey!, 'Closed');
    await env.settleAll();
    const mine = await createIssueAsAlice('Disk filling (by hand)');
    expect(await env.panelResolver('linkIssueAlertGroup', mine.key, { problemKey: disk.problemKey })).toMatchObject({ ok: true, value: { outcome: 'pending' } });
    await env.settleAll();
    expect(issueOfProblem(disk.problemKey)).toBe(mine.key);
    expect(await property(mine.key, 'incident-bridge-problem')).toMatchObject({ grouping: 'fingerprint', ruleId: 'disk' });
    expect(await env.panelResolver('unlinkIssueAlertGroup', mine.key)).toEqual({ ok: true, value: { problemKey: disk.problemKey } });
    expect(await property(mine.key, 'incident-bridge-problem')).toBe(404);
    // The disk rule comments on resolve: the unlinked issue gets no comment.
    await notify('07-disk-resolved.json');
    expect(comments(mine.key)).toBe(0);
    expect(await env.panelResolver('getIssueAlertGroup', mine.key)).toEqual({ ok: true, value: null });
  });
});

describe('link an existing issue to an Impact incident', () => {
  let issue = { id: '', key: '' };
  let created = '';

  test('refuses unknown and closed incidents, then links an open one', async () => {
    env.impact.admin.createIncident({ id: 'INC-300', title: 'Payments down', priority: 2 });
    await env.settleAll();
    created = env.issueKeyOf('INC-300');
    issue = await createIssueAsAlice('Payments outage (tracked by hand)', 'Incident');
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: 'INC-404' })).toEqual({ ok: false, error: { code: 'not-found', message: 'Impact has no incident INC-404' } });
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: 'INC 1' })).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'incidentId' }] } });
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: 'INC-300' })).toEqual({ ok: false, error: { code: 'conflict', message: `Impact incident INC-300 already has an issue, ${created}; unlink ${created} first` } });
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: 'INC-300' }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });

    expect(await env.panelResolver('unlinkIssueIncident', created)).toEqual({ ok: true, value: { incidentId: 'INC-300' } });
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: ' INC-300 ' })).toEqual({ ok: true, value: { incidentId: 'INC-300', title: 'Payments down' } });
    expect(env.kvsValue(IncidentKeys.byIssue(issue.id))).toBe('INC-300');
    expect(await property(issue.key, 'impact-incident')).toMatchObject({ incidentId: 'INC-300' });
    expect(await env.panelResolver('getIssueIncident', issue.key)).toMatchObject({ ok: true, value: { kind: 'incident', incidentId: 'INC-300', issueKey: issue.key } });
    expect(await env.panelResolver('linkIssueIncident', issue.key, { incidentId: 'INC-300' })).toEqual({ ok: false, error: { code: 'conflict', message: `${issue.key} is already linked to Impact incident INC-300; unlink it first` } });
  });

  test('an Impact status change reaches the linked issue, not the old one', async () => {
    const oldStatus = (await readIssue(env.sandbox.urls.jira, created)).fields.status.name;
    env.impact.admin.updateIncident('INC-300', { status: 'MITIGATING' });
    await env.settleAll();
    expect((await readIssue(env.sandbox.urls.jira, issue.key)).fields.status.name).toBe('in progress');
    expect((await readIssue(env.sandbox.urls.jira, created)).fields.status.name).toBe(oldStatus);
  });

  test('after Unlink an Impact change no longer reaches the issue', async () => {
    expect(await env.panelResolver('unlinkIssueIncident', issue.key)).toEqual({ ok: true, value: { incidentId: 'INC-300' } });
    const before = (await readIssue(env.sandbox.urls.jira, issue.key)).fields;
    env.impact.admin.updateIncident('INC-300', { status: 'MITIGATED', title: 'Payments down (EU)' });
    await env.settleAll();
    const after = (await readIssue(env.sandbox.urls.jira, issue.key)).fields;
    expect([after.status.name, after.summary]).toEqual([before.status.name, before.summary]);
  });

  test('a closed incident is refused', async () => {
    env.impact.admin.createIncident({ id: 'INC-301', title: 'Old outage', priority: 3 });
    env.impact.admin.updateIncident('INC-301', { status: 'CLOSED' });
    await env.settleAll();
    const late = await createIssueAsAlice('Old outage (by hand)', 'Incident');
    expect(await env.panelResolver('linkIssueIncident', late.key, { incidentId: 'INC-301' })).toEqual({ ok: false, error: { code: 'conflict', message: 'Impact incident INC-301 is closed: no update would reach the issue' } });
  });
});
