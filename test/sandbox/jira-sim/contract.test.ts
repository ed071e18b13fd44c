/**
 * Every endpoint of the simulator, called in-process, with the status and JSON body checked against the
 * pinned Jira Cloud OpenAPI spec. Also checks that the validator itself rejects non-conforming bodies.
 */
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { adf, call, createIncident, seededSim, testClock, type As } from './helpers';
import { jiraSpecValidator, type OpenApiValidator } from './openapi-validator';

let spec: OpenApiValidator;
beforeAll(() => {
  spec = jiraSpecValidator();
});

const clock = testClock();
const sim = seededSim(clock);

async function checked(method: string, path: string, body?: unknown, as?: As): Promise<{ status: number; json: unknown }> {
  const res = await call(sim, method, path, body, as);
  const status = res.status;
  const json = await spec.check(method, path, res);
  return { status, json };
}

describe('the OpenAPI validator', () => {
  it('rejects a body that breaks the schema and an undeclared status', () => {
    expect(spec.validate('GET', '/rest/api/3/issue/OPS-1', 200, { id: 5, key: 'OPS-1' }).ok).toBe(false);
    expect(spec.validate('GET', '/rest/api/3/issue/OPS-1', 200, { id: '5', key: 'OPS-1', bogus: true }).ok).toBe(false);
    expect(spec.validate('GET', '/rest/api/3/issue/OPS-1', 418, {}).ok).toBe(false);
    expect(spec.validate('GET', '/rest/api/3/issueLinkType', 200, { issueLinkTypes: [{ id: '1', name: 'Blocks' }] }).ok).toBe(true);
  });

  it('prefers literal path segments over parameters', () => {
    expect(spec.findOperation('GET', '/rest/api/3/project/search')?.template).toBe('/rest/api/3/project/search');
    expect(spec.findOperation('GET', '/rest/api/3/project/OPS')?.template).toBe('/rest/api/3/project/{projectIdOrKey}');
  });
});

