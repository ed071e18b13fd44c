import fc from 'fast-check';
import { apiErrorSchema, getIncidentResponseSchema, ImpactApiPaths, updateIncidentResponseSchema } from '../../../src/shared/impact';
import type { ImpactSimulator } from '../../../src/sandbox/impact-sim';
import { api, API_HEADERS, JANE, OMAR, OTHER_TOKEN, testSim } from './helpers';

const patch = (sim: ImpactSimulator, id: string, changes: Record<string, unknown>, ifMatch?: string) =>
  api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'incident-bridge', changes }, ifMatch === undefined ? API_HEADERS : { ...API_HEADERS, 'if-match': ifMatch });

describe('Impact simulator: incident version and conditional writes', () => {
  let sim: ImpactSimulator;
  let id: string;
  beforeEach(() => {
    sim = testSim();
    id = sim.admin.createIncident({ title: 'Checkout 502s', priority: 2, commander: JANE }).incident.id;
  });

  it('starts at 1 and moves by one on every change (fields, key events), never on a no-op', async () => {
    expect(sim.store.get(id)?.version).toBe(1);
    sim.admin.updateIncident(id, { status: 'INVESTIGATING' });
    expect(sim.store.get(id)?.version).toBe(2);
    sim.admin.updateIncident(id, { status: 'INVESTIGATING' });
    expect(sim.store.get(id)?.version).toBe(2);
    sim.admin.addKeyEvent(id, { kind: 'detected', message: null });
    expect(sim.store.get(id)?.version).toBe(3);
    await patch(sim, id, { priority: 1, title: 'Checkout down' });
    expect(sim.store.get(id)?.version).toBe(4);
    // Every webhook carries the version of the incident it reports, in order.
    expect(sim.webhooks.deliveries().map((d) => d.body.incident.version)).toEqual([1, 2, 3, 4]);
  });

  it('answers GET and PATCH with ETag "<version>"', async () => {
    const read = await api(sim, 'GET', ImpactApiPaths.incident(id));
    expect(read.headers.get('etag')).toBe('"1"');
    expect(getIncidentResponseSchema.parse(await read.json()).incident.version).toBe(1);
    const written = await patch(sim, id, { priority: 1 }, '"1"');
    expect(written.status).toBe(200);
    expect(written.headers.get('etag')).toBe('"2"');
    expect(updateIncidentResponseSchema.parse(await written.json()).incident.version).toBe(2);
  });

  it('refuses a write on a stale version with 409 naming the current version, and changes nothing', async () => {
    sim.admin.updateIncident(id, { priority: 3, actor: OMAR });
    const before = sim.store.get(id);
    const hooks = sim.webhooks.deliveries().length;
    const res = await patch(sim, id, { priority: 1 }, '"1"');
    expect(res.status).toBe(409);
    expect(res.headers.get('etag')).toBe('"2"');
    const { error } = apiErrorSchema.parse(await res.json());
    expect(error).toEqual({ code: 'conflict', message: 'incident INC-1 is at version 2; If-Match named "1"', current_version: 2 });
    expect(sim.store.get(id)).toEqual(before);
    expect(sim.webhooks.deliveries()).toHaveLength(hooks);
  });

  it('refuses a stale no-op too: the precondition is checked before the change is compared', async () => {
    sim.admin.updateIncident(id, { priority: 3 });
    expect((await patch(sim, id, { priority: 3 }, '"1"')).status).toBe(409);
  });

  it.each([
    ['a bare number', '2', 200],
    ['"*" (any existing version)', '*', 200],
    ['a list holding the current version', '"1", "2"', 200],
    ['a weak tag (never matches under strong comparison)', 'W/"2"', 409],
  ])('takes %s', async (_name, header, status) => {
    sim.admin.updateIncident(id, { priority: 4 });
    expect((await patch(sim, id, { priority: 1 }, header)).status).toBe(status);
  });

  it('refuses a malformed If-Match with 422 naming the header, and changes nothing', async () => {
    const res = await patch(sim, id, { priority: 1 }, 'version-one');
    expect(res.status).toBe(422);
    const { error } = apiErrorSchema.parse(await res.json());
    expect(error.code).toBe('invalid_request');
    expect(error.details?.[0]?.path).toBe('headers.if-match');
    expect(sim.store.get(id)?.priority).toBe(2);
  });

  it('without If-Match a write applies as before (contract v1 clients keep working)', async () => {
    sim.admin.updateIncident(id, { priority: 3 });
    const res = await patch(sim, id, { priority: 1 });
    expect(res.status).toBe(200);
    expect(sim.store.get(id)).toMatchObject({ priority: 1, version: 3 });
  });

  it('of two clients writing on the same version at the same time, exactly one wins; the other learns the new version', async () => {
    const other = { ...API_HEADERS, authorization: `Bearer ${OTHER_TOKEN}`, 'if-match': '"1"' };
    const [a, b] = await Promise.all([
      patch(sim, id, { priority: 1 }, '"1"'),
      api(sim, 'PATCH', ImpactApiPaths.incident(id), { origin: 'other-tool', changes: { priority: 5 } }, other),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(apiErrorSchema.parse(await loser.json()).error.current_version).toBe(2);
    expect(sim.store.get(id)?.version).toBe(2);
    expect(sim.webhooks.deliveries()).toHaveLength(2);
  });

  it('property: a conditional write applies iff it names the current version; versions count accepted changes', async () => {
    type Step = { kind: 'person'; priority: number } | { kind: 'api'; priority: number; lag: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('person' as const), priority: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('api' as const), priority: fc.integer({ min: 1, max: 5 }), lag: fc.integer({ min: 0, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const s = testSim();
        const inc = s.admin.createIncident({ title: 't', priority: 3 }).incident.id;
        let accepted = 0;
        for (const st of steps) {
          const before = s.store.get(inc);
          if (!before) throw new Error('gone');
          if (st.kind === 'person') {
            if (s.admin.updateIncident(inc, { priority: st.priority }).eventId) accepted += 1;
          } else {
            const named = Math.max(1, before.version - st.lag);
            const res = await patch(s, inc, { priority: st.priority }, `"${named}"`);
            const fresh = named === before.version;
            expect(res.status).toBe(fresh ? 200 : 409);
            if (!fresh) expect(apiErrorSchema.parse(await res.json()).error.current_version).toBe(before.version);
            if (fresh && st.priority !== before.priority) accepted += 1;
          }
          expect(s.store.get(inc)?.version).toBe(1 + accepted);
        }
        const versions = s.webhooks.deliveries().map((d) => d.body.incident.version);
        expect(versions).toEqual(Array.from({ length: accepted + 1 }, (_, i) => i + 1));
      }),
      { numRuns: 60 },
    );
  });
});
