/**
 * Create metadata in the Jira simulator, checked against the pinned spec (PageOfCreateMetaIssueTypes,
 * PageOfCreateMetaIssueTypeWithField), and the required fields a seed configures, enforced by POST /issue.
 */
import { SANDBOX_PRIORITY_IMPACT_FIELD } from '../../../src/sandbox/jira-sim';
import { call, seededSim, testClock } from './helpers';
import { jiraSpecValidator, type OpenApiValidator } from './openapi-validator';

let spec: OpenApiValidator;
beforeAll(() => {
  spec = jiraSpecValidator();
});

const sim = seededSim(testClock());
const team = sim.seed.addSelectField('customfield_10050', 'Team', ['SRE', 'Payments']);
// A disabled option ("Payments") is not offered on create.
if (team.kind === 'select') team.options[1] = { ...team.options[1]!, disabled: true };
sim.seed.requireField('OPS', 'Incident', 'customfield_10050');

async function checked(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await call(sim, 'GET', path, undefined, { email: 'alice@example.com' });
  const status = res.status;
  const json = (await spec.check('GET', path, res)) as Record<string, unknown>;
  return { status, json };
}

describe('GET /issue/createmeta/{project}/issuetypes', () => {
  it('lists the project’s issue types, paged, conforming to the spec', async () => {
    const { status, json } = await checked('/rest/api/3/issue/createmeta/OPS/issuetypes');
    expect(status).toBe(200);
    expect(json).toMatchObject({ startAt: 0, maxResults: 50, total: 3 });
    expect((json['issueTypes'] as { name: string }[]).map((t) => t.name)).toEqual(['Incident', 'Task', 'Bug']);
    const page = await checked('/rest/api/3/issue/createmeta/OPS/issuetypes?startAt=1&maxResults=1');
    expect((page.json['issueTypes'] as { name: string }[]).map((t) => t.name)).toEqual(['Task']);
  });

  it('refuses maxResults over 200 as the spec says, and an unknown project', async () => {
    const { status, json } = await checked('/rest/api/3/issue/createmeta/OPS/issuetypes?maxResults=201');
    expect(status).toBe(400);
    expect(json['errorMessages']).toEqual(["Parameter 'maxResults' must not exceed the limit '200'"]);
    expect((await call(sim, 'GET', '/rest/api/3/issue/createmeta/NOPE/issuetypes')).status).toBe(404);
  });
});

describe('GET /issue/createmeta/{project}/issuetypes/{issueTypeId}', () => {
  const incidentTypeId = () => sim.state.findProject('OPS')!.issueTypes.find((t) => t.name === 'Incident')!.id;

  it('lists the create screen’s fields with required flags and allowed values, conforming to the spec', async () => {
    const { status, json } = await checked(`/rest/api/3/issue/createmeta/OPS/issuetypes/${incidentTypeId()}?maxResults=200`);
    expect(status).toBe(200);
    const fields = json['fields'] as { fieldId: string; required: boolean; hasDefaultValue: boolean; allowedValues?: { name?: string; value?: string }[] }[];
    const byId = new Map(fields.map((f) => [f.fieldId, f]));
    expect(json['total']).toBe(fields.length);
    expect(byId.get('summary')?.required).toBe(true);
    expect(byId.get('customfield_10050')).toMatchObject({ required: true, allowedValues: [{ value: 'SRE' }] });
    expect(byId.get('priority')).toMatchObject({ required: false, hasDefaultValue: true });
    expect(byId.get('priority')!.allowedValues!.map((p) => p.name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    expect(byId.get('components')!.allowedValues!.map((c) => c.name)).toEqual(['API', 'Payments', 'Search']);
    expect(byId.get(SANDBOX_PRIORITY_IMPACT_FIELD)!.allowedValues!.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('another issue type of the project has no seeded required field', async () => {
    const taskId = sim.state.findProject('OPS')!.issueTypes.find((t) => t.name === 'Task')!.id;
    const { json } = await checked(`/rest/api/3/issue/createmeta/OPS/issuetypes/${taskId}`);
    expect((json['fields'] as { fieldId: string; required: boolean }[]).find((f) => f.fieldId === 'customfield_10050')?.required).toBe(false);
  });

  it('pages fields and refuses an issue type the project does not have', async () => {
    const { json } = await checked(`/rest/api/3/issue/createmeta/OPS/issuetypes/${incidentTypeId()}?startAt=2&maxResults=3`);
    expect(json).toMatchObject({ startAt: 2, maxResults: 3 });
    expect(json['fields']).toHaveLength(3);
    expect((await call(sim, 'GET', '/rest/api/3/issue/createmeta/OPS/issuetypes/99999')).status).toBe(404);
  });
});

describe('POST /issue and seeded required fields', () => {
  it('refuses an Incident without the required field, with Jira’s message; accepts it once filled', async () => {
    const fields = { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'x' };
    const refused = await call(sim, 'POST', '/rest/api/3/issue', { fields });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ errorMessages: [], errors: { customfield_10050: 'Team is required.' } });
    expect((await call(sim, 'POST', '/rest/api/3/issue', { fields: { ...fields, customfield_10050: { value: 'SRE' } } })).status).toBe(201);
    expect((await call(sim, 'POST', '/rest/api/3/issue', { fields: { ...fields, issuetype: { name: 'Task' } } })).status).toBe(201);
  });
});
