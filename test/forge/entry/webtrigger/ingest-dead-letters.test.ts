/**
 * Dead-letter notices through the ingest web trigger: the relay tells the app about an event it gave up on,
 * and the app files it as a failed delivery and a failed delivery-log line with the relay's reason, once per
 * event id, without queueing anything; Retry says the event must be re-queued on the relay.
 */
import { handleIngest } from '../../../../src/forge/entry/webtrigger/ingest';
import { listFailedDeliveries, retryFailedDelivery } from '../../../../src/forge/entry/resolvers/failed-deliveries';
import { listRecentDeliveries } from '../../../../src/forge/entry/resolvers/resolvers';
import { recordDelivery, recordFailedDelivery } from '../../../../src/forge/delivery/delivery-log';
import type { JobQueue, JobToPush } from '../../../../src/forge/ports/job-queue';
import type { WebTriggerRequest } from '../../../../src/forge/entry/webtrigger/web-trigger-types';
import { signRequest } from '../../../../src/shared/signing';
import type { DeadLetterNotice, RelayEvent } from '../../../../src/shared/relay-envelope';
import { SecretKeys } from '../../../../src/forge/constants';
import { InMemoryStore } from '../../../support/in-memory-store';

const NOW = Date.parse('2026-11-23T06:15:00Z');
const KEY = { id: 'k1', secret: 'a-signing-secret-of-some-length' };

const notice: DeadLetterNotice = {
  kind: 'dead-letter',
  id: 'evt-dead-0001',
  source: 'alertmanager',
  receivedAt: '2026-11-23T06:10:00.000Z',
  sequence: 41,
  groupKey: '{}/{}:{alertname="Poison"}',
  sizeBytes: 12_345,
  reason: 'http-422: {"error":{"code":"unqueueable_event","message":"events that can never be queued: evt-dead-0001 (body nests deeper than 64 levels)"}}',
  deadLetteredAt: '2026-11-23T06:11:00.000Z',
};

const event: RelayEvent = { id: 'evt-live-0001', source: 'impact', receivedAt: '2026-11-23T06:12:00.000Z', sequence: 42, groupKey: 'inc-1', body: { type: 'incident.updated' } };

function setup() {
  const store = new InMemoryStore(() => NOW);
  store.secrets.set(SecretKeys.relaySigningKeys, [KEY]);
  const pushed: JobToPush[] = [];
  const queue: JobQueue = { push: async (jobs) => void pushed.push(...jobs) };
  const deps = { store, secrets: store, queue, clock: { now: () => NOW }, logger: { info() {}, warn() {}, error() {} }, env: {}, rejections: { record: async () => undefined } };
  return { store, pushed, deps };
}

function signed(body: string): WebTriggerRequest {
  const headers = signRequest(KEY, body, NOW / 1000);
  return { method: 'POST', body, path: '/', headers: { 'content-type': ['application/json'], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) }, queryParameters: {} };
}

const batch = (items: unknown[]): string => JSON.stringify({ version: 1, events: items });

