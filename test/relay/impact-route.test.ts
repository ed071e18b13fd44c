import { createHmac } from 'node:crypto';
import { post, testRelay, type TestRelay } from './helpers';

const SECRET = 'impact-secret-current';

function impactEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: 'evt_01HZX3',
    event: 'incident.created',
    occurred_at: '2026-11-23T06:14:40Z',
    incident: { id: 4711, title: 'Checkout 5xx', severity: 'SEV2', extra: { nested: true } },
    ...overrides,
  };
}

/** Signed independently of the code under test. */
function sign(secret: string, timestamp: number | string, raw: string | Uint8Array): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
}

function signedRequest(relay: TestRelay, raw: string, opts: { secret?: string; ts?: number; headers?: Record<string, string> } = {}) {
  const ts = opts.ts ?? Math.floor(relay.clock.nowMs / 1000);
  return post('/v1/impact', raw, {
    'content-type': 'application/json',
    'x-hub-signature-256': sign(opts.secret ?? SECRET, ts, raw),
    'x-impact-timestamp': String(ts),
    ...opts.headers,
  });
}

interface ErrorJson {
  error: { code: string; message: string; details?: unknown };
}

describe('POST /v1/impact', () => {
  let relay: TestRelay;
  beforeEach(() => {
    relay = testRelay();
  });
  afterEach(() => relay.temp.cleanup());

  it('accepts a signed event and stores it with groupKey impact:<incident id>', async () => {
    const raw = JSON.stringify(impactEvent());
    const res = await relay.app.request(signedRequest(relay, raw));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string };
    expect(body).toEqual({ accepted: true, id: expect.stringMatching(/^[0-9A-Za-z_-]{8,64}$/), duplicate: false });
    const [stored] = await relay.temp.outbox.pending(5);
    expect(stored).toMatchObject({ id: body.id, source: 'impact', groupKey: 'impact:4711' });
    expect(JSON.parse(stored?.bodyJson ?? '')).toEqual(impactEvent());
  });

  it('accepts string incident ids and every event name', async () => {
    const names = ['incident.created', 'incident.updated', 'incident.key_events_updated'];
    for (const [i, event] of names.entries()) {
      const raw = JSON.stringify(impactEvent({ event_id: `evt-${i}`, event, incident: { id: 'INC-9' } }));
      expect((await relay.app.request(signedRequest(relay, raw))).status).toBe(202);
    }
    expect((await relay.temp.outbox.pending(5)).map((e) => e.groupKey)).toEqual(['impact:INC-9', 'impact:INC-9', 'impact:INC-9']);
  });

  it('accepts the previous secret during rotation', async () => {
    const raw = JSON.stringify(impactEvent());
    const res = await relay.app.request(signedRequest(relay, raw, { secret: 'impact-secret-previous' }));
    expect(res.status).toBe(202);
  });

  it('accepts a timestamp at the edge of the window', async () => {
    const now = Math.floor(relay.clock.nowMs / 1000);
    const raw = JSON.stringify(impactEvent());
    expect((await relay.app.request(signedRequest(relay, raw, { ts: now - 300 }))).status).toBe(202);
  });

  it('answers a repeated event_id as a duplicate of the first', async () => {
    const raw = JSON.stringify(impactEvent());
    const first = (await (await relay.app.request(signedRequest(relay, raw))).json()) as { id: string };
    relay.clock.advance(3600_000);
    const edited = JSON.stringify(impactEvent({ incident: { id: 4711, title: 'edited' } }));
    const again = (await (await relay.app.request(signedRequest(relay, edited))).json()) as unknown;
    expect(again).toEqual({ accepted: true, id: first.id, duplicate: true });
    expect((await relay.rows())).toBe(1);
  });

  describe('refuses bad requests and leaves the outbox unchanged', () => {
    const raw = JSON.stringify(impactEvent());
    const cases: [string, (r: TestRelay) => Request, number, string][] = [
      ['no signature headers', () => post('/v1/impact', raw, { 'content-type': 'application/json' }), 401, 'bad-signature'],
      ['no timestamp', (r) => signedRequest(r, raw, { headers: { 'x-impact-timestamp': '' } }), 401, 'bad-signature'],
      ['a wrong secret', (r) => signedRequest(r, raw, { secret: 'impact-secret-unknown' }), 401, 'bad-signature'],
      [
        'a body altered after signing',
        (r) => {
          const headers: Record<string, string> = {};
          signedRequest(r, raw).headers.forEach((value, key) => {
            headers[key] = value;
          });
          return post('/v1/impact', raw.replace('4711', '4712'), headers);
        },
        401,
        'bad-signature',
      ],
      [
        'a signature over the body without the timestamp',
        (r) => signedRequest(r, raw, { headers: { 'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('hex') } }),
        401,
        'bad-signature',
      ],
      [
        'a signature made for another timestamp',
        (r) => {
          const ts = Math.floor(r.clock.nowMs / 1000);
          return signedRequest(r, raw, { ts, headers: { 'x-hub-signature-256': sign(SECRET, ts - 1, raw) } });
        },
        401,
        'bad-signature',
      ],
      ['a malformed signature', (r) => signedRequest(r, raw, { headers: { 'x-hub-signature-256': 'sha256=zz' } }), 401, 'bad-signature'],
      ['a non-numeric timestamp', (r) => signedRequest(r, raw, { headers: { 'x-impact-timestamp': '2026-11-23' } }), 401, 'bad-signature'],
      ['a stale timestamp', (r) => signedRequest(r, raw, { ts: Math.floor(r.clock.nowMs / 1000) - 301 }), 401, 'stale-timestamp'],
      ['a future timestamp', (r) => signedRequest(r, raw, { ts: Math.floor(r.clock.nowMs / 1000) + 301 }), 401, 'stale-timestamp'],
      ['wrong content type', (r) => signedRequest(r, raw, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported-media-type'],
      ['signed malformed JSON', (r) => signedRequest(r, '{"event_id":'), 400, 'malformed-json'],
      ['no event_id', (r) => signedRequest(r, JSON.stringify(impactEvent({ event_id: undefined }))), 422, 'invalid-schema'],
      ['an unknown event', (r) => signedRequest(r, JSON.stringify(impactEvent({ event: 'incident.deleted' }))), 422, 'invalid-schema'],
      ['a bad occurred_at', (r) => signedRequest(r, JSON.stringify(impactEvent({ occurred_at: 'yesterday' }))), 422, 'invalid-schema'],
      ['no incident id', (r) => signedRequest(r, JSON.stringify(impactEvent({ incident: { title: 'x' } }))), 422, 'invalid-schema'],
    ];
    it.each(cases)('%s', async (_name, request, status, code) => {
      const res = await relay.app.request(request(relay));
      expect(res.status).toBe(status);
      const body = (await res.json()) as ErrorJson;
      expect(body.error.code).toBe(code);
      expect((await relay.rows())).toBe(0);
      expect(relay.metrics.render(undefined, 0)).toContain(`relay_events_rejected_total{source="impact",reason="${code}"} 1`);
    });

    it('verifies the signature before parsing: a bad signature on bad JSON is a 401, not a 400', async () => {
      const res = await relay.app.request(signedRequest(relay, '{not json', { secret: 'wrong-secret-000' }));
      expect(res.status).toBe(401);
    });

    it('lists the field problems of a schema violation', async () => {
      const res = await relay.app.request(signedRequest(relay, JSON.stringify(impactEvent({ event: 'nope', incident: {} }))));
      const body = (await res.json()) as ErrorJson;
      expect(body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'event' }), expect.objectContaining({ path: 'incident.id' })]),
      );
    });

    it('caps the body size before verifying', async () => {
      const small = testRelay({ maxBodyBytes: 64 });
      try {
        const res = await small.app.request(signedRequest(small, JSON.stringify(impactEvent())));
        expect(res.status).toBe(413);
        expect((await small.rows())).toBe(0);
      } finally {
        await small.temp.cleanup();
      }
    });
  });
});