describe('issue endpoints conform to the spec', () => {
  let key = '';
  let other = '';

  it('POST /issue creates with custom fields, priority, labels, components, assignee and properties', async () => {
    const { status, json } = await checked('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'OPS' },
        issuetype: { name: 'Incident' },
        summary: 'Payments API returns 502',
        description: adf('Since 06:00 UTC'),
        priority: { name: 'High' },
        labels: ['impact', 'p1'],
        components: [{ name: 'Payments' }],
        assignee: { accountId: SANDBOX_USERS.bob.accountId },
        customfield_11064: { value: '1' },
      },
      properties: [{ key: 'incident-bridge', value: { impactId: 'imp-42', source: 'impact' } }],
    });
    expect(status).toBe(201);
    const created = json as { id: string; key: string; self: string };
    expect(created.key).toBe('OPS-1');
    expect(created.id).toMatch(/^\d+$/);
    expect(created.self).toBe(`http://127.0.0.1:8789/rest/api/3/issue/${created.id}`);
    key = created.key;
    other = (await createIncident(sim, { summary: 'Second' })).key;
  });

  it('POST /issue answers 400 with an ErrorCollection for bad fields', async () => {
    const { status, json } = await checked('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'x', customfield_11064: { value: '9' }, customfield_99999: 'y' },
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      errorMessages: [],
      errors: {
        customfield_11064: "Option value '9' is not valid",
        customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
  });

  it('GET /issue/{key} returns the fields, changelog and properties asked for', async () => {
    clock.advance(60_000);
    await call(sim, 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Payments API returns 502 for EU' } });
    const { status, json } = await checked('GET', `/rest/api/3/issue/${key}?expand=changelog&properties=incident-bridge`);
    expect(status).toBe(200);
    const issue = json as { fields: Record<string, unknown>; changelog: { histories: { items: { field: string }[] }[] }; properties: Record<string, unknown> };
    expect(issue.fields['customfield_11064']).toMatchObject({ value: '1' });
    expect(issue.fields['priority']).toMatchObject({ name: 'High' });
    expect(issue.fields['created']).toBe('2026-11-23T06:14:48.106+0000');
    expect(issue.fields['updated']).toBe('2026-11-23T06:15:48.106+0000');
    expect(issue.fields['status']).toMatchObject({ name: 'Incoming', statusCategory: { id: 2, key: 'new', name: 'To Do' } });
    expect(issue.changelog.histories.map((h) => h.items.map((i) => i.field))).toEqual([['summary']]);
    expect(issue.properties).toEqual({ 'incident-bridge': { impactId: 'imp-42', source: 'impact' } });

    const narrow = await checked('GET', `/rest/api/3/issue/${key}?fields=summary,status`);
    expect(Object.keys((narrow.json as { fields: object }).fields).sort()).toEqual(['status', 'summary']);
    expect((await checked('GET', '/rest/api/3/issue/OPS-999')).status).toBe(404);
  });

  it('PUT /issue/{key} edits (204) and returns the issue when asked (200)', async () => {
    expect((await checked('PUT', `/rest/api/3/issue/${key}`, { fields: { customfield_11064: { value: '2' } }, update: { labels: [{ add: 'eu' }] } })).status).toBe(204);
    const returned = await checked('PUT', `/rest/api/3/issue/${key}?returnIssue=true`, { fields: { priority: { id: '1' } } });
    expect(returned.status).toBe(200);
    expect((returned.json as { fields: { labels: string[] } }).fields.labels).toEqual(['eu', 'impact', 'p1']);
    expect((await checked('PUT', `/rest/api/3/issue/${key}`, { fields: { status: { name: 'Closed' } } })).status).toBe(400);
  });

  it('PUT /issue/{key}/assignee assigns and unassigns', async () => {
    expect((await checked('PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: SANDBOX_USERS.carol.accountId })).status).toBe(204);
    expect((await checked('PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: null })).status).toBe(204);
    expect((await checked('PUT', `/rest/api/3/issue/${key}/assignee`, { accountId: 'nobody' })).status).toBe(404);
  });

  it('POST and GET /issue/{key}/comment', async () => {
    const created = await checked('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('Rolled back to v41') });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ body: adf('Rolled back to v41'), author: { accountType: 'app' } });
    const bad = await checked('POST', `/rest/api/3/issue/${key}/comment`, { body: 'plain text' });
    expect(bad.status).toBe(400);
    const page = await checked('GET', `/rest/api/3/issue/${key}/comment`);
    expect(page.json).toMatchObject({ startAt: 0, total: 1 });
  });

  it('comment properties: set on POST /issue/{key}/comment, read back only through POST /comment/list?expand=properties', async () => {
    const request = { body: adf('Jane Doe in Impact: rolled back'), properties: [{ key: 'incident-bridge-note', value: { incidentId: 'INC-1', noteId: 'n-1', noteVersion: 1 } }] };
    // The body the app sends conforms to the spec's addComment request (Comment, EntityProperty items).
    expect(spec.validateRequest('POST', `/rest/api/3/issue/${key}/comment`, request)).toMatchObject({ ok: true });
    expect(spec.validateRequest('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('x'), properties: [{ key: 'k', value: 1, extra: true }] }).ok).toBe(false);
    expect(spec.validateRequest('POST', '/rest/api/3/comment/list', { ids: [1, 2] })).toMatchObject({ ok: true });
    expect(spec.validateRequest('POST', '/rest/api/3/comment/list', { ids: ['1'] }).ok).toBe(false);

    const created = await checked('POST', `/rest/api/3/issue/${key}/comment`, request);
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    expect(created.json).not.toHaveProperty('properties');
    // getComments documents only `renderedBody` as an expand: no properties there, even when asked.
    const page = await checked('GET', `/rest/api/3/issue/${key}/comment?expand=properties`);
    expect((page.json as { comments: object[] }).comments.every((cm) => !('properties' in cm))).toBe(true);

    const listed = await checked('POST', '/rest/api/3/comment/list?expand=properties', { ids: [Number(id), 999999] });
    expect(listed.status).toBe(200);
    expect(listed.json).toMatchObject({ isLast: true, total: 1, values: [{ id, properties: request.properties }] });
    const plain = await checked('POST', '/rest/api/3/comment/list', { ids: [Number(id)] });
    expect((plain.json as { values: object[] }).values[0]).not.toHaveProperty('properties');

    // Refused like Jira: a property item with an unknown member, a key over 255 characters, too many ids.
    expect((await checked('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('x'), properties: [{ key: 'k', value: 1, extra: true }] })).status).toBe(400);
    expect((await checked('POST', `/rest/api/3/issue/${key}/comment`, { body: adf('x'), properties: [{ key: 'k'.repeat(256), value: 1 }] })).status).toBe(400);
    expect((await checked('POST', '/rest/api/3/comment/list', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) })).status).toBe(400);
  });

  it('GET and POST /issue/{key}/transitions', async () => {
    const { json } = await checked('GET', `/rest/api/3/issue/${key}/transitions`);
    const start = (json as { transitions: { id: string; to: { name: string } }[] }).transitions.find((t) => t.to.name === 'in progress');
    expect(start).toBeDefined();
    expect((await checked('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: start?.id } })).status).toBe(204);
    expect((await checked('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '121' } })).status).toBe(400);
  });

  it('issue entity properties: list, get, put (201 then 200), delete', async () => {
    expect((await checked('PUT', `/rest/api/3/issue/${key}/properties/sync-state`, { lastSeen: 3 })).status).toBe(201);
    expect((await checked('PUT', `/rest/api/3/issue/${key}/properties/sync-state`, { lastSeen: 4 })).status).toBe(200);
    expect((await checked('GET', `/rest/api/3/issue/${key}/properties/sync-state`)).json).toEqual({ key: 'sync-state', value: { lastSeen: 4 } });
    const keys = (await checked('GET', `/rest/api/3/issue/${key}/properties`)).json as { keys: { key: string }[] };
    expect(keys.keys.map((k) => k.key)).toEqual(['incident-bridge', 'sync-state']);
    expect((await checked('DELETE', `/rest/api/3/issue/${key}/properties/sync-state`)).status).toBe(204);
    expect((await checked('GET', `/rest/api/3/issue/${key}/properties/sync-state`)).status).toBe(404);
    expect((await checked('DELETE', `/rest/api/3/issue/${key}/properties/sync-state`)).status).toBe(404);
  });

  it('GET /issueLinkType and POST /issueLink', async () => {
    const types = (await checked('GET', '/rest/api/3/issueLinkType')).json as { issueLinkTypes: { name: string; inward: string; outward: string }[] };
    expect(types.issueLinkTypes.map((t) => [t.name, t.inward, t.outward])).toEqual([
      ['Blocks', 'is blocked by', 'blocks'],
      ['Cloners', 'is cloned by', 'clones'],
      ['Duplicate', 'is duplicated by', 'duplicates'],
      ['Relates', 'relates to', 'relates to'],
    ]);
    expect((await checked('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' }, inwardIssue: { key }, outwardIssue: { key: other } })).status).toBe(201);
    const a = (await checked('GET', `/rest/api/3/issue/${key}?fields=issuelinks`)).json as { fields: { issuelinks: { outwardIssue?: { key: string } }[] } };
    expect(a.fields.issuelinks[0]?.outwardIssue?.key).toBe(other);
    const b = (await checked('GET', `/rest/api/3/issue/${other}?fields=issuelinks`)).json as { fields: { issuelinks: { inwardIssue?: { key: string } }[] } };
    expect(b.fields.issuelinks[0]?.inwardIssue?.key).toBe(key);
    expect((await checked('POST', '/rest/api/3/issueLink', { type: { name: 'Nope' }, inwardIssue: { key }, outwardIssue: { key: other } })).status).toBe(404);
  });
});

describe('metadata endpoints conform to the spec', () => {
  it('GET /field lists system and custom fields', async () => {
    const fields = (await checked('GET', '/rest/api/3/field')).json as { id: string; name: string; custom: boolean }[];
    expect(fields.find((f) => f.id === 'customfield_11064')).toMatchObject({ name: 'Priority (Impact)', custom: true });
    expect(fields.find((f) => f.id === 'summary')).toMatchObject({ custom: false });
  });

  it('GET custom field contexts and options', async () => {
    const contexts = (await checked('GET', '/rest/api/3/field/customfield_11064/context')).json as { values: { id: string }[] };
    const contextId = contexts.values[0]?.id ?? '';
    const options = (await checked('GET', `/rest/api/3/field/customfield_11064/context/${contextId}/option`)).json as { values: { value: string }[] };
    expect(options.values.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
    expect((await checked('GET', '/rest/api/3/field/customfield_1/context')).status).toBe(404);
  });

  it('GET /priority/search pages the priorities (PageBeanPriority), filters by name and default', async () => {
    const first = (await checked('GET', '/rest/api/3/priority/search?maxResults=2')).json as { values: { id: string; name: string; isDefault: boolean }[]; isLast: boolean; total: number; nextPage?: string };
    expect(first).toMatchObject({ startAt: 0, maxResults: 2, total: 5, isLast: false });
    expect(first.values.map((p) => p.name)).toEqual(['Highest', 'High']);
    expect(first.nextPage).toContain('startAt=2');
    const rest = (await checked('GET', '/rest/api/3/priority/search?startAt=2&maxResults=50')).json as { values: { name: string; isDefault: boolean }[]; isLast: boolean };
    expect(rest.isLast).toBe(true);
    expect(rest.values.map((p) => [p.name, p.isDefault])).toEqual([
      ['Medium', true],
      ['Low', false],
      ['Lowest', false],
    ]);
    expect(((await checked('GET', '/rest/api/3/priority/search?priorityName=low')).json as { values: { name: string }[] }).values.map((p) => p.name)).toEqual(['Low', 'Lowest']);
    expect(((await checked('GET', '/rest/api/3/priority/search?onlyDefault=true')).json as { values: { name: string }[] }).values.map((p) => p.name)).toEqual(['Medium']);
    // maxResults is capped at the default page size: a caller pages past it.
    expect(((await checked('GET', '/rest/api/3/priority/search?maxResults=500')).json as { maxResults: number }).maxResults).toBe(50);
  });

  it('GET /project/search pages, GET /project/{key}, GET /project/{key}/statuses', async () => {
    const first = (await checked('GET', '/rest/api/3/project/search?maxResults=1')).json as { values: { key: string }[]; isLast: boolean; total: number };
    expect(first).toMatchObject({ isLast: false, total: 2 });
    expect(first.values.map((p) => p.key)).toEqual(['OPS']);
    const second = (await checked('GET', '/rest/api/3/project/search?startAt=1&maxResults=1')).json as { values: { key: string }[]; isLast: boolean };
    expect(second.values.map((p) => p.key)).toEqual(['PM']);
    expect(second.isLast).toBe(true);
    // The rule editor's project picker: `query` matches key or name, case-insensitively (pinned spec), ordered by key.
    const keysFor = async (query: string) => ((await checked('GET', `/rest/api/3/project/search?query=${query}&orderBy=key&maxResults=50`)).json as { values: { key: string }[] }).values.map((p) => p.key);
    expect(await keysFor('POST')).toEqual(['PM']);
    expect(await keysFor('op')).toEqual(['OPS']);
    expect(await keysFor('zzz')).toEqual([]);
    expect((await checked('GET', '/rest/api/3/project/PM')).json).toMatchObject({ key: 'PM', name: 'Post-mortems' });
    expect((await checked('GET', '/rest/api/3/project/NOPE')).status).toBe(404);
    const statuses = (await checked('GET', '/rest/api/3/project/OPS/statuses')).json as { name: string; statuses: { name: string; statusCategory: { key: string } }[] }[];
    expect(statuses.map((t) => t.name)).toEqual(['Incident', 'Task', 'Bug']);
    expect(statuses[0]?.statuses.map((s) => [s.name, s.statusCategory.key])).toEqual([
      ['Incoming', 'new'],
      ['Pending resolution', 'new'],
      ['in progress', 'indeterminate'],
      ['Reporter validation', 'indeterminate'],
      ['Closed', 'done'],
    ]);
  });

  it('users: by accountId, search, myself', async () => {
    const bob = (await checked('GET', `/rest/api/3/user?accountId=${SANDBOX_USERS.bob.accountId}`)).json;
    expect(bob).toMatchObject({ displayName: 'Bob Commander', emailAddress: 'bob@example.com', accountType: 'atlassian' });
    expect((await checked('GET', '/rest/api/3/user?accountId=nobody')).status).toBe(404);
    const found = (await checked('GET', '/rest/api/3/user/search?query=car')).json as Record<string, unknown>[];
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ displayName: 'Carol Private' });
    expect(found[0]).not.toHaveProperty('emailAddress');
    const me = (await checked('GET', '/rest/api/3/myself', undefined, { user: SANDBOX_USERS.carol.accountId })).json;
    expect(me).toMatchObject({ accountId: SANDBOX_USERS.carol.accountId, emailAddress: 'carol@example.com' });
    expect((await checked('GET', '/rest/api/3/myself')).json).toMatchObject({ accountType: 'app' });
  });

  it('GET /mypermissions answers ADMINISTER_PROJECTS per project', async () => {
    const path = '/rest/api/3/mypermissions?projectKey=OPS&permissions=ADMINISTER_PROJECTS';
    const have = async (as: As): Promise<unknown> =>
      ((await checked('GET', path, undefined, as)).json as { permissions: { ADMINISTER_PROJECTS: { havePermission: boolean } } }).permissions.ADMINISTER_PROJECTS.havePermission;
    expect(await have({ user: SANDBOX_USERS.alice.accountId })).toBe(true);
    expect(await have({ user: SANDBOX_USERS.bob.accountId })).toBe(true);
    expect(await have({ user: SANDBOX_USERS.dave.accountId })).toBe(false);
    const pm = (await checked('GET', '/rest/api/3/mypermissions?projectKey=PM&permissions=ADMINISTER_PROJECTS', undefined, { user: SANDBOX_USERS.bob.accountId })).json;
    expect(pm).toMatchObject({ permissions: { ADMINISTER_PROJECTS: { havePermission: false, type: 'PROJECT' } } });
    expect((await checked('GET', '/rest/api/3/mypermissions?projectKey=OPS')).status).toBe(400);
    expect((await checked('GET', '/rest/api/3/mypermissions?projectKey=NOPE&permissions=ADMINISTER_PROJECTS')).status).toBe(404);
  });

  it('POST and GET /search/jql', async () => {
    const post = (await checked('POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY key ASC', fields: ['summary', 'status'], maxResults: 1 })).json as {
      issues: { key: string; fields: { summary: string } }[];
      isLast: boolean;
      nextPageToken?: string;
    };
    expect(post.issues[0]?.key).toBe('OPS-1');
    expect(post.isLast).toBe(false);
    const next = (await checked('POST', '/rest/api/3/search/jql', { nextPageToken: post.nextPageToken, fields: ['summary'], maxResults: 1 })).json as { issues: { key: string }[]; isLast: boolean };
    expect(next.issues.map((i) => i.key)).toEqual(['OPS-2']);
    expect(next.isLast).toBe(true);
    const get = (await checked('GET', '/rest/api/3/search/jql?jql=project%20%3D%20OPS&fields=id')).json as { issues: Record<string, unknown>[] };
    expect(get.issues.every((i) => i['fields'] === undefined && typeof i['id'] === 'string')).toBe(true);
    expect((await checked('POST', '/rest/api/3/search/jql', { jql: 'project = OPS OR project = PM' })).status).toBe(400);
    expect((await checked('POST', '/rest/api/3/search/jql', { jql: 'project = OPS', startAt: 0 })).status).toBe(400);
  });

  it('401 without credentials is a declared status', async () => {
    expect((await checked('GET', '/rest/api/3/myself', undefined, { none: true })).status).toBe(401);
    expect((await checked('POST', '/rest/api/3/issue', { fields: {} }, { none: true })).status).toBe(401);
  });
});
