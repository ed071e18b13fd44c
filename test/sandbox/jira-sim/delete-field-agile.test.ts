/**
 * The Jira simulator's newer endpoints, each response validated against the pinned specs: deleting an issue
 * (with the `avi:jira:deleted:issue` event), creating a custom field, Jira Software boards and sprints, and the
 * sandbox's software project whose workflow has several done statuses.
 */
import { RESOLUTIONS, SANDBOX_SPRINT_FIELD, SANDBOX_STORY_POINTS_FIELD, SANDBOX_USERS, SOFTWARE_STATUS, seedSoftwareProject, type IssueEvent, type JiraSimulator } from '../../../src/sandbox/jira-sim';
import { call, createIncident, seededSim, testClock, type As } from './helpers';
import { jiraSoftwareSpecValidator, jiraSpecValidator } from './openapi-validator';

const ALICE: As = { user: SANDBOX_USERS.alice.accountId };
const BOB: As = { user: SANDBOX_USERS.bob.accountId };
const DAVE: As = { user: SANDBOX_USERS.dave.accountId };

function softwareSim(): JiraSimulator {
  const sim = seededSim(testClock());
  seedSoftwareProject(sim);
  return sim;
}

async function platform(sim: JiraSimulator, method: string, path: string, body?: unknown, as?: As): Promise<{ status: number; json: unknown }> {
  const res = await call(sim, method, path, body, as);
  const status = res.status;
  return { status, json: await jiraSpecValidator().check(method, path, res) };
}

async function agile(sim: JiraSimulator, method: string, path: string, body?: unknown, as?: As): Promise<{ status: number; json: unknown }> {
  const res = await call(sim, method, path, body, as);
  const status = res.status;
  return { status, json: await jiraSoftwareSpecValidator().check(method, path, res) };
}

