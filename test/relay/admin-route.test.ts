/**
 * The relay's admin routes for dead letters, in process (app.request): off without RELAY_ADMIN_TOKENS, their own
 * bearer tokens (the webhook tokens do not open them), list without bodies, re-queue by id or all, bad input 4xx.
 */
import { createRelayApp } from '../../src/relay/app';
import { silentLogger } from '../../src/relay/logger';
import { TEST_CONFIG, testRelay, type TestRelay } from './helpers';

const ADMIN = 'admin-token-0123456789abcdef';
const OLD_ADMIN = 'admin-token-previous-987654321';

let relay: TestRelay;
afterEach(() => relay.temp.cleanup());

async function deadLetters(r: TestRelay, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { id } = await r.temp.outbox.accept({ source: 'alertmanager', receivedMs: r.clock.nowMs + i, groupKey: `g${i}`, bodyJson: JSON.stringify({ secret: `body-${i}` }), dedup: { key: `k${i}`, windowMs: 1000 } });
    ids.push(id);
  }
  await r.temp.outbox.markFailed(ids, 'http-422: unqueueable_event', r.clock.nowMs);
  return ids;
}

const get = (r: TestRelay, path: string, token?: string) => r.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const requeue = (r: TestRelay, body: string, token: string | undefined = ADMIN, contentType = 'application/json') =>
  r.app.request('/admin/dead-letters/requeue', { method: 'POST', body, headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

describe('admin dead-letter routes', () => {
  it('are off (404) when RELAY_ADMIN_TOKENS is not set', async () => {
    relay = testRelay();
    await deadLetters(relay, 1);
    const res = await get(relay, '/admin/dead-letters', ADMIN);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not-found' } });
    expect((await requeue(relay, '{"all":true}')).status).toBe(404);
    expect((await relay.temp.outbox.stats()).failed).toBe(1);
  });

  it('need one of the admin tokens: none, a wrong one or a webhook token is 401', async () => {
    relay = testRelay({ adminTokens: [ADMIN, OLD_ADMIN] });
    for (const token of [undefined, 'not-the-admin-token-at-all', 'am-token-current-123']) {
      const res = await get(relay, '/admin/dead-letters', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="relay"');
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect((await requeue(relay, '{"all":true}', 'wrong-token-wrong-token')).status).toBe(401);
    expect((await get(relay, '/admin/dead-letters', OLD_ADMIN)).status).toBe(200);
  });

  it('lists dead letters with source, group key, id, size and reason, never their bodies', async () => {
    relay = testRelay({ adminTokens: [ADMIN] });
    const ids = await deadLetters(relay, 3);
    const res = await get(relay, '/admin/dead-letters?limit=2', ADMIN);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('body-');
    const body = JSON.parse(text) as { total: number; deadLetters: { id: string }[] };
    expect(body.total).toBe(3);
    expect(body.deadLetters).toHaveLength(2);
    expect(body.deadLetters[0]).toEqual({ id: expect.any(String), source: 'alertmanager', groupKey: expect.stringMatching(/^g\d$/), sequence: expect.any(Number), receivedAt: expect.any(String), sizeBytes: Buffer.byteLength('{"secret":"body-0"}'), reason: 'http-422: unqueueable_event', failedAt: new Date(relay.clock.nowMs).toISOString() });
    expect(ids).toEqual(expect.arrayContaining(body.deadLetters.map((d) => d.id)));
    const bad = await get(relay, '/admin/dead-letters?limit=0', ADMIN);
    expect(bad.status).toBe(400);
    expect((await get(relay, '/admin/dead-letters?limit=5&x=1', ADMIN)).status).toBe(400);
  });

  it('re-queues by id (naming ids that are not dead letters) and all, and wakes the forwarder', async () => {
    relay = testRelay({ adminTokens: [ADMIN] });
    const ids = await deadLetters(relay, 3);
    const first = await requeue(relay, JSON.stringify({ ids: [ids[0], 'no-such-dead-letter'] }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ requeued: 1, notFound: ['no-such-dead-letter'] });
    expect(await relay.temp.outbox.stats()).toMatchObject({ pending: 1, failed: 2 });
    const all = await requeue(relay, '{"all":true}');
    expect(await all.json()).toEqual({ requeued: 2, notFound: [] });
    expect(await relay.temp.outbox.stats()).toMatchObject({ pending: 3, failed: 0 });
  });

  it('refuses bad requeue requests with a 4xx JSON error and changes nothing', async () => {
    relay = testRelay({ adminTokens: [ADMIN] });
    await deadLetters(relay, 1);
    const cases: [string, string, number, string][] = [
      ['{}', 'application/json', 422, 'invalid-schema'],
      ['{"all":false}', 'application/json', 422, 'invalid-schema'],
      ['{"ids":[]}', 'application/json', 422, 'invalid-schema'],
      ['{"ids":["../../etc"]}', 'application/json', 422, 'invalid-schema'],
      ['{"all":true,"ids":["abcdefgh"]}', 'application/json', 422, 'invalid-schema'],
      ['{"all":', 'application/json', 400, 'malformed-json'],
      ['{"all":true}', 'text/plain', 415, 'unsupported-media-type'],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await requeue(relay, body, ADMIN, type);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    expect((await relay.temp.outbox.stats()).failed).toBe(1);
  });
});

describe('wakeForwarder', () => {
  it('is called after a re-queue that put something back', async () => {
    relay = testRelay();
    const ids = await deadLetters(relay, 1);
    let woken = 0;
    const app = createRelayApp({ config: { ...TEST_CONFIG, adminTokens: [ADMIN] }, outbox: relay.temp.outbox, clock: relay.clock.now, logger: silentLogger, metrics: relay.metrics, wakeForwarder: () => void (woken += 1) });
    const post = (body: unknown) => app.request('/admin/dead-letters/requeue', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` } });
    expect((await post({ ids: ['not-a-dead-letter'] })).status).toBe(200);
    expect(woken).toBe(0);
    expect((await post({ ids })).status).toBe(200);
    expect(woken).toBe(1);
  });
});
