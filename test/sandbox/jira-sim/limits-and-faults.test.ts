import { createJiraSimulator, seedSandboxSite, serveJiraSimulator, SimulatedConnectionDrop } from '../../../src/sandbox/jira-sim';
import { call, createIncident, headersFor, seededSim, testClock, T0 } from './helpers';

describe('rate limits on the injected clock', () => {
  it('burst: the 101st GET in one second on an endpoint is refused with Jira headers, then allowed next second', async () => {
    const clock = testClock(T0 - (T0 % 1000) + 200);
    const sim = seededSim(clock, { rateLimits: true });
    for (let i = 0; i < 100; i++) expect((await call(sim, 'GET', '/rest/api/3/project/OPS')).status).toBe(200);
    const refused = await call(sim, 'GET', '/rest/api/3/project/PM');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect(refused.headers.get('X-RateLimit-Limit')).toBe('100');
    expect(refused.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(refused.headers.get('X-RateLimit-Reset')).toBe(new Date(T0 - (T0 % 1000) + 1000).toISOString());
    expect(await refused.json()).toMatchObject({ errorMessages: [expect.any(String)] });
    // Other endpoints have their own budget.
    expect((await call(sim, 'GET', '/rest/api/3/myself')).status).toBe(200);
    clock.advance(800);
    expect((await call(sim, 'GET', '/rest/api/3/project/OPS')).status).toBe(200);
    expect(sim.callLog.count((e) => e.status === 429 && e.rateLimitReason === 'jira-burst-based')).toBe(1);
  });

  it('PUT burst is 50 per second', async () => {
    const clock = testClock(T0 - (T0 % 1000));
    const sim = seededSim(clock, { rateLimits: { perIssueWrites: [] } });
    const { key } = await createIncident(sim);
    for (let i = 0; i < 50; i++) expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/properties/p${i}`, { i })).status).toBe(201);
    expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/properties/x`, {})).status).toBe(429);
  });

  it('per issue: 20 writes per 2 s, then 100 per 30 s', async () => {
    const clock = testClock(T0 - (T0 % 1000));
    const sim = seededSim(clock, { rateLimits: true });
    const { key } = await createIncident(sim);
    const { key: other } = await createIncident(sim);
    const write = (k: string, i: number) => call(sim, 'PUT', `/rest/api/3/issue/${k}`, { fields: { summary: `s${i}` } });
    for (let i = 0; i < 20; i++) expect((await write(key, i)).status).toBe(204);
    const refused = await write(key, 20);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('RateLimit-Reason')).toBe('jira-per-issue-on-write');
    expect(refused.headers.get('Retry-After')).toBe('2');
    expect(refused.headers.get('X-RateLimit-Limit')).toBe('20');
    // Another issue is not affected, and reads of this one are not writes.
    expect((await write(other, 0)).status).toBe(204);
    expect((await call(sim, 'GET', `/rest/api/3/issue/${key}`)).status).toBe(200);
    // Spread writes out: 15 writes every 2.1 s stays under 20/2s but reaches 100/30s.
    let n = 20;
    let lastStatus = 0;
    let lastReason: string | null = null;
    for (let round = 0; round < 20 && lastStatus !== 429; round++) {
      clock.advance(2100);
      for (let i = 0; i < 15 && lastStatus !== 429; i++) {
        const res = await write(key, n++);
        lastStatus = res.status;
        lastReason = res.headers.get('RateLimit-Reason');
        if (res.status === 429) expect(res.headers.get('X-RateLimit-Limit')).toBe('100');
      }
    }
    expect(lastStatus).toBe(429);
    expect(lastReason).toBe('jira-per-issue-on-write');
  });

  it('can be switched off at runtime', async () => {
    const clock = testClock();
    const sim = seededSim(clock, { rateLimits: true });
    sim.rateLimits.setEnabled(false);
    for (let i = 0; i < 150; i++) expect((await call(sim, 'GET', '/rest/api/3/myself')).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('next N responses of a route fail with the chosen 5xx, then recover; the call log records them', async () => {
    const clock = testClock();
    const sim = seededSim(clock);
    sim.faults.inject('POST /rest/api/3/issue', { kind: 'status', status: 503, times: 2 });
    const body = { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'x' } };
    expect((await call(sim, 'POST', '/rest/api/3/issue', body)).status).toBe(503);
    expect((await call(sim, 'GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await call(sim, 'POST', '/rest/api/3/issue', body)).status).toBe(503);
    expect((await call(sim, 'POST', '/rest/api/3/issue', body)).status).toBe(201);
    expect(sim.state.issues.size).toBe(1);
    const log = sim.callLog.entries().filter((e) => e.method === 'POST');
    expect(log.map((e) => e.status)).toEqual([503, 503, 201]);
    expect(log[2]).toMatchObject({ path: '/rest/api/3/issue', route: '/rest/api/3/issue', actor: sim.state.appAccountId, actorIsApp: true, at: T0 });
  });

  it('an injected 429 carries the Retry-After it names, and none when it names none', async () => {
    const sim = seededSim(testClock());
    sim.faults.inject('GET /rest/api/3/myself', { kind: 'status', status: 429, retryAfterSeconds: 2 });
    sim.faults.inject('GET /rest/api/3/serverInfo', { kind: 'status', status: 429 });
    const named = await call(sim, 'GET', '/rest/api/3/myself');
    expect([named.status, named.headers.get('retry-after')]).toEqual([429, '2']);
    const unnamed = await call(sim, 'GET', '/rest/api/3/serverInfo');
    expect([unnamed.status, unnamed.headers.get('retry-after')]).toEqual([429, null]);
  });

  it('wildcard patterns, latency through the injected sleep, and dropped connections in-process', async () => {
    const slept: number[] = [];
    const sim = seededSim(testClock(), { sleep: async (ms) => { slept.push(ms); } });
    const { key } = await createIncident(sim);
    sim.faults.inject('/rest/api/3/issue/*/transitions', { kind: 'latency', ms: 750 });
    expect((await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).status).toBe(200);
    expect(slept).toEqual([750]);
    sim.faults.inject('GET /rest/api/3/issue/**', { kind: 'drop' });
    await expect(call(sim, 'GET', `/rest/api/3/issue/${key}/comment`)).rejects.toBeInstanceOf(SimulatedConnectionDrop);
    expect((await call(sim, 'GET', `/rest/api/3/issue/${key}/comment`)).status).toBe(200);
    expect(sim.callLog.entries().some((e) => e.status === 0)).toBe(true);
    expect(sim.faults.list()).toEqual([]);
  });
});

describe('serveJiraSimulator over loopback', () => {
  it('serves requests and destroys the socket on a drop fault', async () => {
    const sim = createJiraSimulator({ rateLimits: false });
    seedSandboxSite(sim);
    const served = await serveJiraSimulator(sim, { port: 0 });
    try {
      const ok = await fetch(`${served.url}/rest/api/3/project/OPS`, { headers: headersFor({ app: true }) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ key: 'OPS' });
      sim.faults.inject('GET /rest/api/3/myself', { kind: 'drop' });
      await expect(fetch(`${served.url}/rest/api/3/myself`, { headers: headersFor({ app: true }) })).rejects.toThrow();
      const after = await fetch(`${served.url}/rest/api/3/myself`, { headers: headersFor({ app: true }) });
      expect(after.status).toBe(200);
    } finally {
      await served.close();
    }
  });
});
