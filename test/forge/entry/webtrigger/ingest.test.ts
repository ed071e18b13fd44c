import type { RejectedBatchRecord } from '../../../../src/forge/domain/connection';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleIngest, jobsFor, concurrencyKeyFor } from '../../../../src/forge/entry/webtrigger/ingest';
import { planPushes, MAX_EVENTS_PER_PUSH, MAX_PUSH_BYTES } from '../../../../src/forge/adapters/forge-job-queue';
import type { JobQueue, JobToPush } from '../../../../src/forge/ports/job-queue';
import type { RelayEventsJob } from '../../../../src/forge/jobs';
import type { WebTriggerRequest } from '../../../../src/forge/entry/webtrigger/web-trigger-types';
import { signRequest } from '../../../../src/shared/signing';
import type { RelayBatch, RelayEvent } from '../../../../src/shared/relay-envelope';
import { SecretKeys } from '../../../../src/forge/constants';
import { InMemoryStore } from '../../../support/in-memory-store';

const FIXTURES = join(__dirname, '../../../../../shared/fixtures/alertmanager');
const NOW = Date.parse('2026-11-23T06:15:00Z');
const KEY = { id: 'k1', secret: 'a-signing-secret-of-some-length' };

function fixtureEvent(file: string, id: string, sequence = 1): RelayEvent {
  const body = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  return { id, source: 'alertmanager', receivedAt: new Date(NOW).toISOString(), sequence, groupKey: String(body['groupKey']), body };
}

/** The relay-events job a push carried (the ingest trigger queues no other kind). */
function relayJob(job: JobToPush): RelayEventsJob {
  if (job.body.kind !== 'relay-events') throw new Error(`unexpected job kind ${job.body.kind}`);
  return job.body;
}

class RecordingQueue implements JobQueue {
  readonly pushed: JobToPush[] = [];
  failNext = false;
  async push(jobs: readonly JobToPush[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('RateLimitError');
    }
    this.pushed.push(...jobs);
  }
}

function setup() {
  const store = new InMemoryStore(() => NOW);
  store.secrets.set(SecretKeys.relaySigningKeys, [KEY]);
  const queue = new RecordingQueue();
  const rejected: Omit<RejectedBatchRecord, 'at'>[] = [];
  const rejections = { record: async (rejection: Omit<RejectedBatchRecord, 'at'>) => void rejected.push(rejection) };
  const deps = { store, secrets: store, queue, clock: { now: () => NOW }, logger: { info() {}, warn() {}, error() {} }, env: {}, rejections };
  return { store, queue, deps, rejected };
}

function signed(body: string, overrides: Partial<WebTriggerRequest> = {}, signedAt = NOW / 1000): WebTriggerRequest {
  const headers = signRequest(KEY, body, signedAt);
  return {
    method: 'POST',
    body,
    path: '/',
    headers: { 'content-type': ['application/json'], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) },
    queryParameters: {},
    ...overrides,
  };
}

const batch = (events: RelayEvent[]): string => JSON.stringify({ version: 1, events } satisfies RelayBatch);

