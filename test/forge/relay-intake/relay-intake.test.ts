import { handleIngest } from '../../../src/forge/entry/webtrigger/ingest';
import { assembleRelayEvents } from '../../../src/forge/relay-intake/assemble-parts';
import { jobsFor, MAX_JOB_BYTES, MAX_QUEUED_BODY_DEPTH, unqueueableEvents } from '../../../src/forge/relay-intake/queue-jobs';
import type { JobQueue, JobToPush } from '../../../src/forge/ports/job-queue';
import { SecretKeys } from '../../../src/forge/constants';
import { FORGE_MAX_EVENT_BYTES, type RelayEvent, type RelayWireEvent } from '../../../src/shared/relay-envelope';
import { encodeBody, splitIntoParts } from '../../../src/shared/relay-parts';
import { signRequest } from '../../../src/shared/signing';
import { InMemoryStore } from '../../support/in-memory-store';
import { alertmanagerGroup } from '../../relay/large-group';

const NOW = Date.parse('2026-11-23T06:15:00Z');
const KEY = { id: 'k1', secret: 'a-signing-secret-of-some-length' };
const logger = { info() {}, warn() {}, error() {} };

function event(id: string, body: Record<string, unknown>, groupKey = 'g', sequence = 1): RelayEvent {
  return { id, source: 'alertmanager', receivedAt: new Date(NOW).toISOString(), sequence, groupKey, body };
}

function partsOf(e: RelayEvent): RelayWireEvent[] {
  const { body, ...header } = e;
  return splitIntoParts(header, encodeBody(JSON.stringify(body)));
}

