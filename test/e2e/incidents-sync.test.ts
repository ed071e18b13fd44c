import { SecretKeys } from '../../src/forge/constants';
import { validateIncidentClosure } from '../../src/forge/index';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { settle, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { startImpactStandIn, type ImpactStandIn } from '../support/impact-standin';

jest.setTimeout(60_000);

let env: TestSandbox;
let impact: ImpactStandIn;

beforeAll(async () => {
  env = await startTestSandbox();
  impact = await startImpactStandIn({ relayUrl: env.sandbox.urls.relay, secret: 'dev-impact-secret' });
  env.sandbox.forge.kvs.set({ kind: 'secret' }, SecretKeys.impactApi, { baseUrl: impact.url, token: impact.token });
});
afterAll(async () => {
  await impact?.close();
  await env?.close();
});

const basic = (email: string) => `Basic ${Buffer.from(`${email}:token`).toString('base64')}`;

/** The Jira simulator as a person would use it (REST with Basic auth). */
async function asHuman(email: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${env.sandbox.urls.jira}${path}`, {
    method,
    headers: { authorization: basic(email), accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface IssueView {
  id: string;
  key: string;
  fields: Record<string, unknown> & { status: { name: string }; assignee: { accountId: string } | null; summary: string };
}
async function issue(key: string): Promise<IssueView> {
  const response = await asHuman('alice@example.com', 'GET', `/rest/api/3/issue/${key}`);
  expect(response.status).toBe(200);
  return (await response.json()) as IssueView;
}

async function humanTransition(key: string, toStatus: string): Promise<void> {
  const offered = (await (await asHuman('bob@example.com', 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const t = offered.transitions.find((x) => x.to.name === toStatus);
  if (!t) throw new Error(`no transition to ${toStatus} from ${key}`);
  expect((await asHuman('bob@example.com', 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } })).status).toBe(204);
}

/** Jira → trigger → Impact → webhook → relay → consumer: poll the end state, then let the queue settle. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await settle(env.sandbox);
}

const jiraCalls = (method: string, route: string) => env.sandbox.jira!.callLog.entries().filter((e) => e.method === method && e.route === route && e.actorIsApp).length;
const impactWrites = () => impact.calls.filter((c) => c.method !== 'GET').length;

describe('Impact ⇄ Jira incident sync through the sandbox', () => {
  let key = '';

  test('an incident created in Impact becomes an OPS issue with mapped fields', async () => {
    await impact.create({ id: 'INC-100', title: 'Checkout errors', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await settle(env.sandbox);
    const created = env.sandbox.jira!.callLog.entries().find((e) => e.method === 'POST' && e.route === '/rest/api/3/issue');
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
    await impact.update('INC-100', { status: 'MITIGATED' });
    await settle(env.sandbox);
    expect((await issue(key)).fields.status.name).toBe('Reporter validation');
    // Incoming → in progress → Reporter validation.
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions') - before).toBe(2);
    expect(impactWrites() - writesBefore).toBe(0);
  });

  test('a Jira status change reaches Impact once, and its echo does not come back', async () => {
    const transitions = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');
    await humanTransition(key, 'in progress');
    await until(() => impact.incidents.get('INC-100')?.status === 'MITIGATING', 'Impact MITIGATING');
    expect((await issue(key)).fields.status.name).toBe('in progress');
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions')).toBe(transitions);
    expect(impact.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  test('priority syncs both ways', async () => {
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '1' } } })).status).toBe(204);
    await until(() => impact.incidents.get('INC-100')?.priority === 1, 'Impact P1');
    await impact.update('INC-100', { priority: 4 });
    await settle(env.sandbox);
    expect((await issue(key)).fields['customfield_11064']).toMatchObject({ value: '4' });
    expect(impact.incidents.get('INC-100')?.priority).toBe(4);
  });

  test('commander and assignee sync both ways', async () => {
    await impact.update('INC-100', { commander: { email: 'alice@example.com', name: 'Alice Admin' } });
    await settle(env.sandbox);
    expect((await issue(key)).fields.assignee?.accountId).toBe(SANDBOX_USERS.alice.accountId);
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: SANDBOX_USERS.dave.accountId })).status).toBe(204);
    await until(() => impact.incidents.get('INC-100')?.commander?.email === 'dave@example.com', 'Impact commander dave');
    expect((await issue(key)).fields.assignee?.accountId).toBe(SANDBOX_USERS.dave.accountId);
  });

  let postMortemKey = '';
  test('POST_MORTEM creates a linked, assigned post-mortem with the timeline; key events refresh it', async () => {
    await impact.update('INC-100', { status: 'POST_MORTEM' });
    await settle(env.sandbox);
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
    expect(impact.calls.some((c) => c.method === 'POST' && JSON.stringify(c.body).includes(postMortemKey))).toBe(true);

    await impact.addKeyEvent('INC-100', { kind: 'fix_deployed', time: new Date().toISOString(), message: 'rolled back v42' });
    await settle(env.sandbox);
    expect(JSON.stringify((await issue(postMortemKey)).fields['description'])).toContain('Fix deployed - rolled back v42');
  });

  test('closing the incident issue is refused until the post-mortem is done', async () => {
    const refused = await validateIncidentClosure({ issue: { key } });
    expect(refused).toEqual({ result: false, errorMessage: `Close the post-mortem ${postMortemKey} before closing this incident.` });
    await humanTransition(postMortemKey, 'Done');
    expect(await validateIncidentClosure({ issue: { key } })).toEqual({ result: true });
  });

  test('a burst of alternating edits converges without ping-pong', async () => {
    const patches = () => impact.calls.filter((c) => c.method === 'PATCH').length;
    const jiraEdits = () => jiraCalls('PUT', '/rest/api/3/issue/{issueIdOrKey}');
    const p0 = patches();
    const e0 = jiraEdits();
    await impact.update('INC-100', { priority: 3 });
    expect((await asHuman('bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '2' } } })).status).toBe(204);
    await impact.update('INC-100', { priority: 5 });
    await new Promise((r) => setTimeout(r, 300));
    await settle(env.sandbox);
    await new Promise((r) => setTimeout(r, 300));
    await settle(env.sandbox);
    const jiraPriority = ((await issue(key)).fields['customfield_11064'] as { value: string }).value;
    expect(Number(jiraPriority)).toBe(impact.incidents.get('INC-100')?.priority);
    // At most one write per human edit in each direction: nothing echoes back and forth.
    expect(patches() - p0).toBeLessThanOrEqual(1);
    expect(jiraEdits() - e0).toBeLessThanOrEqual(3);
  });

  test('old events replayed out of order cause no backward move', async () => {
    const status = (await issue(key)).fields.status.name;
    const transitions = jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions');
    const old = impact.webhooks.find((w) => w.updated_fields && 'status' in w.updated_fields && w.incident.status === 'MITIGATED' && w.origin.type === 'user')!;
    await impact.resend({ ...old, event_id: `${old.event_id}-replay` });
    await settle(env.sandbox);
    expect((await issue(key)).fields.status.name).toBe(status);
    expect(jiraCalls('POST', '/rest/api/3/issue/{issueIdOrKey}/transitions')).toBe(transitions);
  });
});
