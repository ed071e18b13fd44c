/**
 * Issue 15 item 9: Impact follow-ups become Jira issues linked to the incident issue (project, type and link
 * type from the incident mapping's `followUps`, defaults here: the incident project, Task, Relates); title
 * and description changes follow; the issue's status flows back as the follow-up's status; no echo; and a
 * create whose answer is lost makes no second issue.
 */
import { adfToText } from '../../src/sandbox/jira-sim/adf';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest, transitionAsPerson } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();
const JANE = { kind: 'person' as const, user: { email: 'jane.doe@example.com', name: 'Jane Doe' } };

const followUpIssues = (incidentId: string) =>
  [...env.jira.state.issues.values()].filter((i) => (i.properties.get('impact-follow-up') as { incidentId?: string } | undefined)?.incidentId === incidentId);
const readIssue = async (key: string) => {
  const response = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}?fields=summary,description,project`);
  return ((await response.json()) as { fields: { summary: string; description: unknown; project: { key: string } } }).fields;
};
const appCreates = () => env.jira.callLog.entries().filter((e) => e.method === 'POST' && e.route === '/rest/api/3/issue' && e.actorIsApp);
const mark = () => ({ jira: env.jira.callLog.entries().length, impact: env.impact.callLog.entries().length });
/** The app's writes since `at`: Jira (any non-GET, search aside) and Impact follow-up PATCHes. */
const appWritesSince = (at: { jira: number; impact: number }) => ({
  jira: env.jira.callLog.entries().slice(at.jira).filter((e) => e.actorIsApp && e.method !== 'GET' && e.route !== '/rest/api/3/search/jql').map((e) => `${e.method} ${e.route}`),
  impact: env.impact.callLog.entries().slice(at.impact).filter((e) => e.surface === 'api' && e.method !== 'GET').map((e) => `${e.method} ${e.route}`),
});

describe('follow-ups ⇄ Jira issues', () => {
  test('a follow-up becomes one linked issue; title and description follow; closing it in Jira makes it DONE in Impact; nothing echoes', async () => {
    env.impact.admin.createIncident({ id: 'INC-970', title: 'Checkout errors', priority: 2 });
    await env.settleAll();
    const incidentKey = env.issueKeyOf('INC-970');

    const created = env.impact.followUps.create('INC-970', { title: 'Add a canary for payments', description: 'Alert on 5xx > 1%.', status: 'OPEN', assignee: null }, JANE);
    const fuId = created.followUp.id;
    await env.settleAll();
    const [issue, ...more] = followUpIssues('INC-970');
    expect(more).toEqual([]);
    expect(issue).toBeDefined();
    const fields = await readIssue(issue!.key);
    expect(fields.project.key).toBe('OPS');
    expect(fields.summary).toBe('Add a canary for payments');
    expect(adfToText(fields.description)).toContain('Alert on 5xx > 1%.');
    const links = env.jira.state.links.filter((l) => l.inwardIssueId === issue!.id && l.outwardIssueId === env.jira.state.findIssue(incidentKey)!.id);
    expect(links.map((l) => env.jira.state.linkTypes.find((t) => t.id === l.typeId)?.name)).toEqual(['Relates']);
    // Impact shows where it is tracked; that write's webhook came back with our marker and was dropped.
    expect(env.impact.followUps.get('INC-970', fuId).external_issue).toEqual({ key: issue!.key, url: null });

    const beforeEdit = mark();
    env.impact.followUps.update('INC-970', fuId, { title: 'Add a canary for payments and refunds' }, JANE);
    await env.settleAll();
    expect((await readIssue(issue!.key)).summary).toBe('Add a canary for payments and refunds');
    expect(appWritesSince(beforeEdit)).toEqual({ jira: ['PUT /rest/api/3/issue/{issueIdOrKey}'], impact: [] });

    const beforeClose = mark();
    await transitionAsPerson(env.sandbox.urls.jira, issue!.key, 'in progress');
    await env.until(() => env.impact.followUps.get('INC-970', fuId).status === 'IN_PROGRESS', 'the follow-up in progress');
    await transitionAsPerson(env.sandbox.urls.jira, issue!.key, 'Closed');
    await env.until(() => env.impact.followUps.get('INC-970', fuId).status === 'DONE', 'the follow-up done');
    // Two status writes to Impact, and not one write back to Jira (the webhooks of our writes are dropped).
    expect(appWritesSince(beforeClose)).toEqual({ jira: [], impact: ['PATCH /api/v1/incidents/:id/follow-ups/:followUpId', 'PATCH /api/v1/incidents/:id/follow-ups/:followUpId'] });
    expect(followUpIssues('INC-970')).toHaveLength(1);
  });

  test('a follow-up issue create whose answer is lost: the retry finds the issue by its property, no second issue', async () => {
    env.impact.admin.createIncident({ id: 'INC-971', title: 'Lost follow-up answer', priority: 3 });
    await env.settleAll();
    const before = appCreates().length;
    env.jira.faults.inject('POST /rest/api/3/issue', { kind: 'drop-response', times: 1 });
    const created = env.impact.followUps.create('INC-971', { title: 'Rotate the keys', description: '', status: 'OPEN', assignee: null }, JANE);
    await env.until(() => env.impact.followUps.get('INC-971', created.followUp.id).external_issue !== null, 'the follow-up tracked after the retry');

    expect(appCreates().slice(before).map((e) => e.status)).toEqual([0]); // one create; its answer never arrived
    const issues = followUpIssues('INC-971');
    expect(issues.map((i) => i.key)).toEqual([env.impact.followUps.get('INC-971', created.followUp.id).external_issue!.key]);
    expect(env.jira.state.links.filter((l) => l.inwardIssueId === issues[0]!.id)).toHaveLength(1);
  });
});
