import { INCIDENT_STATUS, SANDBOX_USERS, type IssueEvent } from '../../../src/sandbox/jira-sim';
import { adf, call, createIncident, seededSim, testClock } from './helpers';

async function transitionTo(sim: ReturnType<typeof seededSim>, key: string, statusName: string): Promise<number> {
  const list = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const t = list.transitions.find((x) => x.to.name === statusName);
  if (!t) return -1;
  return (await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } })).status;
}

describe('incident workflow', () => {
  it('offers only the transitions of the current status and refuses others like Jira', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    const names = async (): Promise<string[]> =>
      ((await (await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { to: { name: string } }[] }).transitions.map((t) => t.to.name);
    expect(await names()).toEqual(['Pending resolution', 'in progress', 'Closed']);
    // "Validate" (Reporter validation → Closed) is not available from Incoming.
    const refused = await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '111' } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ errorMessages: ["Transition id '111' is not valid for this issue."], errors: {} });
    expect(await transitionTo(sim, key, 'in progress')).toBe(204);
    expect(await transitionTo(sim, key, 'Reporter validation')).toBe(204);
    expect(await names()).toEqual(['in progress', 'Closed']);
    expect(await transitionTo(sim, key, 'Closed')).toBe(204);
    const issue = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}`)).json()) as { fields: { status: { id: string; statusCategory: { key: string; id: number } }; resolution: { name: string } | null } };
    expect(issue.fields.status.id).toBe(INCIDENT_STATUS.closed.id);
    expect(issue.fields.status.statusCategory).toMatchObject({ key: 'done', id: 3 });
    expect(issue.fields.resolution?.name).toBe('Done');
    expect(await names()).toEqual(['Incoming']);
    expect(await transitionTo(sim, key, 'Incoming')).toBe(204);
    const reopened = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}?fields=resolution`)).json()) as { fields: { resolution: unknown } };
    expect(reopened.fields.resolution).toBeNull();
  });

  it('refuses fields on a transition without a screen and a missing transition id', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    expect((await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '21' }, fields: { summary: 'x' } })).status).toBe(400);
    expect((await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, {})).status).toBe(400);
  });

  it('post-mortem project has its own workflow and issue type', async () => {
    const sim = seededSim(testClock());
    const res = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'PM' }, issuetype: { name: 'Post-mortem' }, summary: 'PM for OPS-1' } });
    const { key } = (await res.json()) as { key: string };
    expect(key).toBe('PM-1');
    expect(await transitionTo(sim, key, 'In Progress')).toBe(204);
    expect(await transitionTo(sim, key, 'Done')).toBe(204);
    const wrongType = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'PM' }, issuetype: { name: 'Incident' }, summary: 'x' } });
    expect(wrongType.status).toBe(400);
  });
});

describe('issue events', () => {
  it('emits created/updated/commented events with changelog items and the app flag', async () => {
    const clock = testClock();
    const sim = seededSim(clock);
    const events: IssueEvent[] = [];
    const unsubscribe = sim.onIssueEvent((e) => events.push(e));
    const { key, id } = await createIncident(sim, { customfield_11064: { value: '3' } });
    clock.advance(1000);
    await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '1' }, priority: { name: 'Highest' } } }, { user: SANDBOX_USERS.bob.accountId });
    await call(sim, 'PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: SANDBOX_USERS.bob.accountId }, { email: 'bob@example.com' });
    await transitionTo(sim, key, 'in progress');
    await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('on it') }, { user: SANDBOX_USERS.bob.accountId });
    // A no-op edit changes nothing and emits nothing.
    await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { priority: { name: 'Highest' } } });

    expect(events.map((e) => [e.eventType, e.actorIsApp])).toEqual([
      ['avi:jira:created:issue', true],
      ['avi:jira:updated:issue', false],
      ['avi:jira:updated:issue', false],
      ['avi:jira:updated:issue', true],
      ['avi:jira:commented:issue', false],
    ]);
    const [created, edited, assigned, transitioned] = events;
    expect(created).toMatchObject({ issue: { id, key, fields: { summary: 'Checkout is down', issuetype: { name: 'Incident' } } }, atlassianId: sim.state.appAccountId });
    expect(edited?.eventType === 'avi:jira:updated:issue' && edited.changelog.items).toEqual([
      { field: 'Priority (Impact)', fieldtype: 'custom', fieldId: 'customfield_11064', from: expect.any(String), fromString: '3', to: expect.any(String), toString: '1' },
      { field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: '3', fromString: 'Medium', to: '1', toString: 'Highest' },
    ]);
    expect(edited?.atlassianId).toBe(SANDBOX_USERS.bob.accountId);
    expect(assigned?.eventType === 'avi:jira:updated:issue' && assigned.changelog.items[0]).toMatchObject({ field: 'assignee', to: SANDBOX_USERS.bob.accountId, toString: 'Bob Commander' });
    expect(transitioned?.eventType === 'avi:jira:updated:issue' && transitioned.changelog.items).toEqual([
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10001', fromString: 'Incoming', to: '10003', toString: 'in progress' },
    ]);
    expect(transitioned?.issue.fields['status']).toMatchObject({ name: 'in progress', statusCategory: { key: 'indeterminate' } });

    unsubscribe();
    await createIncident(sim);
    expect(events).toHaveLength(5);
  });

  it('a throwing listener does not break the write', async () => {
    const errors: unknown[] = [];
    const sim = seededSim(testClock(), { onListenerError: (e) => errors.push(e) });
    sim.onIssueEvent(() => {
      throw new Error('listener bug');
    });
    await createIncident(sim);
    expect(errors).toHaveLength(1);
  });
});

