/**
 * The Jira simulator's `/_sim/` test controls over real HTTP (as curl or another language's suite would use
 * them): faults with status, delay, Retry-After and count; the call log from a cursor; the clock offset; seeding
 * users, projects (named and custom workflows), fields, admins, boards and bulk issues; and who may use them.
 */
import { createJiraSimulator, seedSandboxSite, serveJiraSimulator, SANDBOX_USERS, type JiraSimulator } from '../../../src/sandbox/jira-sim';
import type { ServedSimulator } from '../../../src/sandbox/shared/serve-app';
import { basic } from './helpers';
import { jiraSpecValidator } from './openapi-validator';

const ALICE = basic('alice@example.com');
let sim: JiraSimulator;
let served: ServedSimulator;
const sleeps: number[] = [];

beforeEach(async () => {
  sleeps.length = 0;
  sim = createJiraSimulator({ rateLimits: false, sleep: async (ms) => void sleeps.push(ms) });
  seedSandboxSite(sim);
  served = await serveJiraSimulator(sim, { port: 0 });
});
afterEach(() => served.close());

async function control(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${served.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
}

const jira = (method: string, path: string, body?: unknown) =>
  fetch(`${served.url}${path}`, { method, headers: { authorization: ALICE, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

const createIssue = async (summary = 'x', project = 'OPS', type = 'Incident') => {
  const res = await jira('POST', '/rest/api/3/issue', { fields: { project: { key: project }, issuetype: { name: type }, summary } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
};

describe('faults over HTTP', () => {
  it('fails the next N matching requests with a status, Retry-After and a delay, then lets them through', async () => {
    const injected = await control('POST', '/_sim/faults', { pattern: 'POST /rest/api/3/issue', kind: 'status', status: 503, retryAfterSeconds: 7, delayMs: 1500, times: 2 });
    expect(injected).toMatchObject({ status: 201, json: { fault: { pattern: 'POST /rest/api/3/issue', kind: 'status', status: 503, retryAfterSeconds: 7, remaining: 2 } } });
    for (let i = 0; i < 2; i += 1) {
      const res = await jira('POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'x' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ errorMessages: ['jira-sim: injected 503 fault'], errors: {} });
    }
    expect(sleeps).toEqual([1500, 1500]);
    expect((await control('GET', '/_sim/faults')).json).toEqual({ faults: [] });
    await createIssue();
    expect(sim.state.issues.size).toBe(1);
  });

  it('adds latency, drops connections, lists, removes and clears faults; refuses bad specs', async () => {
    await control('POST', '/_sim/faults', { pattern: '/rest/api/3/myself', kind: 'latency', ms: 250, times: 'always' });
    const drop = (await control('POST', '/_sim/faults', { pattern: 'GET /rest/api/3/issue/*', kind: 'drop' })).json as { fault: { id: number } };
    expect(((await control('GET', '/_sim/faults')).json as { faults: { remaining: unknown }[] }).faults.map((f) => f.remaining)).toEqual(['always', 1]);
    await expect(jira('GET', '/rest/api/3/issue/OPS-1')).rejects.toThrow();
    expect((await jira('GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await jira('GET', '/rest/api/3/myself')).status).toBe(200);
    expect(sleeps).toEqual([250, 250]);
    expect((await control('DELETE', `/_sim/faults/${drop.fault.id}`)).status).toBe(404);
    expect((await control('DELETE', '/_sim/faults')).status).toBe(204);
    expect((await control('GET', '/_sim/faults')).json).toEqual({ faults: [] });
    const bad = await control('POST', '/_sim/faults', { pattern: 'nope', kind: 'status', status: 200 });
    expect(bad.status).toBe(400);
    expect((bad.json as { errorMessages: string[] }).errorMessages[0]).toMatch(/pattern.*status/s);
  });
});

describe('the call log over HTTP', () => {
  it('pages from a cursor, filters by method and route, and does not log control calls', async () => {
    const { cursor: start } = (await control('GET', '/_sim/calls/cursor')).json as { cursor: number };
    const { key } = await createIssue();
    await jira('GET', `/rest/api/3/issue/${key}`);
    await jira('GET', '/rest/api/3/issue/OPS-404');
    const page1 = (await control('GET', `/_sim/calls?after=${start}&limit=2`)).json as { calls: { seq: number; method: string; route: string; status: number; actor: string }[]; cursor: number; hasMore: boolean };
    expect(page1.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual(['POST /rest/api/3/issue 201', 'GET /rest/api/3/issue/{issueIdOrKey} 200']);
    expect(page1.calls[0]?.actor).toBe(SANDBOX_USERS.alice.accountId);
    expect(page1.hasMore).toBe(true);
    const page2 = (await control('GET', `/_sim/calls?after=${page1.cursor}`)).json as { calls: { status: number }[]; cursor: number; hasMore: boolean };
    expect(page2.calls.map((c) => c.status)).toEqual([404]);
    expect(page2.hasMore).toBe(false);
    const empty = (await control('GET', `/_sim/calls?after=${page2.cursor}`)).json as { calls: unknown[]; cursor: number };
    expect(empty).toEqual({ calls: [], cursor: page2.cursor, hasMore: false });
    const gets = (await control('GET', `/_sim/calls?after=${start}&method=get&route=${encodeURIComponent('/rest/api/3/issue/{issueIdOrKey}')}`)).json as { calls: unknown[] };
    expect(gets.calls).toHaveLength(2);
    expect(sim.callLog.entries().every((e) => !e.path.startsWith('/_sim'))).toBe(true);
    expect((await control('DELETE', '/_sim/calls')).status).toBe(204);
    expect(((await control('GET', `/_sim/calls?after=${start}`)).json as { calls: unknown[] }).calls).toEqual([]);
    // Cursors stay valid after a clear: sequence numbers keep counting.
    await jira('GET', '/rest/api/3/myself');
    expect(((await control('GET', `/_sim/calls?after=${page2.cursor}`)).json as { calls: { route: string }[] }).calls.map((c) => c.route)).toEqual(['/rest/api/3/myself']);
  });
});

describe('the clock over HTTP', () => {
  it('back-dates what Jira writes while the offset is set, and back to now at 0', async () => {
    const twelveWeeks = 12 * 7 * 86_400_000;
    const set = (await control('PUT', '/_sim/clock', { offsetMs: -twelveWeeks })).json as { now: string; offsetMs: number };
    expect(set.offsetMs).toBe(-twelveWeeks);
    const { key } = await createIssue('old');
    await control('PUT', '/_sim/clock', { now: '2026-01-05T10:00:00.000+01:00' });
    const tr = (await (await jira('GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
    await jira('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: tr.transitions.find((t) => t.to.name === 'Closed')?.id } });
    expect((await control('PUT', '/_sim/clock', { offsetMs: 0 })).json).toMatchObject({ offsetMs: 0 });
    const issue = (await (await jira('GET', `/rest/api/3/issue/${key}?fields=created,resolutiondate`)).json()) as { fields: { created: string; resolutiondate: string } };
    expect(Math.abs(Date.parse(issue.fields.created) - (Date.now() - twelveWeeks))).toBeLessThan(60_000);
    // The simulated clock keeps running from the time it was set to.
    const resolved = Date.parse(issue.fields.resolutiondate);
    expect(resolved - Date.parse('2026-01-05T09:00:00.000Z')).toBeGreaterThanOrEqual(0);
    expect(resolved - Date.parse('2026-01-05T09:00:00.000Z')).toBeLessThan(60_000);
    expect((await control('PUT', '/_sim/clock', { offsetMs: 'soon' })).status).toBe(400);
  });
});

describe('seeding over HTTP', () => {
  it('adds a user, a project with a custom workflow and admins, a field, and bulk issues', async () => {
    const user = await control('POST', '/_sim/users', { displayName: 'Erin Engineer', emailAddress: 'erin@example.com', hideEmail: true });
    expect(user.status).toBe(201);
    const erin = (user.json as { user: { accountId: string } }).user.accountId;
    expect((await control('POST', '/_sim/users', { displayName: 'Again', emailAddress: 'ERIN@example.com' })).status).toBe(409);

    expect((await control('PATCH', `/_sim/users/${sim.state.appAccountId}`, { timeZone: 'Europe/Paris' })).status).toBe(200);
    expect(((await (await fetch(`${served.url}/rest/api/3/myself`, { headers: { 'x-forge-sim-actor': 'app' } })).json()) as { timeZone: string }).timeZone).toBe('Europe/Paris');
    expect((await control('PATCH', `/_sim/users/${erin}`, { timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await control('PATCH', '/_sim/users/nobody', { timeZone: 'UTC' })).status).toBe(404);

    const project = await control('POST', '/_sim/projects', {
      key: 'SUP',
      name: 'Support',
      issueTypes: [{ name: 'Ticket' }],
      admins: [erin],
      workflow: {
        name: 'Support flow',
        initialStatus: 'Open',
        statuses: [{ name: 'Open', category: 'new' }, { name: 'Waiting', category: 'indeterminate' }, { name: 'Done', category: 'done' }, { name: 'Rejected', category: 'done' }],
        transitions: [{ name: 'Wait', from: ['Open'], to: 'Waiting' }, { name: 'Resolve', to: 'Done' }, { name: 'Reject', to: 'Rejected', resolution: "Won't Do" }],
      },
    });
    expect(project.status).toBe(201);
    expect((await control('POST', '/_sim/projects', { key: 'SUP', name: 'Again', workflow: 'software' })).status).toBe(409);
    expect((await control('POST', '/_sim/projects', { key: 'BAD', name: 'x', workflow: { name: 'w', initialStatus: 'Nope', statuses: [{ name: 'A', category: 'new' }], transitions: [] } })).status).toBe(400);
    // "Done" is a site-wide status already (PM's), so it keeps its id; Rejected is new.
    const statuses = (await (await jira('GET', '/rest/api/3/project/SUP/statuses')).json()) as { statuses: { id: string; name: string }[] }[];
    const pmStatuses = (await (await jira('GET', '/rest/api/3/project/PM/statuses')).json()) as { statuses: { id: string; name: string }[] }[];
    expect(statuses[0]?.statuses.find((s) => s.name === 'Done')?.id).toBe(pmStatuses[0]?.statuses.find((s) => s.name === 'Done')?.id);
    const { key } = await createIssue('ticket', 'SUP', 'Ticket');
    const tr = (await (await jira('GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; name: string }[] };
    expect(tr.transitions.map((t) => t.name)).toEqual(['Wait', 'Resolve', 'Reject']);
    await jira('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: tr.transitions[2]?.id } });
    expect(((await (await jira('GET', `/rest/api/3/issue/${key}?fields=resolution`)).json()) as { fields: { resolution: { name: string } } }).fields.resolution.name).toBe("Won't Do");
    const perms = (await (await fetch(`${served.url}/rest/api/3/mypermissions?permissions=ADMINISTER_PROJECTS&projectKey=SUP`, { headers: { authorization: basic('erin@example.com') } })).json()) as { permissions: { ADMINISTER_PROJECTS: { havePermission: boolean } } };
    expect(perms.permissions.ADMINISTER_PROJECTS.havePermission).toBe(true);

    expect((await control('POST', '/_sim/fields', { id: 'customfield_10777', name: 'Team', kind: 'select', options: ['Red', 'Blue'] })).status).toBe(201);
    expect((await control('POST', '/_sim/fields', { id: 'customfield_10777', name: 'Team', kind: 'string' })).status).toBe(409);
    const fields = (await (await jira('GET', '/rest/api/3/field')).json()) as { id: string }[];
    expect(jiraSpecValidator().validate('GET', '/rest/api/3/field', 200, fields).ok).toBe(true);
    expect(fields.map((f) => f.id)).toContain('customfield_10777');

    const bulk = await control('POST', '/_sim/issues/bulk', { projectKey: 'SUP', count: 30, start: '2026-09-01T00:00:00Z', spanDays: 60, seed: 3 });
    expect(bulk).toEqual({ status: 201, json: { created: 30, firstKey: 'SUP-2', lastKey: 'SUP-31' } });
    expect((await control('POST', '/_sim/boards', { name: 'Support board', projectKey: 'SUP', type: 'kanban' })).status).toBe(201);
    const workflows = (await control('GET', '/_sim/workflows')).json as { workflows: { key: string }[] };
    expect(workflows.workflows.map((w) => w.key)).toEqual(['incident', 'postmortem', 'software']);
  });
});

describe('who may use /_sim/', () => {
  it('refuses the app calling through the Forge host (Jira has no such route) and non-loopback clients', async () => {
    const fromApp = await sim.app.request('/_sim/faults', { headers: { 'x-forge-sim-actor': 'app' } });
    expect(fromApp.status).toBe(404);
    const remote = await sim.app.fetch(new Request('http://jira.test/_sim/faults'), { incoming: { socket: { remoteAddress: '10.1.2.3' } } });
    expect(remote.status).toBe(403);
    const local = await sim.app.fetch(new Request('http://jira.test/_sim/faults'), { incoming: { socket: { remoteAddress: '::ffff:127.0.0.1' } } });
    expect(local.status).toBe(200);
  });

  it('with a control token, requires it as a Bearer token from every client', async () => {
    const guarded = createJiraSimulator({ rateLimits: false, controlToken: 'sim-control-secret' });
    const server = await serveJiraSimulator(guarded, { port: 0 });
    try {
      expect((await fetch(`${server.url}/_sim/clock`)).status).toBe(401);
      expect((await fetch(`${server.url}/_sim/clock`, { headers: { authorization: 'Bearer wrong-secret-x' } })).status).toBe(401);
      expect((await fetch(`${server.url}/_sim/clock`, { headers: { authorization: 'Bearer sim-control-secret' } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
