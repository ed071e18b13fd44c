import {
  apiErrorSchema,
  getIncidentResponseSchema,
  ImpactApiPaths,
  impactWebhookSchema,
  postNoteResponseSchema,
  updateIncidentResponseSchema,
} from '../../../src/shared/impact';
import type { ImpactSimulator } from '../../../src/sandbox/impact-sim';
import { api, API_HEADERS, BRIDGE_TOKEN, JANE, OMAR, OTHER_TOKEN, testClock, testSim } from './helpers';

async function errorOf(res: Response) {
  return apiErrorSchema.parse(await res.json()).error;
}

describe('Impact simulator API (contract v1)', () => {
  let sim: ImpactSimulator;
  let id: string;
  beforeEach(() => {
    sim = testSim();
    id = sim.admin.createIncident({ title: 'Checkout 502s', description: 'FR only', priority: 2, commander: JANE, environments: ['PRD'], platform: 'platform-FR' }).incident.id;
  });

  describe('GET /api/v1/incidents/{id}', () => {
    it('returns the incident in the contract shape', async () => {
      const res = await api(sim, 'GET', ImpactApiPaths.incident(id));
      expect(res.status).toBe(200);
      const body = getIncidentResponseSchema.parse(await res.json());
      expect(body.incident).toMatchObject({
        id: 'INC-1',
        title: 'Checkout 502s',
        description: 'FR only',
        status: 'OPEN',
        priority: 2,
        commander: JANE,
        environments: ['PRD'],
        platform: 'platform-FR',
        business_impact: null,
        custom_ids: {},
        key_events: [],
        status_history: [{ status: 'OPEN', at: '2026-11-23T06:14:48.106Z' }],
        created_at: '2026-11-23T06:14:48.106Z',
        url: 'http://127.0.0.1:8790/incidents/INC-1',
      });
    });

    it('answers 404 not_found for an unknown or malformed id', async () => {
      for (const path of [ImpactApiPaths.incident('INC-404'), ImpactApiPaths.incident('bad id!')]) {
        const res = await api(sim, 'GET', path);
        expect(res.status).toBe(404);
        expect((await errorOf(res)).code).toBe('not_found');
      }
    });
  });

  describe('PATCH /api/v1/incidents/{id}', () => {
    it('applies status, priority, commander and title, and fires one webhook carrying the origin marker', async () => {
      const res = await api(sim, 'PATCH', ImpactApiPaths.incident(id), {
        origin: 'incident-bridge',
        changes: { status: 'MITIGATING', priority: 1, commander: { email: OMAR.email }, title: '  Checkout down  ' },
        comment: 'Updated from Jira OPS-7',
      });
      expect(res.status).toBe(200);
      const { incident } = updateIncidentResponseSchema.parse(await res.json());
      expect(incident).toMatchObject({ status: 'MITIGATING', priority: 1, commander: OMAR, title: 'Checkout down' });
      expect(incident.status_history.map((h) => h.status)).toEqual(['OPEN', 'MITIGATING']);

      const hooks = sim.webhooks.deliveries().map((d) => impactWebhookSchema.parse(d.body));
      expect(hooks.map((h) => h.event)).toEqual(['incident.created', 'incident.updated']);
      const update = hooks[1];
      expect(update?.origin).toEqual({ type: 'api', client: 'incident-bridge', marker: 'incident-bridge' });
      expect(update?.updated_fields).toEqual({
        status: { previous: 'OPEN' },
        priority: { previous: 2 },
        commander: { previous: JANE },
        title: { previous: 'Checkout 502s' },
      });
      expect(update?.incident).toEqual(incident);
      expect(sim.store.updatesOf(id).at(-1)).toMatchObject({ comment: 'Updated from Jira OPS-7', fields: ['title', 'status', 'priority', 'commander'] });
    });

    it('reports only the fields that changed, and a change to the current value fires nothing', async () => {
      await api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'incident-bridge', changes: { status: 'OPEN', priority: 3 } });
      expect(sim.webhooks.deliveries().at(-1)?.body.updated_fields).toEqual({ priority: { previous: 2 } });
      const before = sim.webhooks.deliveries().length;
      const res = await api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'incident-bridge', changes: { status: 'OPEN', priority: 3 } });
      expect(res.status).toBe(200);
      updateIncidentResponseSchema.parse(await res.json());
      expect(sim.webhooks.deliveries()).toHaveLength(before);
    });

    it('clears the commander with null and names the client of a bare token "api-client"', async () => {
      const res = await api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'other-tool', changes: { commander: null } }, { ...API_HEADERS, authorization: `Bearer ${OTHER_TOKEN}` });
      expect(updateIncidentResponseSchema.parse(await res.json()).incident.commander).toBeNull();
      expect(sim.webhooks.deliveries().at(-1)?.body.origin).toEqual({ type: 'api', client: 'api-client', marker: 'other-tool' });
    });

    it('stamps changes with the simulator clock', async () => {
      const clock = testClock();
      const timed = testSim({ now: clock.now });
      const { incident } = timed.admin.createIncident({ title: 'x' });
      clock.advance(90_000);
      await api(timed, 'PATCH', ImpactApiPaths.incident(incident.id), { origin: 'incident-bridge', changes: { status: 'INVESTIGATING' } });
      const hook = timed.webhooks.deliveries().at(-1)?.body;
      expect(hook?.occurred_at).toBe('2026-11-23T06:16:18.106Z');
      expect(hook?.incident.updated_at).toBe('2026-11-23T06:16:18.106Z');
      expect(hook?.incident.status_history.at(-1)).toEqual({ status: 'INVESTIGATING', at: '2026-11-23T06:16:18.106Z' });
    });

    const invalid: [string, unknown, string][] = [
      ['no origin', { changes: { status: 'MITIGATED' } }, 'origin'],
      ['a bad origin marker', { origin: 'has space', changes: { status: 'MITIGATED' } }, 'origin'],
      ['no change', { origin: 'incident-bridge', changes: {} }, 'changes'],
      ['an unknown field', { origin: 'incident-bridge', changes: { description: 'x' } }, 'changes'],
      ['priority 0', { origin: 'incident-bridge', changes: { priority: 0 } }, 'changes.priority'],
      ['an unknown status', { origin: 'incident-bridge', changes: { status: 'DONE' } }, 'changes.status'],
      ['a commander by name', { origin: 'incident-bridge', changes: { commander: { name: 'Omar' } } }, 'changes.commander.email'],
      ['an unknown commander', { origin: 'incident-bridge', changes: { commander: { email: 'nobody@example.com' } } }, 'changes.commander.email'],
    ];
    it.each(invalid)('refuses %s with 422 invalid_request naming the path, and changes nothing', async (_name, body, path) => {
      const before = sim.store.get(id);
      const res = await api(sim, 'PATCH', ImpactApiPaths.incident(id), body);
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(error.details?.map((d) => d.path)).toContain(path);
      expect(sim.store.get(id)).toEqual(before);
      expect(sim.webhooks.deliveries()).toHaveLength(1);
    });

    it('refuses malformed JSON and a non-JSON content type with 422', async () => {
      const bad = await sim.app.request(ImpactApiPaths.incident(id), { method: 'PATCH', headers: { ...API_HEADERS, 'content-type': 'application/json' }, body: '{"origin":' });
      expect(bad.status).toBe(422);
      expect((await errorOf(bad)).code).toBe('invalid_request');
      const form = await sim.app.request(ImpactApiPaths.incident(id), { method: 'PATCH', headers: { ...API_HEADERS, 'content-type': 'text/plain' }, body: '{}' });
      expect(form.status).toBe(422);
      expect((await errorOf(form)).details).toEqual([{ path: 'headers.content-type', message: 'expected application/json' }]);
    });

    it('answers 404 for an unknown incident', async () => {
      const res = await api(sim, 'PATCH', ImpactApiPaths.incident('INC-9'), { origin: 'incident-bridge', changes: { status: 'CLOSED' } });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    });
  });

  describe('POST /api/v1/incidents/{id}/notes', () => {
    it('stores the note and answers 201 with it; the default subscription sends no note webhook', async () => {
      const res = await api(sim, 'POST', ImpactApiPaths.notes(id), { origin: 'incident-bridge', message: 'Post-mortem created in Jira: PM-4' });
      expect(res.status).toBe(201);
      const { note } = postNoteResponseSchema.parse(await res.json());
      expect(note).toEqual({
        id: 'note_1',
        incident_id: id,
        message: 'Post-mortem created in Jira: PM-4',
        origin: 'incident-bridge',
        author: null,
        external_id: null,
        version: 1,
        created_at: '2026-11-23T06:14:48.106Z',
        updated_at: '2026-11-23T06:14:48.106Z',
        deleted_at: null,
      });
      expect(sim.notes.list(id)).toEqual([note]);
      expect(sim.webhooks.deliveries()).toHaveLength(1);
    });

    it.each([
      ['an empty message', { origin: 'incident-bridge', message: '   ' }, 'message'],
      ['a message over 10 000 characters', { origin: 'incident-bridge', message: 'x'.repeat(10_001) }, 'message'],
      ['no origin', { message: 'hi' }, 'origin'],
    ])('refuses %s with 422', async (_name, body, path) => {
      const res = await api(sim, 'POST', ImpactApiPaths.notes(id), body);
      expect(res.status).toBe(422);
      expect((await errorOf(res)).details?.map((d) => d.path)).toContain(path);
      expect(sim.notes.list(id)).toEqual([]);
    });

    it('answers 404 for an unknown incident', async () => {
      const res = await api(sim, 'POST', ImpactApiPaths.notes('INC-9'), { origin: 'incident-bridge', message: 'hi' });
      expect(res.status).toBe(404);
    });
  });

  describe('authentication and the contract version header', () => {
    const routes: [string, string, unknown][] = [
      ['GET', ImpactApiPaths.incident('INC-1'), undefined],
      ['PATCH', ImpactApiPaths.incident('INC-1'), { origin: 'incident-bridge', changes: { status: 'CLOSED' } }],
      ['POST', ImpactApiPaths.notes('INC-1'), { origin: 'incident-bridge', message: 'hi' }],
    ];
    const badAuth: [string, Record<string, string>][] = [
      ['no Authorization header', { 'x-impact-contract-version': '1' }],
      ['an unknown token', { 'x-impact-contract-version': '1', authorization: 'Bearer nope-nope-nope' }],
      ['a token prefix', { 'x-impact-contract-version': '1', authorization: `Bearer ${BRIDGE_TOKEN.slice(0, -1)}` }],
      ['Basic auth', { 'x-impact-contract-version': '1', authorization: `Basic ${Buffer.from(`x:${BRIDGE_TOKEN}`).toString('base64')}` }],
      ['an empty Bearer', { 'x-impact-contract-version': '1', authorization: 'Bearer ' }],
    ];
    for (const [method, path, body] of routes) {
      it.each(badAuth)(`${method} ${path} with %s is 401 unauthorized and changes nothing`, async (_name, headers) => {
        const res = await api(sim, method, path, body, headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="impact"');
        expect((await errorOf(res)).code).toBe('unauthorized');
        expect(sim.store.get(id)?.status).toBe('OPEN');
        expect(sim.notes.list(id)).toEqual([]);
        expect(sim.webhooks.deliveries()).toHaveLength(1);
      });
    }

    it.each([
      ['missing', { authorization: `Bearer ${BRIDGE_TOKEN}` }, 'missing'],
      ['another version', { authorization: `Bearer ${BRIDGE_TOKEN}`, 'x-impact-contract-version': '2' }, 'unsupported version 2'],
    ])('refuses a %s contract version header with 422', async (_name, headers, message) => {
      const res = await api(sim, 'GET', ImpactApiPaths.incident(id), undefined, headers);
      expect(res.status).toBe(422);
      expect((await errorOf(res)).details).toEqual([{ path: 'headers.x-impact-contract-version', message }]);
    });

    it('answers unknown API paths with a contract 404', async () => {
      // (`GET /api/v1/incidents` became the incident list in contract revision 3.)
      const res = await api(sim, 'GET', '/api/v1/escalations');
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    });
  });

  describe('call log and faults', () => {
    it('logs every call with its route template, client and status', async () => {
      sim.callLog.clear();
      await api(sim, 'GET', ImpactApiPaths.incident(id));
      await api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'incident-bridge', changes: { priority: 1 } });
      await api(sim, 'GET', ImpactApiPaths.incident(id), undefined, {});
      expect(sim.callLog.entries().map(({ method, route, surface, status, client }) => ({ method, route, surface, status, client }))).toEqual([
        { method: 'GET', route: '/api/v1/incidents/:id', surface: 'api', status: 200, client: 'incident-bridge' },
        { method: 'PATCH', route: '/api/v1/incidents/:id', surface: 'api', status: 200, client: 'incident-bridge' },
        { method: 'GET', route: '/api/v1/incidents/:id', surface: 'api', status: 401, client: null },
      ]);
      expect(sim.callLog.count((e) => e.method === 'PATCH')).toBe(1);
    });

    it('injects a 429 with Retry-After, then a 503, each once, in the contract error shape', async () => {
      sim.faults.inject('PATCH /api/v1/incidents/*', { kind: 'status', status: 429, retryAfterSeconds: 2 });
      sim.faults.inject('PATCH /api/v1/incidents/*', { kind: 'status', status: 503 });
      const body = { origin: 'incident-bridge', changes: { priority: 1 } };
      const limited = await api(sim, 'PATCH', ImpactApiPaths.incident(id), body);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect((await errorOf(limited)).code).toBe('rate_limited');
      const down = await api(sim, 'PATCH', ImpactApiPaths.incident(id), body);
      expect(down.status).toBe(503);
      expect((await errorOf(down)).code).toBe('unavailable');
      expect(sim.store.get(id)?.priority).toBe(2);
      const ok = await api(sim, 'PATCH', ImpactApiPaths.incident(id), body);
      expect(ok.status).toBe(200);
      expect(sim.store.get(id)?.priority).toBe(1);
      expect(sim.faults.list()).toEqual([]);
    });

    it('drops the connection for a drop fault (the in-process caller sees a rejection)', async () => {
      sim.faults.inject('/api/v1/incidents/**', { kind: 'drop' });
      await expect(api(sim, 'GET', ImpactApiPaths.incident(id))).rejects.toThrow(/connection dropped/);
      expect(sim.callLog.entries().at(-1)).toMatchObject({ status: 0 });
      expect((await api(sim, 'GET', ImpactApiPaths.incident(id))).status).toBe(200);
    });
  });
});
