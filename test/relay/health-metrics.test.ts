import { fixture, post, testRelay, type TestRelay } from './helpers';

describe('GET /healthz, GET /metrics, unknown routes', () => {
  let relay: TestRelay;
  beforeEach(() => {
    relay = testRelay();
  });
  afterEach(() => relay.temp.cleanup());

  const accept = () =>
    relay.app.request(
      post('/v1/alertmanager', fixture('01-checkout-first-firing.json'), { authorization: 'Bearer am-token-current-123', 'content-type': 'application/json' }),
    );

  it('reports pending count and the age of the oldest pending event', async () => {
    const empty = await relay.app.request('/healthz');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ status: 'ok', outbox: { reachable: true, pending: 0, failed: 0, oldestPendingAgeSeconds: null, failedByReason: [], deadLetters: [] } });
    await accept();
    relay.clock.advance(42_000);
    const body = (await (await relay.app.request('/healthz')).json()) as { outbox: { pending: number; oldestPendingAgeSeconds: number } };
    expect(body.outbox).toMatchObject({ pending: 1, oldestPendingAgeSeconds: 42 });
  });

  it('shows failed events as degraded, with their reasons', async () => {
    await accept();
    const [event] = await relay.temp.outbox.pending(1);
    await relay.temp.outbox.markFailed([event?.id ?? ''], 'http-403: nope', relay.clock.nowMs);
    const body = (await (await relay.app.request('/healthz')).json()) as unknown;
    expect(body).toMatchObject({ status: 'degraded', outbox: { failed: 1, failedByReason: [{ source: 'alertmanager', reason: 'http-403: nope', count: 1 }] } });
  });

  it('lists each dead letter with source, group key, id, sequence, size and reason in /healthz and /metrics', async () => {
    await accept();
    const [event] = await relay.temp.outbox.pending(1);
    const id = event?.id ?? '';
    const size = Buffer.byteLength(fixture('01-checkout-first-firing.json'));
    await relay.temp.outbox.markFailed([id], 'http-400: event cannot be queued', relay.clock.nowMs);
    const health = (await (await relay.app.request('/healthz')).json()) as { outbox: { deadLetters: unknown[] } };
    expect(health.outbox.deadLetters).toEqual([
      { id, source: 'alertmanager', groupKey: event?.groupKey, sequence: event?.sequence, sizeBytes: size, reason: 'http-400: event cannot be queued', failedAt: new Date(relay.clock.nowMs).toISOString() },
    ]);
    const text = await (await relay.app.request('/metrics')).text();
    expect(text).toContain('relay_dead_letters{source="alertmanager",reason="http-400: event cannot be queued"} 1');
    const groupKey = (event?.groupKey ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    expect(text).toContain(`relay_dead_letter_bytes{source="alertmanager",group_key="${groupKey}",event_id="${id}",reason="http-400: event cannot be queued"} ${size}`);
    expect(await relay.temp.outbox.requeueFailed([id])).toBe(1);
    expect((await (await relay.app.request('/healthz')).json()) as unknown).toMatchObject({ status: 'ok', outbox: { pending: 1, failed: 0, deadLetters: [] } });
  });

  it('exposes the default process metrics operators expect (RSS, heap, event-loop lag, GC)', async () => {
    const text = await (await relay.app.request('/metrics')).text();
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('answers 503 when the outbox is unreachable', async () => {
    await relay.temp.outbox.close();
    const res = await relay.app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', outbox: { reachable: false } });
  });

  it('answers 503 with a JSON error when an event cannot be stored', async () => {
    await relay.temp.outbox.close();
    const res = await accept();
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('outbox-unavailable');
  });

  it('exposes Prometheus text with accepted/rejected/duplicate counters and outbox depth', async () => {
    await accept();
    await accept();
    await relay.app.request(post('/v1/alertmanager', '{}', { 'content-type': 'application/json' }));
    const res = await relay.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('relay_events_accepted_total{source="alertmanager"} 1');
    expect(text).toContain('relay_events_duplicate_total{source="alertmanager"} 1');
    expect(text).toContain('relay_events_rejected_total{source="alertmanager",reason="unauthorized"} 1');
    expect(text).toContain('relay_outbox_pending 1');
    expect(text).toContain('# TYPE relay_forward_duration_seconds histogram');
    for (const line of text.trim().split('\n').filter((l) => l !== '')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? ([0-9.e+-]+|[+-]?Inf|NaN))$/i);
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const res of [await relay.app.request('/nope'), await relay.app.request('/v1/alertmanager')]) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not-found');
    }
  });
});
