import { validateIncidentClosure } from '../../src/forge/index';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { IMPACT_API_CLIENT } from '../../src/sandbox/sandbox';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest, readIssue, transitionAsPerson, type IssueView } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

const asHuman = (email: string, method: string, path: string, body?: unknown): Promise<Response> => jiraRequest(env.sandbox.urls.jira, email, method, path, body);

const issue = (key: string): Promise<IssueView> => readIssue(env.sandbox.urls.jira, key);

const humanTransition = (key: string, toStatus: string): Promise<void> => transitionAsPerson(env.sandbox.urls.jira, key, toStatus);

const jiraCalls = (method: string, route: string) => env.jira.callLog.entries().filter((e) => e.method === method && e.route === route && e.actorIsApp).length;
const apiCalls = () => env.impact.callLog.entries().filter((e) => e.surface === 'api');
const impactWrites = () => apiCalls().filter((c) => c.method !== 'GET').length;
const impactPatches = () => apiCalls().filter((c) => c.method === 'PATCH').length;
const incident = (id = 'INC-100') => env.impact.store.get(id);

describe('Impact ⇄ Jira incident sync through the sandbox', () => {
  let key = '';

  test('an incident created in Impact becomes an OPS issue with mapped fields', async () => {
    env.impact.admin.createIncident({ id: 'INC-100', title: 'Checkout errors', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await env.settleAll();
    expect(env.impact.webhooks.deliveries().map((d) => [d.event, d.state])).toEqual([['incident.created', 'delivered']]);
    const created = env.jira.callLog.entries().find((e) => e.method === 'POST' && e.route === '/rest/api/3/issue');
    expect(created?.status).toBe(201);
    const search = (await (await asHuman('alice@example.com', 'POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY created DESC', fields: ['summary'] })).json()) as { issues: { key: string }[] };
    key = search.issues[0]!.key;
    const view = await issue(key);
    expect(view.fields.summary).toBe('Checkout errors');
    expect(view.fields['customfield_11064']).toMatchObject({ value: '2' });
    expect(view.fields.assignee?.accountId).toBe(SANDBOX_USERS.bob.accountId);
    expect(view.fields.status.name).toBe('Incoming');
  });

  test('Impact status moves walk the workflow one transition call per step, with no echo writes', async () => {
    const before = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');
    const writesBefore = impactWrites();
    env.impact.admin.updateIncident('INC-100', { status: 'MITIGATED' });
    await env.settleAll();
    expect((await issue(key)).fields.status.name).toBe('Reporter validation');
    // Incoming → in progress → Reporter validation.
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions') - before).toBe(2);
    expect(impactWrites() - writesBefore).toBe(0);
  });

  test('a Jira status change reaches Impact once, and its echo does not come back', async () => {
    const transitions = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');
    await humanTransition(key, 'in progress');
    await env.until(() => incident()?.status === 'MITIGATING', 'Impact MITIGATING');
    expect((await issue(key)).fields.status.name).toBe('in progress');
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions')).toBe(transitions);
    expect(impactPatches()).toBe(1);
    // Impact saw one write from the app, with the app's token; its webhook came back and was dropped.
    const update = env.impact.store.updatesOf('INC-100').at(-1)!;
    expect(update).toMatchObject({ fields: ['status'], origin: { type: 'api', client: IMPACT_API_CLIENT } });
    expect(incident()?.status_history.map((h) => h.status)).toEqual(['OPEN', 'MITIGATED', 'MITIGATING']);
  });

  test('priority syncs both ways', async () => {
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '1' } } })).status).toBe(204);
    await env.until(() => incident()?.priority === 1, 'Impact P1');
    env.impact.admin.updateIncident('INC-100', { priority: 4 });
    await env.settleAll();
    expect((await issue(key)).fields['customfield_11064']).toMatchObject({ value: '4' });
    expect(incident()?.priority).toBe(4);
  });

  test('commander and assignee sync both ways', async () => {
    env.impact.admin.updateIncident('INC-100', { commander: { email: 'alice@example.com', name: 'Alice Admin' } });
    await env.settleAll();
    expect((await issue(key)).fields.assignee?.accountId).toBe(SANDBOX_USERS.alice.accountId);
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: SANDBOX_USERS.dave.accountId })).status).toBe(204);
    await env.until(() => incident()?.commander?.email === 'dave@example.com', 'Impact commander dave');
    expect(incident()?.commander).toEqual({ email: 'dave@example.com', name: SANDBOX_USERS.dave.displayName });
    expect((await issue(key)).fields.assignee?.accountId).toBe(SANDBOX_USERS.dave.accountId);
  });

  let postMortemKey = '';
  test('POST_MORTEM creates a linked, assigned post-mortem with the timeline; key events refresh it', async () => {
    env.impact.admin.updateIncident('INC-100', { status: 'POST_MORTEM' });
    await env.settleAll();
    const view = await issue(key);
    const links = (view.fields['issuelinks'] ?? []) as { type: { name: string }; inwardIssue?: { key: string }; outwardIssue?: { key: string } }[];
    expect(links).toHaveLength(1);
    expect(links[0]!.type.name).toBe('Relates');
    postMortemKey = (links[0]!.inwardIssue ?? links[0]!.outwardIssue)!.key;
    expect(postMortemKey).toMatch(/^PM-/);
    const pm = await issue(postMortemKey);
    expect(pm.fields.summary).toBe('Post-mortem: Checkout errors (INC-100)');
    expect(pm.fields.assignee?.accountId).toBe(SANDBOX_USERS.dave.accountId);
    expect(JSON.stringify(pm.fields['description'])).toContain('Status changed to: Post-mortem');
    // Impact is told where the post-mortem is (a note on the incident).
    expect(env.impact.notes.list('INC-100').some((n) => n.message.includes(postMortemKey))).toBe(true);

    env.impact.admin.addKeyEvent('INC-100', { kind: 'fix_deployed', message: 'rolled back v42' });
    await env.settleAll();
    expect(JSON.stringify((await issue(postMortemKey)).fields['description'])).toContain('Fix deployed - rolled back v42');
  });

  test('closing the incident issue is refused until the post-mortem is done', async () => {
    const refused = await validateIncidentClosure({ issue: { key } });
    expect(refused).toEqual({ result: false, errorMessage: `Close the post-mortem ${postMortemKey} before closing this incident.` });
    await humanTransition(postMortemKey, 'Done');
    expect(await validateIncidentClosure({ issue: { key } })).toEqual({ result: true });
  });

  test('a burst of alternating edits converges without ping-pong', async () => {
    const patches = impactPatches;
    const jiraEdits = () => jiraCalls('PUT', '/rest/api/3/issue/{issueIdOrKey}');
    const p0 = patches();
    const e0 = jiraEdits();
    env.impact.admin.updateIncident('INC-100', { priority: 3 });
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '2' } } })).status).toBe(204);
    env.impact.admin.updateIncident('INC-100', { priority: 5 });
    await new Promise((r) => setTimeout(r, 300));
    await env.settleAll();
    await new Promise((r) => setTimeout(r, 300));
    await env.settleAll();
    const jiraPriority = ((await issue(key)).fields['customfield_11064'] as { value: string }).value;
    expect(Number(jiraPriority)).toBe(incident()?.priority);
    // At most one write per human edit in each direction: nothing echoes back and forth.
    expect(patches() - p0).toBeLessThanOrEqual(1);
    expect(jiraEdits() - e0).toBeLessThanOrEqual(3);
  });

  test('an old event redelivered causes no backward move', async () => {
    const status = (await issue(key)).fields.status.name;
    const transitions = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');
    const old = env.impact.webhooks.deliveries((d) => 'status' in d.body.updated_fields && d.body.incident.status === 'MITIGATED' && d.body.origin.type === 'user')[0]!;
    const again = env.impact.webhooks.redeliver(old.eventId);
    await env.settleAll();
    expect((await env.impact.webhooks.waitFor(again.seq)).state).toBe('delivered');
    expect((await issue(key)).fields.status.name).toBe(status);
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions')).toBe(transitions);
  });

  test('webhooks arriving newest first never move a status backwards', async () => {
    env.impact.admin.createIncident({ id: 'INC-101', title: 'Search latency' });
    await env.settleAll();
    const search = (await (await asHuman('alice@example.com', 'POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY created DESC', fields: ['summary'] })).json()) as { issues: { key: string; fields: { summary: string } }[] };
    const second = search.issues.find((i) => i.fields.summary === 'Search latency')!.key;
    expect((await issue(second)).fields.status.name).toBe('Incoming');
    const transitions = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');

    env.impact.webhooks.pause();
    env.impact.admin.updateIncident('INC-101', { status: 'INVESTIGATING' });
    // Distinct occurred_at times: the later change must be the newer one.
    await new Promise((r) => setTimeout(r, 20));
    env.impact.admin.updateIncident('INC-101', { status: 'MITIGATED' });
    env.impact.webhooks.resume({ reverse: true });
    await env.settleAll();

    const sent = env.impact.webhooks.deliveries((d) => d.incidentId === 'INC-101' && d.event === 'incident.updated');
    expect(sent.map((d) => d.body.incident.status)).toEqual(['INVESTIGATING', 'MITIGATED']);
    // Delivered newest first: the MITIGATED webhook's attempt precedes the INVESTIGATING one's.
    expect(sent[1]!.attempts[0]!.at).toBeLessThanOrEqual(sent[0]!.attempts[0]!.at);
    expect(sent.every((d) => d.state === 'delivered')).toBe(true);
    expect((await issue(second)).fields.status.name).toBe('Reporter validation');
    // Incoming → in progress → Reporter validation, and nothing back to in progress.
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions') - transitions).toBe(2);
    expect(incident('INC-101')?.status).toBe('MITIGATED');
  });
});
