import { kvs } from '@forge/kvs';
import { probe } from './fixtures/app';
import { fakeJira, makeHost, type TestHost } from './helpers';

describe('forge host over real HTTP: web triggers, resolvers, static resources, requestJira', () => {
  let t: TestHost;
  let base: string;
  let jira: ReturnType<typeof fakeJira>;
  beforeEach(async () => {
    jira = fakeJira();
    t = makeHost({ jira: { kind: 'fetch', fetch: async (req) => jira.app.fetch(req) }, timeLimits: { webTriggerMs: 50, defaultMs: 2_000 } });
    base = (await t.host.start({ port: 0 })).url;
  });
  afterEach(async () => {
    await t.host.close();
  });

  it('converts the request to Forge shape, maps the response back and returns the getUrl URL', async () => {
    const res = await fetch(`${base}/x1/hook?a=1&a=2&b=x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'v' }, body: JSON.stringify({ push: [{ id: 'w1' }] }) });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-multi')).toBe('a, b');
    const body = (await res.json()) as { seen: Record<string, unknown>; jobId: string; url: string; moduleKey: string };
    expect(body.seen).toMatchObject({ method: 'POST', path: '/x1/hook', body: JSON.stringify({ push: [{ id: 'w1' }] }), queryParameters: { a: ['1', '2'], b: ['x'] } });
    expect((body.seen.headers as Record<string, string[]>)['x-custom']).toEqual(['v']);
    expect(body.url).toBe(`${base}/x1/hook`);
    expect(body.url).toBe(t.host.webTriggerUrl('hook'));
    expect(body.moduleKey).toBe('hook');
    await t.host.queue.drain();
    expect(await kvs.get('consumed:w1')).toEqual({ id: 'w1' });
  });

  it('answers 500 for a malformed handler result and for a timeout, 404 for unknown triggers', async () => {
    expect((await fetch(`${base}/x1/bad-hook`, { method: 'POST' })).status).toBe(500);
    expect((await fetch(`${base}/x1/slow-hook`, { method: 'POST' })).status).toBe(500);
    expect(t.host.invocations.list({ functionKey: 'slow-fn' })[0]?.outcome).toBe('timeout');
    expect((await fetch(`${base}/x1/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('invokes a resolver with the selected user and module context', async () => {
    const res = await fetch(`${base}/api/invoke/panel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': 'user-42' },
      body: JSON.stringify({ functionKey: 'whoami', payload: { q: 1 }, extension: { issue: { key: 'KEY-1' } } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { payload: { q: 1 }, accountId: 'user-42', moduleKey: 'panel', extension: { type: 'jira:issuePanel', issue: { key: 'KEY-1' } } } });
    const failed = await fetch(`${base}/api/invoke/panel`, { method: 'POST', body: JSON.stringify({ functionKey: 'fail' }) });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ ok: false, error: { message: 'resolver exploded' } });
    expect((await fetch(`${base}/api/invoke/panel`, { method: 'POST', body: '{}' })).status).toBe(400);
  });

  it('routes requestJira asUser and asApp to the Jira target with the simulator actor header', async () => {
    const res = await fetch(`${base}/api/invoke/panel`, { method: 'POST', body: JSON.stringify({ functionKey: 'myself' }) });
    const body = (await res.json()) as { ok: boolean; result: { user: unknown; app: unknown; appStatus: number } };
    expect(body.result.user).toEqual({ method: 'GET', path: '/rest/api/3/myself', actor: 'user:user-default' });
    expect(body.result.app).toEqual({ method: 'PUT', path: '/rest/api/3/issue/KEY-1', actor: 'app' });
    expect(jira.calls).toHaveLength(2);
  });

  it('serves manifest resources statically and refuses path traversal', async () => {
    const res = await fetch(`${base}/static/panel-ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('fixture panel');
    expect((await fetch(`${base}/static/panel-ui/..%2Fmanifest.yml`)).status).toBe(404);
  });
});

describe('forge host product events and scheduled triggers', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(async () => {
    await t.host.close();
  });

  it('delivers product events to matching triggers and drops the app’s own with ignoreSelf', async () => {
    const byUser = await t.host.deliverProductEvent({ eventType: 'avi:jira:updated:issue', atlassianId: 'user-1', issue: { key: 'KEY-1' } });
    expect(byUser).toEqual([expect.objectContaining({ triggerKey: 'issue-updated', status: 'invoked' })]);
    expect(probe.issueEvents).toHaveLength(1);
    expect(probe.issueEvents[0]).toMatchObject({ eventType: 'avi:jira:updated:issue', issue: { key: 'KEY-1' }, context: { moduleKey: 'issue-updated' } });
    expect(await t.host.deliverProductEvent({ eventType: 'avi:jira:updated:issue', atlassianId: 'app-account-1' })).toEqual([{ triggerKey: 'issue-updated', status: 'ignored-self' }]);
    expect(await t.host.deliverProductEvent({ eventType: 'avi:jira:updated:issue', isAppActor: true })).toEqual([{ triggerKey: 'issue-updated', status: 'ignored-self' }]);
    expect(await t.host.deliverProductEvent({ eventType: 'avi:jira:created:issue' })).toEqual([]);
    expect(probe.issueEvents).toHaveLength(1);
  });

  it('delivers Forge fields only: no simulator actor flag; a self-generated event without ignoreSelf carries selfGenerated: true', async () => {
    // [D https://developer.atlassian.com/platform/forge/events-reference/product_events/ "Detect and filter
    // self-generated events"]: without ignoreSelf they are delivered "with a selfGenerated property set to true".
    const comment = { id: '10001', body: 'x', author: { accountId: 'app-account-1' } };
    await t.host.deliverProductEvent({ eventType: 'avi:jira:commented:issue', atlassianId: 'app-account-1', isAppActor: true, actorIsApp: true, issue: { id: '1', key: 'KEY-1' }, comment });
    await t.host.deliverProductEvent({ eventType: 'avi:jira:commented:issue', atlassianId: 'user-1', isAppActor: false, actorIsApp: false, issue: { id: '1', key: 'KEY-1' }, comment });
    expect(probe.issueEvents).toHaveLength(2);
    const [own, person] = probe.issueEvents as Record<string, unknown>[];
    expect(own).toMatchObject({ eventType: 'avi:jira:commented:issue', selfGenerated: true, comment, context: { moduleKey: 'comment-events' } });
    expect(person).not.toHaveProperty('selfGenerated');
    for (const delivered of [own, person]) {
      expect(delivered).not.toHaveProperty('isAppActor');
      expect(delivered).not.toHaveProperty('actorIsApp');
    }
  });

  it('runs a scheduled trigger on demand', async () => {
    const result = await t.host.runScheduledTrigger('sched');
    expect(result.kind).toBe('ok');
    expect(await kvs.get('scheduled:last')).toEqual({ runs: 1 });
    await expect(t.host.runScheduledTrigger('missing')).rejects.toThrow('unknown scheduled trigger');
  });

  it('restores the Forge globals on uninstall', async () => {
    const g = globalThis as { __forge_runtime__?: unknown };
    expect(g.__forge_runtime__).toBeDefined();
    await t.host.close();
    expect(g.__forge_runtime__).toBeUndefined();
    t = makeHost();
  });
});
