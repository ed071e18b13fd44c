import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { post, testRelay, type TestRelay } from './helpers';

const SECRET = 'impact-secret-current';
const IMPACT_FIXTURES = resolve(__dirname, '../shared/impact/fixtures');

type Json = Record<string, unknown>;

/** A contract v1 example body (test/shared/impact/fixtures), fresh on every call so tests may edit it. */
function impactFixture(name: string): Json {
  return JSON.parse(readFileSync(join(IMPACT_FIXTURES, `${name}.json`), 'utf8')) as Json;
}

function impactEvent(overrides: Json = {}): Json {
  return { ...impactFixture('incident-created'), ...overrides };
}

/** The created fixture with some incident fields replaced (undefined removes the field). */
function withIncident(fields: Json, overrides: Json = {}): Json {
  const body = impactEvent(overrides);
  const incident = { ...(body['incident'] as Json), ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete incident[key];
  return { ...body, incident };
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
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

describe('POST /v1/impact', () => {
  let relay: TestRelay;
  beforeEach(() => {
    relay = testRelay();
  });
  afterEach(() => relay.temp.cleanup());

  it('accepts a signed contract event and stores it as received with groupKey impact:<incident id>', async () => {
    const raw = JSON.stringify(impactEvent());
    const res = await relay.app.request(signedRequest(relay, raw));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string };
    expect(body).toEqual({ accepted: true, id: expect.stringMatching(/^[0-9A-Za-z_-]{8,64}$/), duplicate: false });
    const [stored] = await relay.temp.outbox.pending(5);
    expect(stored).toMatchObject({ id: body.id, source: 'impact', groupKey: 'impact:INC-2041' });
    expect(stored?.bodyJson).toBe(raw);
  });

  it('accepts every contract example: each event name and origin type', async () => {
    const names = ['incident-created', 'incident-updated-status', 'incident-updated-by-bridge', 'incident-key-events-updated'];
    for (const name of names) {
      const res = await relay.app.request(signedRequest(relay, JSON.stringify(impactFixture(name))));
      expect([name, res.status]).toEqual([name, 202]);
    }
    const stored = await relay.temp.outbox.pending(10);
    expect(stored.map((e) => e.groupKey)).toEqual(names.map(() => 'impact:INC-2041'));
    expect(stored.map((e) => (JSON.parse(e.bodyJson) as Json)['event'])).toEqual([
      'incident.created',
      'incident.updated',
      'incident.updated',
      'incident.key_events_updated',
    ]);
  });

  it('keeps fields a newer contract adds (the stored text is the received text)', async () => {
    const body = withIncident({ severity_label: 'SEV1' }, { delivery_attempt: 2 });
    const raw = JSON.stringify(body);
    expect((await relay.app.request(signedRequest(relay, raw))).status).toBe(202);
    const [stored] = await relay.temp.outbox.pending(5);
    expect(JSON.parse(stored?.bodyJson ?? '')).toEqual(body);
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
    const edited = JSON.stringify(withIncident({ title: 'edited' }));
    const again = (await (await relay.app.request(signedRequest(relay, edited))).json()) as unknown;
    expect(again).toEqual({ accepted: true, id: first.id, duplicate: true });
    expect(await relay.rows()).toBe(1);
  });

  describe('refuses bad requests and leaves the outbox unchanged', () => {
    const raw = JSON.stringify(impactEvent());
    const schemaCase = (name: string, body: Json, path: string): [string, (r: TestRelay) => Request, number, string, string | null] => [
      name,
      (r) => signedRequest(r, JSON.stringify(body)),
      422,
      'invalid-schema',
      path,
    ];
    // Every row has five entries: jest.each treats a handler with more parameters than the row as `done`-style.
    const cases: [string, (r: TestRelay) => Request, number, string, string | null][] = [
      ['no signature headers', () => post('/v1/impact', raw, { 'content-type': 'application/json' }), 401, 'bad-signature', null],
      ['no timestamp', (r) => signedRequest(r, raw, { headers: { 'x-impact-timestamp': '' } }), 401, 'bad-signature', null],
      ['a wrong secret', (r) => signedRequest(r, raw, { secret: 'impact-secret-unknown' }), 401, 'bad-signature', null],
      [
        'a body altered after signing',
        (r) => {
          const headers: Record<string, string> = {};
          signedRequest(r, raw).headers.forEach((value, key) => {
            headers[key] = value;
          });
          return post('/v1/impact', raw.replace('INC-2041', 'INC-2042'), headers);
        },
        401,
        'bad-signature',
        null,
      ],
      [
        'a signature over the body without the timestamp',
        (r) => signedRequest(r, raw, { headers: { 'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('hex') } }),
        401,
        'bad-signature',
        null,
      ],
      [
        'a signature made for another timestamp',
        (r) => {
          const ts = Math.floor(r.clock.nowMs / 1000);
          return signedRequest(r, raw, { ts, headers: { 'x-hub-signature-256': sign(SECRET, ts - 1, raw) } });
        },
        401,
        'bad-signature',
        null,
      ],
      ['a malformed signature', (r) => signedRequest(r, raw, { headers: { 'x-hub-signature-256': 'sha256=zz' } }), 401, 'bad-signature', null],
      ['a non-numeric timestamp', (r) => signedRequest(r, raw, { headers: { 'x-impact-timestamp': '2026-11-23' } }), 401, 'bad-signature', null],
      ['a stale timestamp', (r) => signedRequest(r, raw, { ts: Math.floor(r.clock.nowMs / 1000) - 301 }), 401, 'stale-timestamp', null],
      ['a future timestamp', (r) => signedRequest(r, raw, { ts: Math.floor(r.clock.nowMs / 1000) + 301 }), 401, 'stale-timestamp', null],
      ['wrong content type', (r) => signedRequest(r, raw, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported-media-type', null],
      ['signed malformed JSON', (r) => signedRequest(r, '{"event_id":'), 400, 'malformed-json', null],
      schemaCase('no event_id', impactEvent({ event_id: undefined }), 'event_id'),
      schemaCase('a too short event_id', impactEvent({ event_id: 'e1' }), 'event_id'),
      schemaCase('an unknown event', impactEvent({ event: 'incident.deleted' }), 'event'),
      schemaCase('a bad occurred_at', impactEvent({ occurred_at: 'yesterday' }), 'occurred_at'),
      schemaCase('another contract version', impactEvent({ contract_version: 2 }), 'contract_version'),
      schemaCase('no origin', impactEvent({ origin: undefined }), 'origin'),
      schemaCase('an unknown origin type', impactEvent({ origin: { type: 'robot', marker: null } }), 'origin.type'),
      schemaCase('no incident id', withIncident({ id: undefined }), 'incident.id'),
      schemaCase('a numeric incident id', withIncident({ id: 4711 }), 'incident.id'),
      schemaCase('priority 6', withIncident({ priority: 6 }), 'incident.priority'),
      schemaCase('an unknown status', withIncident({ status: 'RESOLVED' }), 'incident.status'),
      schemaCase('an empty status history', withIncident({ status_history: [] }), 'incident.status_history'),
      schemaCase('a commander without email', withIncident({ commander: { name: 'Jane' } }), 'incident.commander.email'),
      schemaCase('incident.created naming updated fields', impactEvent({ updated_fields: { status: { previous: 'OPEN' } } }), 'updated_fields'),
      schemaCase('incident.updated naming no field', impactEvent({ event: 'incident.updated' }), 'updated_fields'),
      schemaCase(
        'incident.key_events_updated without key_events',
        impactEvent({ event: 'incident.key_events_updated', updated_fields: {} }),
        'updated_fields.key_events',
      ),
    ];
    it.each(cases)('%s', async (_name, request, status, code, path) => {
      const res = await relay.app.request(request(relay));
      expect(res.status).toBe(status);
      const body = (await res.json()) as ErrorJson;
      expect(body.error.code).toBe(code);
      if (path !== null) expect(body.error.details?.map((d) => d.path)).toContain(path);
      expect(await relay.rows()).toBe(0);
      expect(await relay.metrics.render(undefined, 0)).toContain(`relay_events_rejected_total{source="impact",reason="${code}"} 1`);
    });

    it('verifies the signature before parsing: a bad signature on bad JSON is a 401, not a 400', async () => {
      const res = await relay.app.request(signedRequest(relay, '{not json', { secret: 'wrong-secret-000' }));
      expect(res.status).toBe(401);
    });

    it('verifies the signature before the schema: a bad signature on an invalid body is a 401, not a 422', async () => {
      const res = await relay.app.request(signedRequest(relay, JSON.stringify({ event: 'nope' }), { secret: 'wrong-secret-000' }));
      expect(res.status).toBe(401);
    });

    it('lists every field problem of a schema violation with its path', async () => {
      const body = withIncident({ id: '', priority: 0, status: 'DONE' }, { occurred_at: 'soon' });
      const res = await relay.app.request(signedRequest(relay, JSON.stringify(body)));
      expect(res.status).toBe(422);
      const error = (await res.json()) as ErrorJson;
      expect(error.error.details?.map((d) => d.path).sort()).toEqual(['incident.id', 'incident.priority', 'incident.status', 'occurred_at']);
      expect(error.error.details?.every((d) => d.message.length > 0)).toBe(true);
    });

    it('caps the body size before verifying', async () => {
      const small = testRelay({ maxBodyBytes: 64 });
      try {
        const res = await small.app.request(signedRequest(small, JSON.stringify(impactEvent())));
        expect(res.status).toBe(413);
        expect((await res.json()) as ErrorJson).toMatchObject({ error: { code: 'payload-too-large' } });
        expect(await small.rows()).toBe(0);
      } finally {
        await small.temp.cleanup();
      }
    });
  });
});
