/**
 * Issue 15 item 9: a person's edit of a follow-up issue's summary or description in Jira flows back to the
 * Impact follow-up's title and description (one Jira read, one Impact read, one conditional PATCH), and
 * nothing echoes: the PATCH's webhook carries the app's marker and is dropped, so Jira gets no write back.
 */
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();
const JANE = { kind: 'person' as const, user: { email: 'jane.doe@example.com', name: 'Jane Doe' } };
const INCIDENT = 'INC-975';
const PATCH = 'PATCH /api/v1/incidents/:id/follow-ups/:followUpId';

const mark = () => ({ jira: env.jira.callLog.entries().length, impact: env.impact.callLog.entries().length });
/** Every call the app made since `at`, both sides. */
const appCallsSince = (at: { jira: number; impact: number }) => ({
  jira: env.jira.callLog.entries().slice(at.jira).filter((e) => e.actorIsApp).map((e) => `${e.method} ${e.route}`),
  impact: env.impact.callLog.entries().slice(at.impact).filter((e) => e.surface === 'api').map((e) => `${e.method} ${e.route}`),
});
const paragraphs = (...texts: string[]) => ({ type: 'doc', version: 1, content: texts.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) });
const editAsPerson = async (key: string, fields: Record<string, unknown>) => {
  const response = await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields });
  expect(response.status).toBe(204);
};

