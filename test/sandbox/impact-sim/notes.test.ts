import { ALL_IMPACT_EVENTS, apiErrorSchema, ImpactApiPaths, impactNoteWebhookSchema, listNotesResponseSchema, noteResponseSchema } from '../../../src/shared/impact';
import type { ImpactSimulator } from '../../../src/sandbox/impact-sim';
import { admin, api, API_HEADERS, JANE, OMAR, OTHER_TOKEN, testSim } from './helpers';

const OTHER_HEADERS = { ...API_HEADERS, authorization: `Bearer ${OTHER_TOKEN}` };
const noteHooks = (sim: ImpactSimulator) => sim.webhooks.deliveries((d) => d.event.startsWith('incident.note_')).map((d) => impactNoteWebhookSchema.parse(d.body));
const errorOf = async (res: Response) => apiErrorSchema.parse(await res.json()).error;
const noteOf = async (res: Response) => noteResponseSchema.parse(await res.json()).note;

describe('Impact simulator notes (contract §2.2)', () => {
  let sim: ImpactSimulator;
  let id: string;
  beforeEach(() => {
    sim = testSim({ webhookEvents: ALL_IMPACT_EVENTS });
    id = sim.admin.createIncident({ title: 'Checkout 502s', commander: JANE }).incident.id;
  });

  it('an API note fires incident.note_created with the client origin marker, the note and the incident', async () => {
    const res = await api(sim, 'POST', ImpactApiPaths.notes(id), { origin: 'incident-bridge', message: 'Jane in Jira: rolled back', external_id: 'jira-comment:10042' });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    const note = await noteOf(res);
    expect(note).toMatchObject({ origin: 'incident-bridge', author: null, external_id: 'jira-comment:10042', version: 1, deleted_at: null });
    const [hook] = noteHooks(sim);
    expect(hook).toMatchObject({ event: 'incident.note_created', origin: { type: 'api', client: 'incident-bridge', marker: 'incident-bridge' }, updated_fields: {}, note });
    expect(hook?.incident).toEqual(sim.store.get(id));
    // Notes have their own versions: the incident's does not move.
    expect(sim.store.get(id)?.version).toBe(1);
  });

  it('a repeat with the same external_id answers 200 with the note as it is and fires nothing (idempotent create)', async () => {
    const body = { origin: 'incident-bridge', message: 'from Jira', external_id: 'jira-comment:7' };
    const first = await noteOf(await api(sim, 'POST', ImpactApiPaths.notes(id), body));
    const again = await api(sim, 'POST', ImpactApiPaths.notes(id), { ...body, message: 'a retry with other text' });
    expect(again.status).toBe(200);
    expect(await noteOf(again)).toEqual(first);
    expect(sim.notes.list(id)).toHaveLength(1);
    expect(noteHooks(sim)).toHaveLength(1);
    // The key is per incident.
    const other = sim.admin.createIncident({ title: 'Other' }).incident.id;
    expect((await api(sim, 'POST', ImpactApiPaths.notes(other), body)).status).toBe(201);
  });

  it('a person writes a note: author set, no origin marker, user origin on the webhook', async () => {
    const res = await admin(sim, 'POST', `/admin/incidents/${id}/notes`, { message: 'Customer support informed', actor: OMAR });
    expect(res.status).toBe(201);
    const { note } = (await res.json()) as { note: { id: string } };
    expect(sim.notes.get(id, note.id)).toMatchObject({ author: OMAR, origin: null, external_id: null });
    expect(noteHooks(sim)[0]?.origin).toEqual({ type: 'user', user: OMAR, marker: null });
  });

  it('lists live notes oldest first and reads one with its ETag', async () => {
    const a = sim.notes.create(id, { message: 'first' }, { kind: 'person', user: JANE }).note;
    const b = sim.notes.create(id, { message: 'second' }, { kind: 'api', client: 'incident-bridge', marker: 'incident-bridge' }).note;
    sim.notes.remove(id, a.id, { kind: 'person', user: JANE });
    const list = listNotesResponseSchema.parse(await (await api(sim, 'GET', ImpactApiPaths.notes(id))).json());
    expect(list.notes.map((n) => n.id)).toEqual([b.id]);
    const one = await api(sim, 'GET', ImpactApiPaths.note(id, b.id));
    expect(one.headers.get('etag')).toBe('"1"');
    expect(await noteOf(one)).toEqual(b);
    expect((await api(sim, 'GET', ImpactApiPaths.note(id, a.id))).status).toBe(404);
    expect((await api(sim, 'GET', ImpactApiPaths.notes('INC-404'))).status).toBe(404);
  });

  describe('edit', () => {
    let noteId: string;
    beforeEach(async () => {
      noteId = (await noteOf(await api(sim, 'POST', ImpactApiPaths.notes(id), { origin: 'incident-bridge', message: 'v1 text' }))).id;
    });

    it('edits its own note on the current version: version 2, incident.note_updated with the previous text', async () => {
      const res = await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), { origin: 'incident-bridge', message: 'v2 text' }, { ...API_HEADERS, 'if-match': '"1"' });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"2"');
      expect(await noteOf(res)).toMatchObject({ message: 'v2 text', version: 2 });
      const hook = noteHooks(sim).at(-1);
      expect(hook).toMatchObject({ event: 'incident.note_updated', updated_fields: { message: { previous: 'v1 text' } }, note: { message: 'v2 text', version: 2 } });
    });

    it('refuses a stale edit with 409 naming the note version', async () => {
      await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), { origin: 'incident-bridge', message: 'v2 text' });
      const res = await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), { origin: 'incident-bridge', message: 'v3 text' }, { ...API_HEADERS, 'if-match': '"1"' });
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({ code: 'conflict', current_version: 2 });
      expect(sim.notes.get(id, noteId).message).toBe('v2 text');
    });

    it('the same text is a no-op: 200, same version, no webhook', async () => {
      const hooks = noteHooks(sim).length;
      const res = await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), { origin: 'incident-bridge', message: 'v1 text' });
      expect(res.status).toBe(200);
      expect((await noteOf(res)).version).toBe(1);
      expect(noteHooks(sim)).toHaveLength(hooks);
    });

    it('only the writer may change a note: another API client and a person get 403, a person cannot edit another person’s note', async () => {
      const byOther = await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), { origin: 'other-tool', message: 'hijack' }, OTHER_HEADERS);
      expect(byOther.status).toBe(403);
      expect((await errorOf(byOther)).code).toBe('forbidden');
      expect((await admin(sim, 'PATCH', `/admin/incidents/${id}/notes/${noteId}`, { message: 'hijack', actor: JANE })).status).toBe(403);
      const janes = sim.notes.create(id, { message: 'mine' }, { kind: 'person', user: JANE }).note;
      expect((await api(sim, 'PATCH', ImpactApiPaths.note(id, janes.id), { origin: 'incident-bridge', message: 'edited by the app' })).status).toBe(403);
      expect((await admin(sim, 'PATCH', `/admin/incidents/${id}/notes/${janes.id}`, { message: 'by Omar', actor: OMAR })).status).toBe(403);
      expect((await admin(sim, 'PATCH', `/admin/incidents/${id}/notes/${janes.id}`, { message: 'by Jane, edited', actor: JANE })).status).toBe(200);
      expect(sim.notes.get(id, noteId).message).toBe('v1 text');
    });

    it.each([
      ['an empty message', { origin: 'incident-bridge', message: ' ' }, 'message'],
      ['no origin', { message: 'x' }, 'origin'],
    ])('refuses %s with 422', async (_name, body, path) => {
      const res = await api(sim, 'PATCH', ImpactApiPaths.note(id, noteId), body);
      expect(res.status).toBe(422);
      expect((await errorOf(res)).details?.map((d) => d.path)).toContain(path);
    });
  });

  describe('delete', () => {
    let noteId: string;
    beforeEach(async () => {
      noteId = (await noteOf(await api(sim, 'POST', ImpactApiPaths.notes(id), { origin: 'incident-bridge', message: 'to go' }))).id;
    });

    it('deletes with 204 and fires incident.note_deleted with deleted_at; the note is gone afterwards', async () => {
      const res = await api(sim, 'DELETE', `${ImpactApiPaths.note(id, noteId)}?origin=incident-bridge`, undefined, { ...API_HEADERS, 'if-match': '"1"' });
      expect(res.status).toBe(204);
      const hook = noteHooks(sim).at(-1);
      expect(hook).toMatchObject({ event: 'incident.note_deleted', origin: { marker: 'incident-bridge' }, note: { id: noteId, version: 2, deleted_at: '2026-11-23T06:14:48.106Z' } });
      expect(sim.notes.list(id)).toEqual([]);
      for (const [method, body] of [['GET', undefined], ['PATCH', { origin: 'incident-bridge', message: 'x' }], ['DELETE', undefined]] as const) {
        const path = method === 'DELETE' ? `${ImpactApiPaths.note(id, noteId)}?origin=incident-bridge` : ImpactApiPaths.note(id, noteId);
        expect((await api(sim, method, path, body)).status).toBe(404);
      }
      // A repeat of the create key still answers the (deleted) note: the key is never reused.
      expect(sim.notes.list(id, { includeDeleted: true })[0]?.deleted_at).not.toBeNull();
    });

    it('requires the origin marker in the query and honours If-Match', async () => {
      const noOrigin = await api(sim, 'DELETE', ImpactApiPaths.note(id, noteId));
      expect(noOrigin.status).toBe(422);
      expect((await errorOf(noOrigin)).details?.[0]).toEqual({ path: 'query.origin', message: 'missing' });
      const stale = await api(sim, 'DELETE', `${ImpactApiPaths.note(id, noteId)}?origin=incident-bridge`, undefined, { ...API_HEADERS, 'if-match': '"7"' });
      expect(stale.status).toBe(409);
      expect(sim.notes.list(id)).toHaveLength(1);
    });

    it('a person deletes their own note through the admin surface', async () => {
      const mine = sim.notes.create(id, { message: 'typo' }, { kind: 'person', user: OMAR }).note;
      const res = await admin(sim, 'DELETE', `/admin/incidents/${id}/notes/${mine.id}`, { actor: OMAR });
      expect(res.status).toBe(200);
      expect(noteHooks(sim).at(-1)).toMatchObject({ event: 'incident.note_deleted', origin: { type: 'user', user: OMAR } });
    });
  });

  it('sends note events only to subscriptions that carry them (the default one does not)', async () => {
    const plain = testSim();
    const inc = plain.admin.createIncident({ title: 't' }).incident.id;
    const change = plain.notes.create(inc, { message: 'hello' }, { kind: 'person', user: JANE });
    expect(change.eventId).not.toBeNull();
    expect(change.delivery).toBeNull();
    expect(plain.webhooks.deliveries().map((d) => d.event)).toEqual(['incident.created']);
    plain.webhooks.subscribe(['incident.note_created']);
    plain.notes.create(inc, { message: 'again' }, { kind: 'person', user: JANE });
    plain.admin.updateIncident(inc, { priority: 1 });
    expect(plain.webhooks.deliveries().map((d) => d.event)).toEqual(['incident.created', 'incident.note_created']);
  });

  it('logs note calls under their route templates', async () => {
    sim.callLog.clear();
    const n = await noteOf(await api(sim, 'POST', ImpactApiPaths.notes(id), { origin: 'incident-bridge', message: 'x' }));
    await api(sim, 'PATCH', ImpactApiPaths.note(id, n.id), { origin: 'incident-bridge', message: 'y' });
    expect(sim.callLog.entries().map((e) => `${e.method} ${e.route} ${e.status}`)).toEqual([
      'POST /api/v1/incidents/:id/notes 201',
      'PATCH /api/v1/incidents/:id/notes/:noteId 200',
    ]);
  });
});