describe('DELETE /rest/api/3/issue/{issueIdOrKey}', () => {
  it('deletes the issue, its links and its key, and emits avi:jira:deleted:issue with the issue as it was', async () => {
    const sim = seededSim(testClock());
    const events: IssueEvent[] = [];
    sim.onIssueEvent((e) => events.push(e));
    const a = await createIncident(sim, { summary: 'Goes away' });
    const b = await createIncident(sim, { summary: 'Stays' });
    expect((await call(sim, 'POST', '/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } })).status).toBe(201);

    const deleted = await platform(sim, 'DELETE', `/rest/api/3/issue/${a.key}`, undefined, BOB);
    expect(deleted.status).toBe(204);

    const event = events.at(-1);
    expect(event).toMatchObject({ eventType: 'avi:jira:deleted:issue', issue: { id: a.id, key: a.key }, atlassianId: SANDBOX_USERS.bob.accountId, actorIsApp: false });
    expect((event?.issue.fields as { summary: string }).summary).toBe('Goes away');

    for (const ref of [a.key, a.id]) {
      const gone = await platform(sim, 'GET', `/rest/api/3/issue/${ref}`);
      expect(gone).toEqual({ status: 404, json: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } });
    }
    const other = (await (await call(sim, 'GET', `/rest/api/3/issue/${b.key}?fields=issuelinks`)).json()) as { fields: { issuelinks: unknown[] } };
    expect(other.fields.issuelinks).toEqual([]);
    const search = (await (await call(sim, 'POST', '/rest/api/3/search/jql', { jql: 'project = OPS', fields: ['summary'] })).json()) as { issues: { key: string }[] };
    expect(search.issues.map((i) => i.key)).toEqual([b.key]);
    // The next issue does not reuse the number.
    expect((await createIncident(sim)).key).toBe('OPS-3');
  });

  it('needs Delete issues (project administrators and apps); others get 403 and the issue stays', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    const refused = await platform(sim, 'DELETE', `/rest/api/3/issue/${key}`, undefined, DAVE);
    expect(refused).toEqual({ status: 403, json: { errorMessages: ['You do not have permission to delete issues in this project.'], errors: {} } });
    expect((await call(sim, 'GET', `/rest/api/3/issue/${key}`)).status).toBe(200);
    // Bob administers OPS only.
    const pm = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'PM' }, issuetype: { name: 'Post-mortem' }, summary: 'x' } });
    const pmKey = ((await pm.json()) as { key: string }).key;
    expect((await platform(sim, 'DELETE', `/rest/api/3/issue/${pmKey}`, undefined, BOB)).status).toBe(403);
    expect((await platform(sim, 'DELETE', `/rest/api/3/issue/${pmKey}`, undefined, ALICE)).status).toBe(204);
    expect((await platform(sim, 'DELETE', `/rest/api/3/issue/${key}`)).status).toBe(204);
    expect((await platform(sim, 'DELETE', `/rest/api/3/issue/${key}`)).status).toBe(404);
    expect((await platform(sim, 'DELETE', '/rest/api/3/issue/OPS-99?deleteSubtasks=maybe')).status).toBe(404);
    const { key: k2 } = await createIncident(sim);
    expect((await platform(sim, 'DELETE', `/rest/api/3/issue/${k2}?deleteSubtasks=maybe`)).status).toBe(400);
    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${k2}`, undefined, { none: true })).status).toBe(401);
  });
});

describe('POST /rest/api/3/field', () => {
  it('creates a number field an administrator can then set on issues', async () => {
    const sim = seededSim(testClock());
    const created = await platform(sim, 'POST', '/rest/api/3/field', { name: 'Story Points', type: 'com.atlassian.jira.plugin.system.customfieldtypes:float', searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:exactnumber' }, ALICE);
    expect(created.status).toBe(201);
    const field = created.json as { id: string; name: string; custom: boolean; schema: { type: string; custom: string; customId: number } };
    expect(field).toMatchObject({ name: 'Story Points', custom: true, schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' } });
    expect(field.id).toBe(`customfield_${field.schema.customId}`);
    const list = (await platform(sim, 'GET', '/rest/api/3/field')).json as { id: string }[];
    expect(list.map((f) => f.id)).toContain(field.id);
    const { key } = await createIncident(sim, { [field.id]: 5 });
    const issue = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}?fields=${field.id}`)).json()) as { fields: Record<string, unknown> };
    expect(issue.fields[field.id]).toBe(5);
    // Two fields may share a name in Jira; they get different ids.
    const again = (await platform(sim, 'POST', '/rest/api/3/field', { name: 'Story Points', type: 'com.atlassian.jira.plugin.system.customfieldtypes:float' }, ALICE)).json as { id: string };
    expect(again.id).not.toBe(field.id);
  });

  it('refuses non-administrators, locked Jira Software types, unknown types and empty names with 400s', async () => {
    const sim = seededSim(testClock());
    const float = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
    expect(await platform(sim, 'POST', '/rest/api/3/field', { name: 'X', type: float }, BOB)).toEqual({ status: 400, json: { errorMessages: ['Only Jira administrators can create custom fields.'], errors: {} } });
    const locked = await platform(sim, 'POST', '/rest/api/3/field', { name: 'Sprint 2', type: 'com.pyxis.greenhopper.jira:gh-sprint' }, ALICE);
    expect(locked.status).toBe(400);
    expect((locked.json as { errors: Record<string, string> }).errors['type']).toMatch(/locked/);
    expect((await platform(sim, 'POST', '/rest/api/3/field', { name: 'X', type: 'com.example:nope' }, ALICE)).status).toBe(400);
    expect(((await platform(sim, 'POST', '/rest/api/3/field', { name: ' ', type: float }, ALICE)).json as { errors: Record<string, string> }).errors['name']).toBeDefined();
    expect((await platform(sim, 'POST', '/rest/api/3/field', { type: float }, ALICE)).status).toBe(400);
  });
});

