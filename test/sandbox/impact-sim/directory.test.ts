/** The contract's lists (§2.4): people and incidents created since a date, offset-paged, behind the API guard. */
import { apiErrorSchema, ImpactDirectoryPaths, listIncidentsResponseSchema, listUsersResponseSchema } from '../../../src/shared/impact';
import { api, JANE, OMAR, testClock, testSim } from './helpers';

describe('Impact simulator lists', () => {
  it('GET /api/v1/users pages every person by email, with next_offset null on the last page', async () => {
    const sim = testSim();
    sim.admin.addUser({ email: 'Zed@Example.com', name: 'Zed' });
    const first = listUsersResponseSchema.parse(await (await api(sim, 'GET', ImpactDirectoryPaths.users(0, 2))).json());
    expect(first).toMatchObject({ total: 3, next_offset: 2 });
    expect(first.users).toEqual([JANE, OMAR]);
    const second = listUsersResponseSchema.parse(await (await api(sim, 'GET', ImpactDirectoryPaths.users(2, 2))).json());
    expect(second).toMatchObject({ total: 3, next_offset: null, users: [{ email: 'Zed@Example.com', name: 'Zed' }] });
  });

  it('refuses a bad page and a missing token like every API call', async () => {
    const sim = testSim();
    const bad = await api(sim, 'GET', '/api/v1/users?limit=500');
    expect(bad.status).toBe(422);
    expect(apiErrorSchema.parse(await bad.json()).error.code).toBe('invalid_request');
    expect((await api(sim, 'GET', ImpactDirectoryPaths.users(0, 10), undefined, {})).status).toBe(401);
  });

  it('GET /api/v1/incidents?created_after= lists incidents created since then, oldest first, with their status history', async () => {
    const clock = testClock();
    const sim = testSim({ now: clock.now });
    sim.admin.createIncident({ title: 'Old', priority: 3 });
    clock.advance(3_600_000);
    const since = new Date(clock.now()).toISOString();
    const b = sim.admin.createIncident({ title: 'B', priority: 1 }).incident.id;
    clock.advance(60_000);
    const c = sim.admin.createIncident({ title: 'C', priority: 2 }).incident.id;
    const res = await api(sim, 'GET', ImpactDirectoryPaths.incidents(since, 0, 1));
    const first = listIncidentsResponseSchema.parse(await res.json());
    expect(first).toMatchObject({ total: 2, next_offset: 1 });
    expect(first.incidents.map((i) => i.id)).toEqual([b]);
    expect(first.incidents[0]?.status_history).toHaveLength(1);
    const rest = listIncidentsResponseSchema.parse(await (await api(sim, 'GET', ImpactDirectoryPaths.incidents(since, 1, 1))).json());
    expect(rest.incidents.map((i) => i.id)).toEqual([c]);
    expect((await api(sim, 'GET', '/api/v1/incidents?created_after=yesterday')).status).toBe(422);
  });
});