describe('ingest web trigger', () => {
  it('queues one job per alert group and acknowledges every id', async () => {
    const { queue, deps } = setup();
    const events = [fixtureEvent('01-checkout-first-firing.json', 'evt-00000001'), fixtureEvent('02-disk-first-firing.json', 'evt-00000002', 2), fixtureEvent('03-checkout-group-grows.json', 'evt-00000003', 3)];
    const response = await handleIngest(signed(batch(events)), deps);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ accepted: ['evt-00000001', 'evt-00000002', 'evt-00000003'], duplicates: [] });
    expect(queue.pushed).toHaveLength(2);
    const checkout = queue.pushed.find((job) => relayJob(job).groupKey === events[0]!.groupKey)!;
    expect(relayJob(checkout).events.map((e) => e.id)).toEqual(['evt-00000001', 'evt-00000003']);
    expect(checkout.concurrencyKey).toBe(concurrencyKeyFor(events[0]!.groupKey));
  });

  it('drops a replayed event id and acknowledges it as a duplicate', async () => {
    const { queue, deps } = setup();
    const event = fixtureEvent('01-checkout-first-firing.json', 'evt-00000001');
    await handleIngest(signed(batch([event])), deps);
    const again = await handleIngest(signed(batch([event, event])), deps);
    expect(again.statusCode).toBe(202);
    expect(JSON.parse(again.body)).toEqual({ accepted: [], duplicates: ['evt-00000001'] });
    expect(queue.pushed).toHaveLength(1);
  });

  it('does not mark events seen when the queue refuses them, so the retry is queued', async () => {
    const { queue, deps } = setup();
    const event = fixtureEvent('01-checkout-first-firing.json', 'evt-00000001');
    queue.failNext = true;
    const refused = await handleIngest(signed(batch([event])), deps);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['Retry-After']).toEqual(['5']);
    const retried = await handleIngest(signed(batch([event])), deps);
    expect(JSON.parse(retried.body)).toEqual({ accepted: ['evt-00000001'], duplicates: [] });
    expect(queue.pushed).toHaveLength(1);
  });

  const good = batch([fixtureEvent('01-checkout-first-firing.json', 'evt-00000001')]);
  it.each<[string, WebTriggerRequest, number, string]>([
    ['a GET', signed(good, { method: 'GET' }), 405, 'method_not_allowed'],
    ['a wrong content type', signed(good, { headers: { ...signed(good).headers, 'content-type': ['text/plain'] } }), 415, 'unsupported_media_type'],
    ['a missing signature', { ...signed(good), headers: { 'content-type': ['application/json'] } }, 401, 'unauthorized'],
    ['a body changed after signing', { ...signed(good), body: good.replace('critical', 'warning') }, 401, 'unauthorized'],
    ['a stale signature', signed(good, {}, NOW / 1000 - 3600), 401, 'unauthorized'],
    ['malformed JSON', signed('{"version":1,'), 400, 'invalid_json'],
    ['a body that is not a batch', signed('{"version":1,"events":[]}'), 400, 'invalid_body'],
    ['an oversize body', signed('x'.repeat(200 * 1024)), 413, 'payload_too_large'],
  ])('refuses %s with a JSON error and queues nothing', async (_name, request, status, code) => {
    const { queue, store, deps, rejected } = setup();
    const response = await handleIngest(request, deps);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error.code).toBe(code);
    expect(queue.pushed).toHaveLength(0);
    expect(store.writes).toBe(0);
    // Only a refused signature is noted for the Connection tab (through its own log, not these keys).
    expect(rejected).toHaveLength(status === 401 ? 1 : 0);
  });

  it('answers 503 when no signing key is configured', async () => {
    const { store, deps } = setup();
    store.secrets.clear();
    const response = await handleIngest(signed(good), deps);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('not_configured');
  });

  it('accepts keys from the RELAY_SIGNING_KEYS Forge variable when secret storage is empty', async () => {
    const { store, deps } = setup();
    store.secrets.clear();
    const response = await handleIngest(signed(good), { ...deps, env: { RELAY_SIGNING_KEYS: `old:another-secret-value,${KEY.id}:${KEY.secret}` } });
    expect(response.statusCode).toBe(202);
  });
});

describe('queue push planning', () => {
  const job = (i: number, padding = 0): JobToPush => ({
    body: { kind: 'relay-events', groupKey: `g${i}`, events: [{ id: `evt-${String(i).padStart(8, '0')}`, source: 'alertmanager', receivedAt: '2026-11-23T06:15:00.000Z', sequence: i + 1, groupKey: `g${i}`, body: { pad: 'x'.repeat(padding) } }] },
    concurrencyKey: `c${i}`,
  });

  it('never puts more than 50 events in one push', () => {
    const pushes = planPushes(Array.from({ length: 120 }, (_, i) => job(i)));
    expect(pushes.map((p) => p.length)).toEqual([MAX_EVENTS_PER_PUSH, MAX_EVENTS_PER_PUSH, 20]);
  });

  it('never puts more than 200 KB in one push and keeps order', () => {
    const jobs = Array.from({ length: 10 }, (_, i) => job(i, 60 * 1024));
    const pushes = planPushes(jobs);
    for (const push of pushes) expect(Buffer.byteLength(JSON.stringify(push))).toBeLessThanOrEqual(MAX_PUSH_BYTES);
    expect(pushes.flat().map((e) => (e.body as { groupKey: string }).groupKey)).toEqual(jobs.map((j) => relayJob(j).groupKey));
  });

  it('groups events by group key in arrival order', () => {
    const events: RelayEvent[] = ['a', 'b', 'a', 'c', 'b'].map((g, i) => ({ id: `evt-0000000${i}`, source: 'alertmanager', receivedAt: '2026-11-23T06:15:00.000Z', sequence: i + 1, groupKey: g, body: {} }));
    expect(jobsFor(events).map((j) => [relayJob(j).groupKey, relayJob(j).events.map((e) => e.id)])).toEqual([
      ['a', ['evt-00000000', 'evt-00000002']],
      ['b', ['evt-00000001', 'evt-00000004']],
      ['c', ['evt-00000003']],
    ]);
  });
});