describe('the sandbox software project (DEV)', () => {
  it('has Story Points under a non-default id and the Sprint field', async () => {
    const sim = softwareSim();
    const fields = (await platform(sim, 'GET', '/rest/api/3/field')).json as { id: string; name: string; schema: { custom?: string } }[];
    expect(fields.find((f) => f.id === SANDBOX_STORY_POINTS_FIELD)).toMatchObject({ name: 'Story Points', schema: { custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' } });
    expect(['customfield_10016', 'customfield_10004', 'customfield_10034']).not.toContain(SANDBOX_STORY_POINTS_FIELD);
    expect(fields.find((f) => f.id === SANDBOX_SPRINT_FIELD)?.schema.custom).toBe('com.pyxis.greenhopper.jira:gh-sprint');
  });

  it("closes issues as Done, Won't Do or Duplicate, each a done status with its own resolution", async () => {
    const sim = softwareSim();
    const close = async (transitionName: string) => {
      const res = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'DEV' }, issuetype: { name: 'Story' }, summary: transitionName } });
      const { key } = (await res.json()) as { key: string };
      const list = (await platform(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).json as { transitions: { id: string; name: string }[] };
      const t = list.transitions.find((x) => x.name === transitionName);
      if (!t) throw new Error(`no ${transitionName}`);
      expect((await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } })).status).toBe(204);
      const json = (await platform(sim, 'GET', `/rest/api/3/issue/${key}?expand=changelog`)).json as {
        fields: { status: { name: string; statusCategory: { key: string } }; resolution: { id: string; name: string } | null; resolutiondate: string | null };
        changelog: { histories: { items: { field: string; toString?: string }[] }[] };
      };
      return { key, json };
    };
    const done = await close('Done');
    const wontDo = await close("Won't do");
    const duplicate = await close('Mark as duplicate');
    expect([done, wontDo, duplicate].map((r) => [r.json.fields.status.name, r.json.fields.status.statusCategory.key, r.json.fields.resolution?.name])).toEqual([
      ['Done', 'done', 'Done'],
      ["Won't Do", 'done', "Won't Do"],
      ['Duplicate', 'done', 'Duplicate'],
    ]);
    expect(wontDo.json.fields.resolution?.id).toBe(RESOLUTIONS.find((r) => r.name === "Won't Do")?.id);
    expect(wontDo.json.fields.resolutiondate).not.toBeNull();
    expect(wontDo.json.changelog.histories.at(-1)?.items.find((i) => i.field === 'resolution')?.toString).toBe("Won't Do");
    const statuses = (await platform(sim, 'GET', '/rest/api/3/project/DEV/statuses')).json as { statuses: { id: string; statusCategory: { key: string } }[] }[];
    expect(statuses[0]?.statuses.filter((s) => s.statusCategory.key === 'done').map((s) => s.id)).toEqual([SOFTWARE_STATUS.done.id, SOFTWARE_STATUS.wontDo.id, SOFTWARE_STATUS.duplicate.id]);
    // Reopen clears the resolution, whichever it was.
    const list = (await (await call(sim, 'GET', `/rest/api/3/issue/${duplicate.key}/transitions`)).json()) as { transitions: { id: string; name: string }[] };
    const reopen = list.transitions.find((t) => t.name === 'Reopen');
    expect((await call(sim, 'POST', `/rest/api/3/issue/${duplicate.key}/transitions`, { transition: { id: reopen?.id } })).status).toBe(204);
    const reopened = (await (await call(sim, 'GET', `/rest/api/3/issue/${duplicate.key}?fields=resolution,status`)).json()) as { fields: { resolution: unknown; status: { name: string } } };
    expect(reopened.fields).toMatchObject({ resolution: null, status: { name: 'To Do' } });
  });
});