describe('dead-letter notices at the ingest web trigger', () => {
  it('files a notice as a failed delivery and a failed log line with the relay reason, queues nothing, and Retry points at the relay', async () => {
    const { store, pushed, deps } = setup();
    const response = await handleIngest(signed(batch([notice, event])), deps);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ accepted: [notice.id, event.id], duplicates: [] });
    // Only the event is queued; the notice has no body to queue.
    expect(pushed.flatMap((j) => (j.body.kind === 'relay-events' ? j.body.events.map((e) => e.id) : []))).toEqual([event.id]);

    const failed = await listFailedDeliveries({}, { store });
    expect(failed.items).toEqual([
      expect.objectContaining({
        eventId: notice.id,
        groupKey: notice.groupKey,
        receivedAt: notice.receivedAt,
        failureKind: 'relay-dead-letter',
        reason: expect.stringContaining('12345 bytes, alertmanager event evt-dead-0001, sequence 41): http-422:'),
        relayDeadLetter: { source: 'alertmanager', sequence: 41, sizeBytes: 12_345, deadLetteredAt: notice.deadLetteredAt, requeue: 'npm run relay -- requeue evt-dead-0001' },
      }),
    ]);
    expect(failed.items[0]?.reason).toContain('body nests deeper than 64 levels');
    const log = await listRecentDeliveries({ outcome: 'failed' }, { store, env: {} });
    expect(log.items).toEqual([expect.objectContaining({ eventId: notice.id, source: 'alertmanager', groupKey: notice.groupKey, outcome: 'failed', detail: expect.stringContaining('dead-lettered by the relay (12345 bytes') })]);

    const key = failed.items[0]!.key;
    const userJira = { myPermissions: async () => { throw new Error('no permission check is needed to be told to requeue on the relay'); } };
    const retry = await retryFailedDelivery({ key }, { accountId: 'someone', projectKey: 'OPS' }, { store, queue: deps.queue, userJira: userJira as never });
    expect(retry).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringContaining('npm run relay -- requeue evt-dead-0001') } });
    // Nothing queued, the record stays listed until the relay delivers the event.
    expect(pushed).toHaveLength(1);
    expect((await listFailedDeliveries({}, { store })).items).toHaveLength(1);
  });

  it('is idempotent by event id: the same notice again writes the same record and no second line', async () => {
    const { store, deps } = setup();
    expect((await handleIngest(signed(batch([notice])), deps)).statusCode).toBe(202);
    const before = new Map(store.values);
    const again = await handleIngest(signed(batch([notice, notice])), deps);
    expect(again.statusCode).toBe(202);
    expect(new Map(store.values)).toEqual(before);
    expect((await listFailedDeliveries({}, { store })).items).toHaveLength(1);
    expect((await listRecentDeliveries({}, { store, env: {} })).items).toHaveLength(1);
  });

  it('refuses a notice that carries a body or a reason over the limit (400, nothing recorded)', async () => {
    const { store, deps } = setup();
    for (const bad of [{ ...notice, body: { a: 1 } }, { ...notice, reason: 'x'.repeat(1001) }, { ...notice, kind: 'other' }]) {
      const response = await handleIngest(signed(batch([bad])), deps);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'invalid_body' } });
    }
    expect((await listFailedDeliveries({}, { store })).items).toEqual([]);
  });

  it('answers 503 when the record cannot be written, so the relay sends the notice again', async () => {
    const { store, deps } = setup();
    const set = store.set.bind(store);
    let fail = true;
    store.set = async (...args: Parameters<typeof set>) => {
      if (fail) {
        fail = false;
        throw new Error('KVS unavailable');
      }
      return set(...args);
    };
    expect((await handleIngest(signed(batch([notice])), deps)).statusCode).toBe(503);
    expect((await handleIngest(signed(batch([notice])), deps)).statusCode).toBe(202);
    expect((await listFailedDeliveries({}, { store })).items).toHaveLength(1);
  });

  it('clears the notice’s failed record once the re-queued event reaches the app, and keeps a retryable one the consumer wrote', async () => {
    const { store, deps } = setup();
    const logDeps = { store, clock: { now: () => NOW }, env: {} };
    const delivery = { eventId: notice.id, source: notice.source, groupKey: notice.groupKey, receivedAt: notice.receivedAt };
    await handleIngest(signed(batch([notice])), deps);
    // Re-queued on the relay, applied by the consumer this time.
    await recordDelivery(delivery, 0, { kind: 'applied', problems: [] }, logDeps);
    expect((await listFailedDeliveries({}, { store })).items).toEqual([]);
    expect((await listRecentDeliveries({}, { store, env: {} })).items).toEqual([expect.objectContaining({ eventId: notice.id, outcome: 'applied' })]);

    // Dead-lettered again, then re-queued and failing in the app: the consumer's own (retryable) record stays.
    const other = { ...notice, id: 'evt-dead-0002', groupKey: 'other-group' };
    await handleIngest(signed(batch([other])), deps);
    const otherDelivery = { ...delivery, eventId: other.id, groupKey: other.groupKey };
    const event: RelayEvent = { id: other.id, source: 'alertmanager', receivedAt: other.receivedAt, sequence: other.sequence, groupKey: other.groupKey, body: {} };
    await recordFailedDelivery({ ...otherDelivery, requeue: { event } }, 0, 'rejected', 'Jira said no', logDeps);
    await recordDelivery(otherDelivery, 0, { kind: 'failed', reason: 'Jira said no', problems: [] }, logDeps);
    expect((await listFailedDeliveries({}, { store })).items).toEqual([expect.objectContaining({ eventId: other.id, failureKind: 'rejected', reason: 'Jira said no' })]);
  });
});