/** `{"x":{"x":…}}` nested `depth` levels, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { x: value };
  return value;
}

describe('relay intake: queue jobs', () => {
  it("cuts a group's events into jobs each under Forge's 100 KB per event, keeping order", () => {
    const events = Array.from({ length: 6 }, (_, i) => event(`evt-0000000${i}`, { pad: 'x'.repeat(40_000), i }, 'g', i + 1));
    const jobs = jobsFor(events);
    expect(jobs.length).toBeGreaterThan(1);
    for (const job of jobs) expect(Buffer.byteLength(JSON.stringify(job.body))).toBeLessThanOrEqual(MAX_JOB_BYTES);
    expect(MAX_JOB_BYTES).toBeLessThan(FORGE_MAX_EVENT_BYTES);
    expect(jobs.flatMap((j) => (j.body.kind === 'relay-events' ? j.body.events.map((e) => e.id) : []))).toEqual(events.map((e) => e.id));
    expect(new Set(jobs.map((j) => j.concurrencyKey)).size).toBe(1);
  });

  it('names events that can never be queued: too deep, or too large alone', () => {
    const deep = event('evt-deep0001', { extra: nested(MAX_QUEUED_BODY_DEPTH + 1) });
    const big = event('evt-big00001', { pad: 'x'.repeat(FORGE_MAX_EVENT_BYTES) });
    const fine = event('evt-fine0001', { extra: nested(MAX_QUEUED_BODY_DEPTH - 1) });
    expect(unqueueableEvents([fine, deep, big])).toEqual([
      { id: 'evt-deep0001', reason: `body nests deeper than ${MAX_QUEUED_BODY_DEPTH} levels` },
      { id: 'evt-big00001', reason: expect.stringMatching(/^\d+ bytes as a queue event, over Forge's \d+$/) },
    ]);
  });
});

describe('relay intake: ingest refuses what it can never queue', () => {
  class RecordingQueue implements JobQueue {
    readonly pushed: JobToPush[] = [];
    async push(jobs: readonly JobToPush[]) {
      this.pushed.push(...jobs);
    }
  }

  it('answers 422 naming the event (not 503), queues nothing, and takes the batch once the event is gone', async () => {
    const store = new InMemoryStore(() => NOW);
    store.secrets.set(SecretKeys.relaySigningKeys, [KEY]);
    const queue = new RecordingQueue();
    const deps = { store, secrets: store, queue, clock: { now: () => NOW }, logger, env: {}, rejections: { record: async () => undefined } };
    // The deep body is spliced in as text: JSON.stringify itself overflows the stack on it.
    const post = (events: RelayWireEvent[], deep = '') => {
      const body = JSON.stringify({ version: 1, events }).replace('"__DEEP__"', deep);
      const headers = signRequest(KEY, body, NOW / 1000);
      return handleIngest({ method: 'POST', body, path: '/', headers: { 'content-type': ['application/json'], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) }, queryParameters: {} }, deps);
    };
    const good = event('evt-good0001', JSON.parse(alertmanagerGroup(2)) as Record<string, unknown>);
    const poison = event('evt-poison01', { extra: '__DEEP__' });
    const refused = await post([good, poison], '{"x":'.repeat(6000) + '1' + '}'.repeat(6000));
    expect(refused.statusCode).toBe(422);
    const body = JSON.parse(refused.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unqueueable_event');
    expect(body.error.message).toContain('evt-poison01 (body nests deeper than 64 levels)');
    expect(queue.pushed).toEqual([]);
    expect((await post([good])).statusCode).toBe(202);
    expect(queue.pushed).toHaveLength(1);
  });

  it('queues the parts of a 2,000-alert group as jobs under 100 KB each', async () => {
    const store = new InMemoryStore(() => NOW);
    store.secrets.set(SecretKeys.relaySigningKeys, [KEY]);
    const queue = new RecordingQueue();
    const deps = { store, secrets: store, queue, clock: { now: () => NOW }, logger, env: {}, rejections: { record: async () => undefined } };
    const parts = partsOf(event('evt-large001', JSON.parse(alertmanagerGroup(2000)) as Record<string, unknown>));
    expect(parts).toHaveLength(2);
    const body = JSON.stringify({ version: 1, events: parts });
    const headers = signRequest(KEY, body, NOW / 1000);
    const res = await handleIngest({ method: 'POST', body, path: '/', headers: { 'content-type': ['application/json'], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) }, queryParameters: {} }, deps);
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ accepted: ['evt-large001-0', 'evt-large001-1'], duplicates: [] });
    expect(queue.pushed).toHaveLength(2);
    for (const job of queue.pushed) expect(Buffer.byteLength(JSON.stringify(job.body))).toBeLessThanOrEqual(MAX_JOB_BYTES);
  });
});

describe('relay intake: joining parts', () => {
  it('applies an event only once all its parts are stored, in any order and across jobs, and again on a retried job', async () => {
    const store = new InMemoryStore(() => NOW);
    const whole = event('evt-large001', JSON.parse(alertmanagerGroup(2000)) as Record<string, unknown>, 'g', 7);
    const [p0, p1] = partsOf(whole);
    const small = event('evt-small001', { n: 1 }, 'g', 8);
    const first = await assembleRelayEvents([p1!], { store, logger });
    expect(first).toEqual({ events: [], waiting: ['evt-large001'], broken: [] });
    const second = await assembleRelayEvents([p0!, small], { store, logger });
    expect(second.events.map((e) => e.id)).toEqual(['evt-large001', 'evt-small001']);
    expect(second.events[0]).toEqual(whole);
    // The queue retries the job: the event is joined again from the stored parts.
    expect((await assembleRelayEvents([p0!, small], { store, logger })).events[0]).toEqual(whole);
  });

  it('never applies parts that do not match their hash', async () => {
    const store = new InMemoryStore(() => NOW);
    const [p0] = partsOf(event('evt-broken01', { pad: 'y'.repeat(70_000) }));
    const tampered = { ...p0!, part: { ...(p0 as { part: { gzipBase64: string } }).part, gzipBase64: 'AAAA' + (p0 as { part: { gzipBase64: string } }).part.gzipBase64.slice(4) } } as RelayWireEvent;
    const result = await assembleRelayEvents([tampered], { store, logger });
    expect(result.events).toEqual([]);
    expect(result.broken).toEqual([{ eventId: 'evt-broken01', reason: 'parts of evt-broken01 do not match their sha256' }]);
  });
});