describe('Jira Software boards and sprints (/rest/agile/1.0)', () => {
  it('lists the project board, its configuration and sprints, all conforming to the spec', async () => {
    const sim = softwareSim();
    const boards = (await agile(sim, 'GET', '/rest/agile/1.0/board?projectKeyOrId=DEV')).json as { values: { id: number; name: string; type: string; location: { projectKey: string } }[]; total: number; isLast: boolean };
    expect(boards).toMatchObject({ total: 1, isLast: true });
    const board = boards.values[0];
    expect(board).toMatchObject({ name: 'DEV board', type: 'scrum', location: { projectKey: 'DEV' } });
    expect((await agile(sim, 'GET', '/rest/agile/1.0/board?projectKeyOrId=OPS')).json).toMatchObject({ total: 0, values: [] });
    expect((await agile(sim, 'GET', `/rest/agile/1.0/board/${board?.id}`)).json).toMatchObject({ id: board?.id, name: 'DEV board' });
    const config = (await agile(sim, 'GET', `/rest/agile/1.0/board/${board?.id}/configuration`)).json as { estimation: { field: { fieldId: string } }; columnConfig: { columns: { name: string; statuses: { id: string }[] }[] } };
    expect(config.estimation.field.fieldId).toBe(SANDBOX_STORY_POINTS_FIELD);
    expect(config.columnConfig.columns.find((c) => c.name === 'Done')?.statuses.map((s) => s.id)).toEqual([SOFTWARE_STATUS.done.id, SOFTWARE_STATUS.wontDo.id, SOFTWARE_STATUS.duplicate.id]);
    const sprints = (await agile(sim, 'GET', `/rest/agile/1.0/board/${board?.id}/sprint`)).json as { values: { name: string; state: string }[] };
    expect(sprints.values).toEqual([expect.objectContaining({ name: 'DEV Sprint 1', state: 'future' })]);
    expect((await agile(sim, 'GET', '/rest/agile/1.0/board/999')).json).toEqual({ errorMessages: ['Board does not exist or you do not have permission to see it.'], errors: {} });
    expect((await agile(sim, 'GET', '/rest/agile/1.0/board/abc')).status).toBe(400);
  });

  it('creates, starts and closes sprints (admins and apps only) and moves issues into them through the Sprint field', async () => {
    const sim = softwareSim();
    const boardId = [...sim.state.boards.values()][0]?.id;
    expect((await agile(sim, 'POST', '/rest/agile/1.0/sprint', { name: 'S2', originBoardId: boardId }, DAVE)).status).toBe(403);
    const created = await agile(sim, 'POST', '/rest/agile/1.0/sprint', { name: 'S2', originBoardId: boardId, goal: 'Ship it' }, BOB);
    expect(created.status).toBe(201);
    const sprint = created.json as { id: number; state: string };
    expect(sprint.state).toBe('future');
    // Starting needs dates; only one active sprint per board.
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'active' })).status).toBe(400);
    const started = await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'active', startDate: '2026-11-23T09:00:00.000Z', endDate: '2026-12-07T09:00:00.000Z' });
    expect(started.json).toMatchObject({ state: 'active', startDate: '2026-11-23T09:00:00.000Z' });
    const first = [...sim.state.sprints.values()].find((s) => s.name === 'DEV Sprint 1');
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${first?.id}`, { state: 'active', startDate: '2026-11-23T09:00:00.000Z', endDate: '2026-12-07T09:00:00.000Z' })).status).toBe(400);

    const res = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'DEV' }, issuetype: { name: 'Story' }, summary: 'In a sprint', [SANDBOX_STORY_POINTS_FIELD]: 3 } });
    const { key } = (await res.json()) as { key: string };
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [key] })).status).toBe(204);
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: ['DEV-404'] })).status).toBe(404);
    const inSprint = (await agile(sim, 'GET', `/rest/agile/1.0/sprint/${sprint.id}/issue?fields=summary`)).json as { total: number; issues: { key: string }[] };
    expect(inSprint).toMatchObject({ total: 1, issues: [{ key }] });

    const closed = await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'closed' });
    expect(closed.json).toMatchObject({ state: 'closed', completeDate: expect.any(String) });
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'active' })).status).toBe(400);
    expect((await agile(sim, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [key] })).status).toBe(400);

    // The issue's Sprint field shows the sprint as it is now (closed), with a changelog entry for the move.
    const issue = (await platform(sim, 'GET', `/rest/api/3/issue/${key}?expand=changelog`)).json as { fields: Record<string, unknown>; changelog: { histories: { items: { fieldId?: string; toString?: string }[] }[] } };
    expect(issue.fields[SANDBOX_SPRINT_FIELD]).toEqual([{ id: sprint.id, name: 'S2', state: 'closed', boardId }]);
    expect(issue.changelog.histories.at(-1)?.items[0]).toMatchObject({ fieldId: SANDBOX_SPRINT_FIELD, toString: 'S2' });
    const closedOnly = (await agile(sim, 'GET', `/rest/agile/1.0/board/${boardId}/sprint?state=closed`)).json as { values: { id: number }[] };
    expect(closedOnly.values.map((s) => s.id)).toEqual([sprint.id]);
    expect((await agile(sim, 'GET', '/rest/agile/1.0/sprint/999')).status).toBe(404);
  });
});