describe('ADF validation', () => {
  const invalid: [string, unknown][] = [
    ['plain string', 'hello'],
    ['wrong version', { type: 'doc', version: 2, content: [] }],
    ['text directly in doc', { type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] }],
    ['unknown node', { type: 'doc', version: 1, content: [{ type: 'marquee', content: [] }] }],
    ['unknown mark', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'blink' }] }] }] }],
    ['link without href', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: {} }] }] }] }],
    ['empty text', { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] }],
    ['heading level 7', { type: 'doc', version: 1, content: [{ type: 'heading', attrs: { level: 7 }, content: [] }] }],
    ['paragraph in list', { type: 'doc', version: 1, content: [{ type: 'bulletList', content: [{ type: 'paragraph', content: [] }] }] }],
  ];

  it.each(invalid)('rejects %s as a comment and as a description', async (_name, body) => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    const comment = await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body });
    expect(comment.status).toBe(400);
    expect(await comment.json()).toEqual({ errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
    const edit = await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { description: body } });
    expect(edit.status).toBe(400);
    expect(await edit.json()).toEqual({ errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } });
  });

  it('accepts rich documents', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Impact' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'see ', marks: [{ type: 'strong' }] }, { type: 'text', text: 'runbook', marks: [{ type: 'link', attrs: { href: 'https://x' } }] }, { type: 'hardBreak' }, { type: 'mention', attrs: { id: SANDBOX_USERS.bob.accountId } }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] }] },
        { type: 'codeBlock', attrs: { language: 'sh' }, content: [{ type: 'text', text: 'kubectl rollout undo' }] },
        { type: 'panel', attrs: { panelType: 'warning' }, content: [{ type: 'paragraph', content: [] }] },
        { type: 'rule' },
      ],
    };
    expect((await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: doc })).status).toBe(201);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { description: doc } })).status).toBe(204);
  });
});

describe('auth and users', () => {
  it('401 without credentials, Basic auth from any email, unknown Forge user refused', async () => {
    const sim = seededSim(testClock());
    const none = await call(sim, 'GET', '/rest/api/3/myself', undefined, { none: true });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ errorMessages: [expect.any(String)] });
    const newcomer = (await (await call(sim, 'GET', '/rest/api/3/myself', undefined, { email: 'erin@example.com' })).json()) as { accountId: string; emailAddress: string };
    expect(newcomer.emailAddress).toBe('erin@example.com');
    const again = (await (await call(sim, 'GET', '/rest/api/3/myself', undefined, { email: 'ERIN@example.com' })).json()) as { accountId: string };
    expect(again.accountId).toBe(newcomer.accountId);
    const alice = (await (await call(sim, 'GET', '/rest/api/3/myself', undefined, { email: 'alice@example.com' })).json()) as { accountId: string };
    expect(alice.accountId).toBe(SANDBOX_USERS.alice.accountId);
    expect((await call(sim, 'GET', '/rest/api/3/myself', undefined, { user: 'ghost' })).status).toBe(401);
  });

  it('hides the email of a user who hides it, everywhere but their own profile', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim, { assignee: { accountId: SANDBOX_USERS.carol.accountId } });
    const byId = (await (await call(sim, 'GET', `/rest/api/3/user?accountId=${SANDBOX_USERS.carol.accountId}`)).json()) as Record<string, unknown>;
    expect(byId).not.toHaveProperty('emailAddress');
    const issue = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}?fields=assignee`)).json()) as { fields: { assignee: Record<string, unknown> } };
    expect(issue.fields.assignee['displayName']).toBe('Carol Private');
    expect(issue.fields.assignee).not.toHaveProperty('emailAddress');
    // Searching by the hidden email must not find her (that would reveal it).
    expect(await (await call(sim, 'GET', '/rest/api/3/user/search?query=carol@')).json()).toEqual([]);
    const bob = (await (await call(sim, 'GET', '/rest/api/3/user/search?query=bob@example.com')).json()) as Record<string, unknown>[];
    expect(bob[0]?.['emailAddress']).toBe('bob@example.com');
  });
});
