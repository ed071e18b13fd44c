import { alertmanagerFixtures, chunkedStream, fixture, post, testRelay, type TestRelay } from './helpers';

const TOKEN = 'am-token-current-123';
const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  ...extra,
});

interface ErrorJson {
  error: { code: string; message: string; details?: unknown };
}

describe('POST /v1/alertmanager', () => {
  let relay: TestRelay;
  beforeEach(() => {
    relay = testRelay();
  });
  afterEach(() => relay.temp.cleanup());

  it.each([...alertmanagerFixtures().keys()])('accepts the real fixture %s and stores it before answering', async (name) => {
    const raw = fixture(name);
    const res = await relay.app.request(post('/v1/alertmanager', raw, headers()));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: boolean; id: string; duplicate: boolean };
    expect(body).toEqual({ accepted: true, id: expect.stringMatching(/^[0-9A-Za-z_-]{8,64}$/), duplicate: false });
    const [stored] = await relay.temp.outbox.pending(10);
    expect(stored?.id).toBe(body.id);
    expect(stored?.source).toBe('alertmanager');
    expect(stored?.groupKey).toBe((JSON.parse(raw) as { groupKey: string }).groupKey);
    expect(stored?.receivedAt).toBe(new Date(relay.clock.nowMs).toISOString());
    expect(JSON.parse(stored?.bodyJson ?? '')).toEqual(JSON.parse(raw));
  });

  it('accepts the bearer scheme case-insensitively and any configured token (rotation)', async () => {
    const a = await relay.app.request(post('/v1/alertmanager', fixture('01-checkout-first-firing.json'), headers()));
    const b = await relay.app.request(
      post('/v1/alertmanager', fixture('03-checkout-group-grows.json'), headers({ authorization: 'bearer am-token-previous-456' })),
    );
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await relay.rows())).toBe(2);
  });

  it('accepts a charset parameter on the content type', async () => {
    const res = await relay.app.request(
      post('/v1/alertmanager', fixture('01-checkout-first-firing.json'), headers({ 'content-type': 'application/json; charset=utf-8' })),
    );
    expect(res.status).toBe(202);
  });

  describe('refuses bad input with a JSON error and leaves the outbox unchanged', () => {
    const valid = fixture('01-checkout-first-firing.json');
    const cases: [string, () => Request, number, string][] = [
      ['no Authorization header', () => post('/v1/alertmanager', valid, { 'content-type': 'application/json' }), 401, 'unauthorized'],
      ['a wrong token', () => post('/v1/alertmanager', valid, headers({ authorization: 'Bearer am-token-current-124' })), 401, 'unauthorized'],
      ['a token prefix', () => post('/v1/alertmanager', valid, headers({ authorization: 'Bearer am-token-current' })), 401, 'unauthorized'],
      ['Basic auth', () => post('/v1/alertmanager', valid, headers({ authorization: `Basic ${TOKEN}` })), 401, 'unauthorized'],
      ['an empty bearer', () => post('/v1/alertmanager', valid, headers({ authorization: 'Bearer ' })), 401, 'unauthorized'],
      ['text/plain', () => post('/v1/alertmanager', valid, headers({ 'content-type': 'text/plain' })), 415, 'unsupported-media-type'],
      ['no content type', () => post('/v1/alertmanager', new Blob([valid]), { authorization: `Bearer ${TOKEN}` }), 415, 'unsupported-media-type'],
      ['application/jsonp', () => post('/v1/alertmanager', valid, headers({ 'content-type': 'application/jsonp' })), 415, 'unsupported-media-type'],
      ['malformed JSON', () => post('/v1/alertmanager', valid.slice(0, -3), headers()), 400, 'malformed-json'],
      ['an empty body', () => post('/v1/alertmanager', '', headers()), 400, 'malformed-json'],
      ['invalid UTF-8', () => post('/v1/alertmanager', new Uint8Array([0x7b, 0xff, 0x7d]), headers()), 400, 'malformed-json'],
      ['a JSON array', () => post('/v1/alertmanager', '[]', headers()), 422, 'invalid-schema'],
    ];
    it.each(cases)('%s', async (_name, request, status, code) => {
      const res = await relay.app.request(request());
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as ErrorJson;
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
      expect((await relay.rows())).toBe(0);
      expect(await relay.metrics.render(undefined, 0)).toContain(`relay_events_rejected_total{source="alertmanager",reason="${code}"} 1`);
    });

    it('answers 401 with a WWW-Authenticate challenge', async () => {
      const res = await relay.app.request(post('/v1/alertmanager', valid, { 'content-type': 'application/json' }));
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('checks the token before reading the body', async () => {
      const res = await relay.app.request(post('/v1/alertmanager', 'not json', headers({ authorization: 'Bearer wrong-token-000' })));
      expect(res.status).toBe(401);
    });

    const schemaCases: [string, (b: Record<string, unknown>) => unknown, string][] = [
      ['version 3', (b) => ({ ...b, version: '3' }), 'version'],
      ['no groupKey', ({ groupKey: _g, ...rest }) => rest, 'groupKey'],
      ['no alerts', (b) => ({ ...b, alerts: [] }), 'alerts'],
      ['a bad status', (b) => ({ ...b, status: 'pending' }), 'status'],
      [
        'a non-hex fingerprint',
        (b) => ({ ...b, alerts: [{ ...(b.alerts as Record<string, unknown>[])[0], fingerprint: 'xyz' }] }),
        'alerts.0.fingerprint',
      ],
    ];
    it.each(schemaCases)('schema violation: %s', async (_name, mutate, path) => {
      const body = mutate(JSON.parse(valid) as Record<string, unknown>);
      const res = await relay.app.request(post('/v1/alertmanager', JSON.stringify(body), headers()));
      expect(res.status).toBe(422);
      const json = (await res.json()) as ErrorJson;
      expect(json.error.code).toBe('invalid-schema');
      expect(json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect((await relay.rows())).toBe(0);
    });
  });

  describe('body size cap', () => {
    let small: TestRelay;
    beforeEach(() => {
      small = testRelay({ maxBodyBytes: 2048 });
    });
    afterEach(() => small.temp.cleanup());

    const padTo = (bytes: number) => {
      const raw = fixture('01-checkout-first-firing.json').trimEnd();
      return raw.slice(0, -1) + ',"pad":"' + 'x'.repeat(bytes - raw.length - 9) + '"}';
    };

    it('accepts a body exactly at the cap and refuses one byte more', async () => {
      expect(Buffer.byteLength(padTo(2048))).toBe(2048);
      const at = await small.app.request(post('/v1/alertmanager', padTo(2048), headers()));
      expect(at.status).toBe(202);
      const over = await small.app.request(post('/v1/alertmanager', padTo(2049), headers()));
      expect(over.status).toBe(413);
      expect((await small.rows())).toBe(1);
    });

    it('refuses a declared Content-Length over the cap without reading', async () => {
      const res = await small.app.request(post('/v1/alertmanager', chunkedStream(10 * 1024 * 1024), headers({ 'content-length': String(10 * 1024 * 1024) })));
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorJson).error.code).toBe('payload-too-large');
      expect((await small.rows())).toBe(0);
    });

    it('refuses a streamed body with no Content-Length once it passes the cap', async () => {
      const req = post('/v1/alertmanager', chunkedStream(8 * 1024, 1000), headers());
      expect(req.headers.get('content-length')).toBeNull();
      const res = await small.app.request(req);
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorJson).error.code).toBe('payload-too-large');
      expect((await small.rows())).toBe(0);
    });

    it('refuses a body larger than its (lying) Content-Length says', async () => {
      const res = await small.app.request(post('/v1/alertmanager', chunkedStream(4096, 512), headers({ 'content-length': '100' })));
      expect(res.status).toBe(413);
      expect((await small.rows())).toBe(0);
    });

    it('uses the 1 MiB default', async () => {
      const res = await relay.app.request(post('/v1/alertmanager', chunkedStream(1024 * 1024 + 1), headers()));
      expect(res.status).toBe(413);
    });
  });

  describe('duplicate suppression', () => {
    it('stores the same body twice at the same instant once', async () => {
      const raw = fixture('01-checkout-first-firing.json');
      const first = (await (await relay.app.request(post('/v1/alertmanager', raw, headers()))).json()) as { id: string; duplicate: boolean };
      const second = (await (await relay.app.request(post('/v1/alertmanager', raw, headers()))).json()) as { id: string; duplicate: boolean };
      expect(first.duplicate).toBe(false);
      expect(second).toEqual({ accepted: true, id: first.id, duplicate: true });
      expect((await relay.rows())).toBe(1);
      expect(await relay.metrics.render(undefined, 0)).toContain('relay_events_duplicate_total{source="alertmanager"} 1');
    });

    it('treats concurrent identical deliveries (HA replicas) as one event', async () => {
      const raw = fixture('03-checkout-group-grows.json');
      const answers = await Promise.all([1, 2, 3].map(() => relay.app.request(post('/v1/alertmanager', raw, headers()))));
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as { id: string; duplicate: boolean }[];
      expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
      expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
      expect((await relay.rows())).toBe(1);
    });

    it('compares the bytes received: a re-encoded body is a new event, stored as sent', async () => {
      // Alertmanager's encoding is deterministic, so replicas and retries resend identical bytes; the
      // consumer's decisions are idempotent for anything else that repeats a notification.
      const raw = fixture('01-checkout-first-firing.json');
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(raw) as object).reverse()));
      await relay.app.request(post('/v1/alertmanager', raw, headers()));
      const res = (await (await relay.app.request(post('/v1/alertmanager', reordered, headers()))).json()) as { duplicate: boolean };
      expect(res.duplicate).toBe(false);
      expect(await relay.rows()).toBe(2);
    });

    it('keeps a legitimate repeat that arrives after the window (02 then 05, byte-identical, 15 s apart)', async () => {
      const a = fixture('02-disk-first-firing.json');
      const b = fixture('05-disk-repeat-unchanged.json');
      expect(b).toBe(a);
      const first = (await (await relay.app.request(post('/v1/alertmanager', a, headers()))).json()) as { id: string };
      relay.clock.advance(15_000);
      const second = (await (await relay.app.request(post('/v1/alertmanager', b, headers()))).json()) as { id: string; duplicate: boolean };
      expect(second.duplicate).toBe(false);
      expect(second.id).not.toBe(first.id);
      expect((await relay.rows())).toBe(2);
    });

    it('still suppresses just inside the window, and the window is configurable', async () => {
      const raw = fixture('02-disk-first-firing.json');
      await relay.app.request(post('/v1/alertmanager', raw, headers()));
      relay.clock.advance(9_999);
      const inside = (await (await relay.app.request(post('/v1/alertmanager', raw, headers()))).json()) as { duplicate: boolean };
      expect(inside.duplicate).toBe(true);

      const wide = testRelay({ dedupWindowSeconds: 60 });
      try {
        await wide.app.request(post('/v1/alertmanager', raw, headers()));
        wide.clock.advance(15_000);
        const again = (await (await wide.app.request(post('/v1/alertmanager', raw, headers()))).json()) as { duplicate: boolean };
        expect(again.duplicate).toBe(true);
        expect((await wide.rows())).toBe(1);
      } finally {
        await wide.temp.cleanup();
      }
    });

    it('does not merge different notifications for the same group', async () => {
      await relay.app.request(post('/v1/alertmanager', fixture('01-checkout-first-firing.json'), headers()));
      await relay.app.request(post('/v1/alertmanager', fixture('03-checkout-group-grows.json'), headers()));
      expect((await relay.rows())).toBe(2);
    });
  });
});