describe('follow-up issue text → Impact', () => {
  let key = '';
  let fuId = '';
  const followUp = () => env.impact.followUps.get(INCIDENT, fuId);

  beforeAll(async () => {
    env.impact.admin.createIncident({ id: INCIDENT, title: 'Checkout errors', priority: 2 });
    await env.settleAll();
    fuId = env.impact.followUps.create(INCIDENT, { title: 'Add a canary', description: 'Alert on 5xx > 1%.', status: 'OPEN', assignee: null }, JANE).followUp.id;
    await env.settleAll();
    key = followUp().external_issue!.key;
  });

  test('a summary edit in Jira becomes the follow-up title: 1 Jira read, 1 Impact read + 1 PATCH, no echo', async () => {
    const before = mark();
    await editAsPerson(key, { summary: 'Add a canary for payments' });
    await env.until(() => followUp().title === 'Add a canary for payments', 'the title in Impact');
    await env.settleAll();
    expect(appCallsSince(before)).toEqual({
      jira: ['GET /rest/api/3/issue/{issueIdOrKey}'],
      impact: ['GET /api/v1/incidents/:id/follow-ups/:followUpId', PATCH],
    });
    expect(followUp().description).toBe('Alert on 5xx > 1%.');
  });

  test('a description edit in Jira becomes the follow-up description, without the app’s source line', async () => {
    const before = mark();
    await editAsPerson(key, { description: paragraphs('Alert on 5xx > 2%.', 'Page the payments on-call.', `Follow-up of Impact incident ${INCIDENT} (${env.issueKeyOf(INCIDENT)}).`) });
    await env.until(() => followUp().description === 'Alert on 5xx > 2%.\n\nPage the payments on-call.', 'the description in Impact');
    await env.settleAll();
    expect(appCallsSince(before)).toEqual({
      jira: ['GET /rest/api/3/issue/{issueIdOrKey}'],
      impact: ['GET /api/v1/incidents/:id/follow-ups/:followUpId', PATCH],
    });
    expect(followUp().title).toBe('Add a canary for payments');
  });

  test('then an Impact edit still flows to Jira, and a Jira edit after it flows back again (the base moves with each sync)', async () => {
    const before = mark();
    env.impact.followUps.update(INCIDENT, fuId, { title: 'Canary for payments and refunds' }, JANE);
    await env.settleAll();
    const issue = env.jira.state.findIssue(key)!;
    expect(issue.summary).toBe('Canary for payments and refunds');
    // Impact → Jira: one read (is there a later person edit in Jira?) and one PUT; that write fires no trigger
    // (ignoreSelf), so Impact gets no write back.
    expect(appCallsSince(before)).toEqual({ jira: ['GET /rest/api/3/issue/{issueIdOrKey}', 'PUT /rest/api/3/issue/{issueIdOrKey}'], impact: [] });

    await editAsPerson(key, { summary: 'Canary for payments, refunds and payouts' });
    await env.until(() => followUp().title === 'Canary for payments, refunds and payouts', 'the second Jira edit in Impact');
  });

  test('a Jira edit and a later Impact edit of the title: the later person wins on both sides, Jira’s older text is never written to Impact', async () => {
    const before = mark();
    // The app's read of the issue is slow, so Jane's Impact edit lands while the Jira change is being applied.
    env.jira.faults.inject('GET /rest/api/3/issue/*', { kind: 'latency', ms: 1000, times: 1 });
    await editAsPerson(key, { summary: 'Title from Jira' });
    await new Promise((r) => setTimeout(r, 50));
    env.impact.followUps.update(INCIDENT, fuId, { title: 'Title from Impact, later' }, JANE);
    await env.settleAll();
    expect(followUp().title).toBe('Title from Impact, later');
    expect(env.jira.state.findIssue(key)!.summary).toBe('Title from Impact, later');
    // No PATCH from the app at all: the Jira job kept Impact's newer title; the Impact edit went to Jira as one PUT.
    expect(appCallsSince(before).impact.filter((c) => c === PATCH)).toEqual([]);
    expect(appCallsSince(before).jira.filter((c) => !c.startsWith('GET'))).toEqual(['PUT /rest/api/3/issue/{issueIdOrKey}']);
  });

  test('an Impact edit and a later Jira edit of the title: Jira’s later text is not overwritten, and reaches Impact', async () => {
    const before = mark();
    // The app's read before its Jira write is slow, so Bob's Jira edit lands while the Impact edit is being applied.
    env.jira.faults.inject('GET /rest/api/3/issue/*', { kind: 'latency', ms: 1000, times: 1 });
    env.impact.followUps.update(INCIDENT, fuId, { title: 'Older title from Impact' }, JANE);
    await new Promise((r) => setTimeout(r, 400));
    await editAsPerson(key, { summary: 'Later title from Jira' });
    await env.settleAll();
    expect(env.jira.state.findIssue(key)!.summary).toBe('Later title from Jira');
    expect(followUp().title).toBe('Later title from Jira');
    // The app never wrote the older Impact title over Bob's; Impact got Jira's in one PATCH.
    expect(appCallsSince(before).jira.filter((c) => !c.startsWith('GET'))).toEqual([]);
    // The Impact job read Jira (and kept Bob's text); the Jira job read Jira and Impact and wrote Impact once.
    expect(appCallsSince(before)).toEqual({
      jira: ['GET /rest/api/3/issue/{issueIdOrKey}', 'GET /rest/api/3/issue/{issueIdOrKey}'],
      impact: ['GET /api/v1/incidents/:id/follow-ups/:followUpId', PATCH],
    });
  });

  test('an Impact event overtaken by the app’s own write (its webhook held back) is read again, not applied stale', async () => {
    const before = mark();
    env.impact.webhooks.pause();
    env.impact.followUps.update(INCIDENT, fuId, { title: 'Held title from Impact' }, JANE);
    await new Promise((r) => setTimeout(r, 20));
    await editAsPerson(key, { summary: 'Newest title from Jira' });
    await env.until(() => followUp().title === 'Newest title from Jira', 'the Jira edit in Impact');
    env.impact.webhooks.resume();
    await env.settleAll();
    expect(env.jira.state.findIssue(key)!.summary).toBe('Newest title from Jira');
    expect(followUp().title).toBe('Newest title from Jira');
    // The held event's snapshot is older than the app's write: Impact is read again, Jira shows it already.
    expect(appCallsSince(before).jira.filter((c) => !c.startsWith('GET'))).toEqual([]);
    expect(appCallsSince(before).impact).toEqual(['GET /api/v1/incidents/:id/follow-ups/:followUpId', PATCH, 'GET /api/v1/incidents/:id/follow-ups/:followUpId']);
  });
});
