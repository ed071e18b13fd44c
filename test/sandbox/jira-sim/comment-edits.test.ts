/**
 * Comment edit and delete (updateComment / deleteComment of the pinned spec): who may, what the answers are,
 * and the Forge events they fire (events.ts: an edit is `avi:jira:commented:issue` again, a deletion
 * `avi:jira:deleted:comment` with the comment as it was).
 */
import { SANDBOX_USERS, type IssueEvent } from '../../../src/sandbox/jira-sim';
import { adf, call, createIncident, seededSim, testClock } from './helpers';

const dave = { user: SANDBOX_USERS.dave.accountId };
const carol = { user: SANDBOX_USERS.carol.accountId };

describe('comment edit and delete', () => {
  it('the author edits and deletes their comment; each change fires its event', async () => {
    const clock = testClock();
    const sim = seededSim(clock);
    const { key, id } = await createIncident(sim);
    const events: IssueEvent[] = [];
    sim.onIssueEvent((e) => events.push(e));
    const posted = (await (await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('first') }, dave)).json()) as { id: string };
    clock.advance(5000);
    const edited = await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: adf('second') }, dave);
    expect(edited.status).toBe(200);
    const body = (await edited.json()) as { id: string; body: unknown; created: string; updated: string; updateAuthor: { accountId: string } };
    expect(body).toMatchObject({ id: posted.id, body: adf('second'), updateAuthor: { accountId: SANDBOX_USERS.dave.accountId } });
    expect(Date.parse(body.updated.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) - Date.parse(body.created.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))).toBe(5000);
    expect(((await (await call(sim, 'GET', `/rest/api/3/issue/${key}/comment/${posted.id}`)).json()) as { body: unknown }).body).toEqual(adf('second'));

    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}/comment/${posted.id}`, undefined, dave)).status).toBe(204);
    expect((await call(sim, 'GET', `/rest/api/3/issue/${key}/comment/${posted.id}`)).status).toBe(404);
    expect(((await (await call(sim, 'GET', `/rest/api/3/issue/${key}/comment`)).json()) as { total: number }).total).toBe(0);

    expect(events.map((e) => [e.eventType, e.actorIsApp])).toEqual([
      ['avi:jira:commented:issue', false],
      ['avi:jira:commented:issue', false],
      ['avi:jira:deleted:comment', false],
    ]);
    const [, edit, deletion] = events;
    expect(edit).toMatchObject({ issue: { id, key }, comment: { id: posted.id, body: adf('second'), author: { accountId: SANDBOX_USERS.dave.accountId } } });
    expect(deletion).toMatchObject({ issue: { id, key }, atlassianId: SANDBOX_USERS.dave.accountId, comment: { id: posted.id, body: adf('second') } });
  });

  it('someone else’s comment: 400 for a person without the *all comments* permissions, allowed for apps and project admins', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    const posted = (await (await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('mine') }, dave)).json()) as { id: string };
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: adf('theirs') }, carol)).status).toBe(400);
    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}/comment/${posted.id}`, undefined, carol)).status).toBe(400);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: adf('by the app') })).status).toBe(200);
    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}/comment/${posted.id}`, undefined, { user: SANDBOX_USERS.alice.accountId })).status).toBe(204);
  });

  it('refuses an unknown comment (404), an invalid body (400) and a visibility it cannot keep', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/99999`, { body: adf('x') })).status).toBe(404);
    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}/comment/99999`)).status).toBe(404);
    const posted = (await (await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('x') })).json()) as { id: string };
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: 'plain text' })).status).toBe(400);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: adf('y'), visibility: { type: 'role', value: 'Administrators' } })).status).toBe(400);
  });
});
