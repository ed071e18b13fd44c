/**
 * Issue 15 item 8: an Impact note becomes a Jira comment and a Jira comment becomes an Impact note, each
 * naming where it came from; edits and deletions follow both ways; nothing comes back as an echo (the call
 * logs show no write on the side a change came from).
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

  const commentIdWith = async (text: string): Promise<string> => {
    const response = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}/comment`);
    const all = ((await response.json()) as { comments: { id: string; body: unknown }[] }).comments;
    const found = all.find((c) => adfToText(c.body).includes(text));
    if (!found) throw new Error(`no comment with ${text}`);
    return found.id;
  };
  const adfDoc = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
  /** What the app wrote on each side since `mark`: Jira comment writes, Impact note writes. */
  const appWritesSince = (mark: { jira: number; impact: number }) => ({
    jira: env.jira.callLog.entries().slice(mark.jira).filter((e) => e.actorIsApp && e.method !== 'GET' && e.route.includes('/comment')).map((e) => `${e.method} ${e.route}`),
    impact: env.impact.callLog.entries().slice(mark.impact).filter((e) => e.surface === 'api' && e.method !== 'GET' && e.route.includes('/notes')).map((e) => `${e.method} ${e.route}`),
  });
  const mark = () => ({ jira: env.jira.callLog.entries().length, impact: env.impact.callLog.entries().length });

  test('a person edits, then deletes their Impact note: the comment follows, and Impact gets no write back', async () => {
    const note = env.impact.notes.create('INC-960', { message: 'Paging the DB team' }, { kind: 'person', user: JANE });
    await env.settleAll();
    const commentId = await commentIdWith('Paging the DB team');

    const beforeEdit = mark();
    env.impact.notes.edit('INC-960', note.note.id, 'Paging the DB team (done, Li is on it)', { kind: 'person', user: JANE });
    await env.settleAll();
    expect((await comments()).find((c) => c.text.includes('Paging the DB team'))).toEqual({ author: DEFAULT_APP_ACCOUNT_ID, text: 'Jane Doe in Impact: Paging the DB team (done, Li is on it)' });
    expect(appWritesSince(beforeEdit)).toEqual({ jira: ['PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}'], impact: [] });
    expect(await commentIdWith('done, Li is on it')).toBe(commentId);

    const beforeDelete = mark();
    env.impact.notes.remove('INC-960', note.note.id, { kind: 'person', user: JANE });
    await env.settleAll();
    expect((await comments()).some((c) => c.text.includes('Paging the DB team'))).toBe(false);
    expect(appWritesSince(beforeDelete)).toEqual({ jira: ['DELETE /rest/api/3/issue/{issueIdOrKey}/comment/{id}'], impact: [] });
  });

  test('a person edits, then deletes their Jira comment: the note follows, and Jira gets no write back', async () => {
    const posted = await jiraRequest(env.sandbox.urls.jira, 'dave@example.com', 'POST', `/rest/api/3/issue/${key}/comment`, { body: adfDoc('Rollback started') });
    const { id: commentId } = (await posted.json()) as { id: string };
    await env.until(() => notes().some((m) => m.endsWith('Rollback started')), 'the comment as a note');
    const noteId = env.impact.notes.list('INC-960').find((n) => n.external_id === `jira-comment:${commentId}`)!.id;

    const beforeEdit = mark();
    const edited = await jiraRequest(env.sandbox.urls.jira, 'dave@example.com', 'PUT', `/rest/api/3/issue/${key}/comment/${commentId}`, { body: adfDoc('Rollback finished at 14:02') });
    expect(edited.status).toBe(200);
    await env.until(() => notes().some((m) => m.endsWith('Rollback finished at 14:02')), 'the edit on the note');
    const note = env.impact.notes.list('INC-960').find((n) => n.id === noteId)!;
    expect(note).toMatchObject({ message: `${SANDBOX_USERS.dave.displayName} in Jira: Rollback finished at 14:02`, version: 2, origin: 'incident-bridge' });
    expect(appWritesSince(beforeEdit)).toEqual({ jira: [], impact: ['PATCH /api/v1/incidents/:id/notes/:noteId'] });
    // The app's edit came back as incident.note_updated with our marker and was dropped (no Jira write above).
    expect(env.impact.webhooks.deliveries((d) => d.event === 'incident.note_updated' && d.incidentId === 'INC-960' && d.body.origin.marker === 'incident-bridge').length).toBe(1);

    const beforeDelete = mark();
    expect((await jiraRequest(env.sandbox.urls.jira, 'dave@example.com', 'DELETE', `/rest/api/3/issue/${key}/comment/${commentId}`)).status).toBe(204);
    await env.until(() => !env.impact.notes.list('INC-960').some((n) => n.id === noteId), 'the note deleted');
    expect(appWritesSince(beforeDelete)).toEqual({ jira: [], impact: ['DELETE /api/v1/incidents/:id/notes/:noteId'] });
  });

  test('a person edits the app’s copy of an Impact note in Jira: the note (a person’s) is left as it is', async () => {
    env.impact.notes.create('INC-960', { message: 'Status page updated' }, { kind: 'person', user: JANE });
    await env.settleAll();
    const commentId = await commentIdWith('Status page updated');
    const before = mark();
    const edited = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'PUT', `/rest/api/3/issue/${key}/comment/${commentId}`, { body: adfDoc('Status page updated twice') });
    expect(edited.status).toBe(200);
    await env.settleAll();
    expect(notes()).toContain('Status page updated');
    expect(appWritesSince(before)).toEqual({ jira: [], impact: [] });
  });
});
