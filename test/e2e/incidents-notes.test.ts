/**
 * Issue 15 item 8 (creation both ways): an Impact note becomes a Jira comment and a Jira comment becomes an
 * Impact note, each naming where it came from, and neither comes back as an echo.
 */
import { adfToText } from '../../src/sandbox/jira-sim/adf';
import { DEFAULT_APP_ACCOUNT_ID, SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();
const JANE = { email: 'jane.doe@example.com', name: 'Jane Doe' };

describe('comments ⇄ notes', () => {
  let key = '';
  const comments = async () => {
    const response = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}/comment`);
    return ((await response.json()) as { comments: { id: string; author: { accountId: string }; body: unknown }[] }).comments.map((c) => ({ author: c.author.accountId, text: adfToText(c.body).trim() }));
  };
  const notes = () => env.impact.notes.list('INC-960').map((n) => n.message);

  beforeAll(async () => {
    env.impact.admin.createIncident({ id: 'INC-960', title: 'Search is slow', priority: 3 });
    await env.settleAll();
    key = env.issueKeyOf('INC-960');
  });

  test('a note a person writes in Impact becomes one comment by the app, and is not copied back', async () => {
    env.impact.notes.create('INC-960', { message: 'Rolled back v42 on the EU cluster' }, { kind: 'person', user: JANE });
    await env.settleAll();
    expect(await comments()).toEqual([{ author: DEFAULT_APP_ACCOUNT_ID, text: 'Jane Doe in Impact: Rolled back v42 on the EU cluster' }]);
    expect(notes()).toEqual(['Rolled back v42 on the EU cluster']);
    // A redelivered note event copies nothing again.
    const delivery = env.impact.webhooks.deliveries((d) => d.event === 'incident.note_created' && d.incidentId === 'INC-960').at(-1)!;
    env.impact.webhooks.redeliver(delivery.eventId);
    await env.settleAll();
    expect(await comments()).toHaveLength(1);
  });

  test('a comment a person writes in Jira becomes one Impact note with the app’s marker, whose webhook is dropped as our own', async () => {
    const posted = await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'POST', `/rest/api/3/issue/${key}/comment`, {
      body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Customer support informed' }] }] },
    });
    expect(posted.status).toBe(201);
    await env.until(() => notes().length === 2, 'the comment as an Impact note');
    expect(notes()[1]).toBe(`${SANDBOX_USERS.bob.displayName} in Jira: Customer support informed`);
    const note = env.impact.notes.list('INC-960')[1]!;
    expect(note).toMatchObject({ origin: 'incident-bridge', author: null, external_id: expect.stringMatching(/^jira-comment:/) });
    // Its webhook came back to the app and was not turned into a comment: Jira has Jane's copy and Bob's comment only.
    expect(env.impact.webhooks.deliveries((d) => d.event === 'incident.note_created' && d.incidentId === 'INC-960' && d.body.origin.marker === 'incident-bridge').every((d) => d.state === 'delivered')).toBe(true);
    expect((await comments()).map((c) => c.author)).toEqual([DEFAULT_APP_ACCOUNT_ID, SANDBOX_USERS.bob.accountId]);
  });
});
