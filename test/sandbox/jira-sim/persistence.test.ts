/**
 * The Jira simulator's state in SQLite: every kind of write made over REST and `/_sim/` is there after a
 * "restart" (a new simulator on the same file), byte for byte as GET shows it, and ids continue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJiraSimulator, seedSandboxSite, seedSoftwareProject, SANDBOX_SPRINT_FIELD, SANDBOX_USERS, type JiraSimulator } from '../../../src/sandbox/jira-sim';
import { persistJiraSimulator, type PersistentJiraSimulator } from '../../../src/sandbox/jira-sim/persistence';
import { adf, call, createIncident, testClock } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jira-sim-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clock = testClock();

function open(): { sim: JiraSimulator; persisted: PersistentJiraSimulator } {
  const sim = createJiraSimulator({ now: clock.now, rateLimits: false });
  const persisted = persistJiraSimulator(sim, join(dir, 'jira-sim.sqlite'));
  if (!persisted.restored) {
    seedSandboxSite(sim);
    seedSoftwareProject(sim);
    persisted.saveAll();
  }
  return { sim, persisted };
}

async function view(sim: JiraSimulator, key: string): Promise<unknown> {
  return (await call(sim, 'GET', `/rest/api/3/issue/${key}?expand=changelog&properties=*all`)).json();
}

it('restores issues after edits, transitions, comments, links, properties, sprints, deletes and seeding, and ids continue', async () => {
  const first = open();
  expect(first.persisted.restored).toBe(false);
  const { sim } = first;
  const a = await createIncident(sim, { summary: 'A', labels: ['x'] });
  const b = await createIncident(sim, { summary: 'B' });
  const c = await createIncident(sim, { summary: 'C' });
  clock.advance(60_000);
  expect((await call(sim, 'PUT', `/rest/api/3/issue/${a.key}`, { fields: { summary: 'A edited', priority: { name: 'High' } } })).status).toBe(204);
  const tr = (await (await call(sim, 'GET', `/rest/api/3/issue/${a.key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  expect((await call(sim, 'POST', `/rest/api/3/issue/${a.key}/transitions`, { transition: { id: tr.transitions.find((t) => t.to.name === 'in progress')?.id } })).status).toBe(204);
  expect((await call(sim, 'POST', `/rest/api/3/issue/${a.key}/comment`, { body: adf('hello') })).status).toBe(201);
  expect((await call(sim, 'PUT', `/rest/api/3/issue/${a.key}/assignee`, { accountId: SANDBOX_USERS.bob.accountId })).status).toBe(204);
  expect((await call(sim, 'PUT', `/rest/api/3/issue/${b.key}/properties/incident-bridge-problem`, { problem: 'p1' })).status).toBe(201);
  expect((await call(sim, 'POST', '/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } })).status).toBe(201);
  expect((await call(sim, 'DELETE', `/rest/api/3/issue/${c.key}`)).status).toBe(204);
  const story = (await (await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'DEV' }, issuetype: { name: 'Story' }, summary: 'S' } })).json()) as { key: string };
  const sprint = (await (await call(sim, 'POST', '/rest/agile/1.0/sprint', { name: 'S2', originBoardId: 1 })).json()) as { id: number };
  expect((await call(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [story.key] })).status).toBe(204);
  expect((await call(sim, 'POST', '/rest/api/3/field', { name: 'Team size', type: 'com.atlassian.jira.plugin.system.customfieldtypes:float' }, { user: SANDBOX_USERS.alice.accountId })).status).toBe(201);
  expect((await sim.app.request('/_sim/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Erin', emailAddress: 'erin@example.com' }) })).status).toBe(201);
  expect((await sim.app.request('/_sim/clock', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: -3_600_000 }) })).status).toBe(200);
  const views = { a: await view(sim, a.key), b: await view(sim, b.key), story: await view(sim, story.key) };
  const fields = await (await call(sim, 'GET', '/rest/api/3/field')).json();
  first.persisted.close();

  const second = open();
  expect(second.persisted.restored).toBe(true);
  const again = second.sim;
  expect({ a: await view(again, a.key), b: await view(again, b.key), story: await view(again, story.key) }).toEqual(views);
  expect((await call(again, 'GET', `/rest/api/3/issue/${c.key}`)).status).toBe(404);
  expect(await (await call(again, 'GET', '/rest/api/3/field')).json()).toEqual(fields);
  expect(again.state.findUserByEmail('erin@example.com')?.displayName).toBe('Erin');
  expect(again.clock.offsetMs).toBe(-3_600_000);
  expect((views.story as { fields: Record<string, unknown> }).fields[SANDBOX_SPRINT_FIELD]).toEqual([{ id: sprint.id, name: 'S2', state: 'future', boardId: 1 }]);
  // Numbering continues: no key or id is reused.
  const d = await createIncident(again, { summary: 'D' });
  expect(d.key).toBe('OPS-4');
  expect(Number(d.id)).toBeGreaterThan(Number(c.id));
  second.persisted.close();
});

it('commits a REST write before the response returns (a reader of the file sees it at once)', async () => {
  const { sim, persisted } = open();
  const { key } = await createIncident(sim);
  // A second simulator opened on the same file while the first still runs: WAL readers see committed writes.
  const reader = createJiraSimulator({ now: clock.now, rateLimits: false });
  const view2 = persistJiraSimulator(reader, join(dir, 'jira-sim.sqlite'));
  expect(reader.state.findIssue(key)?.summary).toBe('Checkout is down');
  view2.close();
  persisted.close();
});

it('keeps the fields a seed made required (create metadata and POST /issue) across a restart', async () => {
  const first = open();
  first.sim.seed.addSelectField('customfield_10050', 'Team', ['SRE', 'Payments']);
  first.sim.seed.requireField('OPS', 'Incident', 'customfield_10050');
  first.persisted.saveAll();
  first.persisted.close();

  const second = open();
  expect(second.persisted.restored).toBe(true);
  const refused = await call(second.sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'no team' } });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toEqual({ errorMessages: [], errors: { customfield_10050: 'Team is required.' } });
  second.persisted.close();
});
