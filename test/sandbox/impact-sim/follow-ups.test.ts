import { ALL_IMPACT_EVENTS, apiErrorSchema, followUpResponseSchema, ImpactApiPaths, impactFollowUpWebhookSchema, listFollowUpsResponseSchema } from '../../../src/shared/impact';
import type { ImpactSimulator } from '../../../src/sandbox/impact-sim';
import { admin, api, API_HEADERS, JANE, OMAR, testSim } from './helpers';

const hooks = (sim: ImpactSimulator) => sim.webhooks.deliveries((d) => d.event.startsWith('incident.follow_up_')).map((d) => impactFollowUpWebhookSchema.parse(d.body));
const errorOf = async (res: Response) => apiErrorSchema.parse(await res.json()).error;
const followUpOf = async (res: Response) => followUpResponseSchema.parse(await res.json()).follow_up;
const change = (sim: ImpactSimulator, id: string, fu: string, changes: Record<string, unknown>, ifMatch?: string) =>
  api(sim, 'PATCH', ImpactApiPaths.followUp(id, fu), { origin: 'incident-bridge', changes }, ifMatch ? { ...API_HEADERS, 'if-match': ifMatch } : API_HEADERS);

describe('Impact simulator follow-ups (contract §2.3)', () => {
  let sim: ImpactSimulator;
  let id: string;
  let fu: string;
  beforeEach(async () => {
    sim = testSim({ webhookEvents: ALL_IMPACT_EVENTS });
    id = sim.admin.createIncident({ title: 'Checkout 502s', commander: JANE }).incident.id;
    const res = await admin(sim, 'POST', `/admin/incidents/${id}/follow-ups`, { title: 'Add a canary stage', assignee: OMAR, actor: JANE });
    expect(res.status).toBe(201);
    fu = ((await res.json()) as { follow_up: { id: string } }).follow_up.id;
  });

  it('a person creates one: incident.follow_up_created with the follow-up (version 1, OPEN) and the incident', () => {
    const [created] = hooks(sim);
    expect(created).toMatchObject({
      event: 'incident.follow_up_created',
      origin: { type: 'user', user: JANE },
      updated_fields: {},
      follow_up: { id: fu, incident_id: id, title: 'Add a canary stage', description: '', status: 'OPEN', assignee: OMAR, external_issue: null, version: 1, deleted_at: null },
    });
    expect(created?.incident.id).toBe(id);
  });

  it('lists and reads them over the API with ETag', async () => {
    sim.followUps.create(id, { title: 'Alert on 5xx ratio', description: 'per region', status: 'OPEN', assignee: null }, { kind: 'person', user: JANE });
    const list = listFollowUpsResponseSchema.parse(await (await api(sim, 'GET', ImpactApiPaths.followUps(id))).json());
    expect(list.follow_ups.map((f) => f.title)).toEqual(['Add a canary stage', 'Alert on 5xx ratio']);
    const one = await api(sim, 'GET', ImpactApiPaths.followUp(id, fu));
    expect(one.headers.get('etag')).toBe('"1"');
    expect((await followUpOf(one)).assignee).toEqual(OMAR);
    expect((await api(sim, 'GET', ImpactApiPaths.followUp(id, 'fu_99'))).status).toBe(404);
    expect((await api(sim, 'GET', ImpactApiPaths.followUps('INC-404'))).status).toBe(404);
  });

  it('the API sets status and the exported issue on the current version, reporting previous values', async () => {
    const res = await change(sim, id, fu, { status: 'IN_PROGRESS', external_issue: { key: 'OPS-88', url: 'https://example.atlassian.net/browse/OPS-88' } }, '"1"');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await followUpOf(res)).toMatchObject({ status: 'IN_PROGRESS', external_issue: { key: 'OPS-88' }, version: 2 });
    expect(hooks(sim).at(-1)).toMatchObject({
      event: 'incident.follow_up_updated',
      origin: { type: 'api', client: 'incident-bridge', marker: 'incident-bridge' },
      updated_fields: { status: { previous: 'OPEN' }, external_issue: { previous: null } },
    });
  });

  it('refuses a stale change with 409 naming the follow-up version, and changes nothing', async () => {
    await admin(sim, 'PATCH', `/admin/incidents/${id}/follow-ups/${fu}`, { status: 'DONE', actor: OMAR });
    const res = await change(sim, id, fu, { status: 'IN_PROGRESS' }, '"1"');
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'conflict', current_version: 2 });
    expect(sim.followUps.get(id, fu).status).toBe('DONE');
  });

  it('a change to the current value is a no-op: same version, no webhook', async () => {
    const before = hooks(sim).length;
    const res = await change(sim, id, fu, { status: 'OPEN', assignee: { email: OMAR.email } });
    expect(res.status).toBe(200);
    expect((await followUpOf(res)).version).toBe(1);
    expect(hooks(sim)).toHaveLength(before);
  });

  it('assigns by email; an unknown person is a 422 naming the path', async () => {
    expect((await followUpOf(await change(sim, id, fu, { assignee: { email: JANE.email } }))).assignee).toEqual(JANE);
    const res = await change(sim, id, fu, { assignee: { email: 'nobody@example.com' } });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).details).toEqual([{ path: 'changes.assignee.email', message: 'no Impact user with email nobody@example.com' }]);
    expect((await followUpOf(await change(sim, id, fu, { assignee: null }))).assignee).toBeNull();
  });

  it.each([
    ['an unknown field', { priority: 1 }, 'changes'],
    ['an unknown status', { status: 'WONT_DO' }, 'changes.status'],
    ['an empty title', { title: ' ' }, 'changes.title'],
  ])('refuses %s with 422', async (_name, changes, path) => {
    const res = await change(sim, id, fu, changes);
    expect(res.status).toBe(422);
    expect((await errorOf(res)).details?.map((d) => d.path)).toContain(path);
  });

  it('a person deletes one: incident.follow_up_deleted, then it is gone from the API', async () => {
    const res = await admin(sim, 'DELETE', `/admin/incidents/${id}/follow-ups/${fu}`);
    expect(res.status).toBe(200);
    expect(hooks(sim).at(-1)).toMatchObject({ event: 'incident.follow_up_deleted', follow_up: { id: fu, version: 2, deleted_at: '2026-11-23T06:14:48.106Z' } });
    expect(listFollowUpsResponseSchema.parse(await (await api(sim, 'GET', ImpactApiPaths.followUps(id))).json()).follow_ups).toEqual([]);
    expect((await change(sim, id, fu, { status: 'DONE' })).status).toBe(404);
    // The API cannot delete follow-ups (no such route).
    expect((await api(sim, 'DELETE', ImpactApiPaths.followUp(id, fu))).status).toBe(404);
  });

  it('the admin surface refuses a bad follow-up with 422', async () => {
    const res = await admin(sim, 'POST', `/admin/incidents/${id}/follow-ups`, { title: '', status: 'LATER' });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).details?.map((d) => d.path)).toEqual(expect.arrayContaining(['title', 'status']));
  });
});
