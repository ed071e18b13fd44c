/** The simulator additions for the project sync: Story points and Sprint fields, bulk seeding, changelog expansion. */
import { seedBulkIssues, mulberry32, SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { call, seededSim, testClock, T0 } from './helpers';
import { jiraSpecValidator } from './openapi-validator';

describe('story points, sprints and bulk issues', () => {
  const spec = jiraSpecValidator();
  const sim = seededSim(testClock());
  sim.seed.addNumberField('customfield_10016', 'Story point estimate');
  sim.seed.addSprintField('customfield_10020');
  const issues = seedBulkIssues(sim.state, {
    projectKey: 'PM', count: 300, startMs: T0 - 100 * 86_400_000, spanMs: 50 * 86_400_000, random: mulberry32(1), authorId: SANDBOX_USERS.dave.accountId,
    storyPointsField: 'customfield_10016', sprintField: 'customfield_10020', sprints: [{ id: 7, name: 'Sprint 7', state: 'closed', boardId: 1 }],
  });

  it('lists both fields with Jira Software schemas, conforming to the spec', async () => {
    const res = await call(sim, 'GET', '/rest/api/3/field');
    const json = (await spec.check('GET', '/rest/api/3/field', res)) as { id: string; schema: Record<string, unknown> }[];
    expect(json.find((f) => f.id === 'customfield_10020')?.schema).toEqual({ type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 });
    expect(json.find((f) => f.id === 'customfield_10016')?.schema['type']).toBe('number');
  });

  it('serves bulk issues through search with their fields and changelog', async () => {
    expect(issues).toHaveLength(300);
    const res = await call(sim, 'POST', '/rest/api/3/search/jql', { jql: 'project = PM ORDER BY updated ASC', maxResults: 100, fields: ['status', 'customfield_10016', 'customfield_10020', 'resolutiondate'], expand: 'changelog' });
    const body = (await spec.check('POST', '/rest/api/3/search/jql', res)) as { issues: { fields: Record<string, unknown>; changelog: { histories: unknown[] } }[]; isLast: boolean };
    expect(body.issues).toHaveLength(100);
    expect(body.isLast).toBe(false);
    const first = body.issues[0]!;
    expect(typeof first.fields['customfield_10016']).toBe('number');
    expect(first.fields['customfield_10020']).toEqual([{ id: 7, name: 'Sprint 7', state: 'closed', boardId: 1 }]);
    const withHistory = body.issues.filter((i) => i.changelog.histories.length > 0);
    expect(withHistory.length).toBeGreaterThan(50);
  });

  it('refuses a Sprint field edit naming a sprint the site does not have (bulk-seeded sprint values are not sprints)', async () => {
    const res = await call(sim, 'PUT', `/rest/api/3/issue/${issues[0]!.key}`, { fields: { customfield_10020: 7 } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: [], errors: { customfield_10020: 'Sprint with id 7 does not exist.' } });
  });

  it('moves an issue into an open sprint by editing the Sprint field, keeping its closed sprints', async () => {
    const board = sim.seed.addBoard({ name: 'PM board', projectKey: 'PM', type: 'scrum' });
    const sprint = sim.seed.addSprint({ boardId: board.id, name: 'PM Sprint 9', createdDate: 0 });
    const key = issues[1]!.key;
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_10020: sprint.id } })).status).toBe(204);
    const json = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}?fields=customfield_10020`)).json()) as { fields: Record<string, unknown> };
    expect(json.fields['customfield_10020']).toEqual([{ id: 7, name: 'Sprint 7', state: 'closed', boardId: 1 }, { id: sprint.id, name: 'PM Sprint 9', state: 'future', boardId: board.id }]);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_10020: null } })).status).toBe(204);
    const cleared = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}?fields=customfield_10020`)).json()) as { fields: Record<string, unknown> };
    expect(cleared.fields['customfield_10020']).toEqual([{ id: 7, name: 'Sprint 7', state: 'closed', boardId: 1 }]);
  });
});
