import { isDeadLetterNotice, relayBatchSchema, type DeadLetterNotice, type IngestAck, type RelayWireEvent, MAX_BATCH_BYTES } from '../../../shared/relay-envelope';
import { recordDeadLetterNotices } from '../../relay-intake/dead-letter-notices';
import { jobsFor, unqueueableEvents } from '../../relay-intake/queue-jobs';
import { KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../shared/signing';
import { describeZodError } from '../../../shared/zod-error';
import { SEEN_EVENT_TTL_DAYS, StorageKeys } from '../../constants';
import { loadSigningKeys } from '../../adapters/signing-keys';
import type { Clock } from '../../ports/clock';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore, SecretStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import { safeKeyId, type LastReceivedRecord, type RejectedBatchRecord } from '../../domain/connection';
import { IngestError } from './ingest-error';
import { notePendingNotifications } from '../../alerts/pending-slot';
import { PARKING, parkOversized } from '../../delivery/parked-events';
import { header, jsonResponse, type WebTriggerRequest, type WebTriggerResponse } from './web-trigger-types';

export interface IngestDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Where a batch refused for its signature is noted for the settings page (throttled by the implementation). */
  readonly rejections: RejectionLog;
}

export interface RejectionLog {
  record(rejection: Omit<RejectedBatchRecord, 'at'>, nowMs: number): Promise<void>;
}

export { concurrencyKeyFor, jobsFor } from '../../relay-intake/queue-jobs';

/**
 * The ingest web trigger: verify the relay's signature on the raw body, parse, drop replays by event
 * id, queue one job per group, then remember the ids. Markers are written after the push, so a crash
 * in between can only queue an event twice (the consumer drops the second), never lose it.
 */
export async function handleIngest(request: WebTriggerRequest, deps: IngestDeps): Promise<WebTriggerResponse> {
  try {
    return await ingest(request, deps);
  } catch (error) {
    if (error instanceof IngestError) return error.toResponse();
    deps.logger.error('ingest failed', { error: error instanceof Error ? error.message : String(error) });
    return new IngestError('queue_unavailable', 'the app could not queue the batch; retry later', undefined, 5).toResponse();
  }
}

async function ingest(request: WebTriggerRequest, deps: IngestDeps): Promise<WebTriggerResponse> {
  if (request.method !== 'POST') throw new IngestError('method_not_allowed', 'use POST');
  const contentType = header(request, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new IngestError('unsupported_media_type', `content-type must be application/json, got "${contentType}"`);
  }
  if (Buffer.byteLength(request.body) > MAX_BATCH_BYTES) {
    throw new IngestError('payload_too_large', `batch exceeds ${MAX_BATCH_BYTES} bytes`);
  }

  const keys = await loadSigningKeys(deps.secrets, deps.env);
  if (keys.length === 0) throw new IngestError('not_configured', 'no relay signing key is configured');
  const check = verifySignature(keys, {
    signature: header(request, SIGNATURE_HEADER),
    timestamp: header(request, TIMESTAMP_HEADER),
    keyId: header(request, KEY_ID_HEADER),
    rawBody: request.body,
    nowSeconds: Math.floor(deps.clock.now() / 1000),
  });
  if (!check.ok) {
    await noteRejection(deps, { reason: check.reason, keyId: safeKeyId(header(request, KEY_ID_HEADER)) });
    throw new IngestError('unauthorized', `signature rejected: ${check.reason}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw new IngestError('invalid_json', 'body is not valid JSON');
  }
  const parsed = relayBatchSchema.safeParse(json);
  if (!parsed.success) throw new IngestError('invalid_body', 'body is not a relay batch', describeZodError(parsed.error));

  // Dead-letter notices are filed in the delivery log here (they carry no body and are never queued);
  // a KVS failure leaves through the 503 below, so the relay sends them again.
  const notices: DeadLetterNotice[] = [];
  const events: RelayWireEvent[] = [];
  for (const item of parsed.data.events) {
    if (isDeadLetterNotice(item)) notices.push(item);
    else events.push(item);
  }

  // An event the queue can never take is refused by id (4xx), so the relay splits the batch, dead-letters
  // that event and forwards the rest, instead of retrying a 5xx on the whole batch forever.
  const unqueueable = unqueueableEvents(events, PARKING);
  if (unqueueable.length > 0) {
    throw new IngestError('unqueueable_event', `events that can never be queued: ${unqueueable.map((u) => `${u.id} (${u.reason})`).join('; ')}`, unqueueable);
  }

  if (notices.length > 0) {
    await recordDeadLetterNotices(notices, { store: deps.store, clock: deps.clock, env: deps.env, logger: deps.logger });
    deps.logger.warn('relay dead letters recorded as failed deliveries', { ids: notices.map((n) => n.id) });
  }

  const unique = uniqueById(events);
  const seen = await deps.store.getMany<unknown>(unique.map((event) => StorageKeys.seenEvent(event.id)));
  const fresh = unique.filter((event) => !seen.has(StorageKeys.seenEvent(event.id)));
  const duplicates = events.map((event) => event.id).filter((id) => !fresh.some((event) => event.id === id));

  if (fresh.length > 0) {
    try {
      await deps.queue.push(jobsFor(await parkOversized(fresh, deps.store)));
    } catch (error) {
      deps.logger.warn('queue push failed', { error: error instanceof Error ? error.message : String(error) });
      throw new IngestError('queue_unavailable', 'the queue refused the batch; retry later', undefined, 5);
    }
    // After the push, so a noted notification is one that will run (domain/alerts/coalesce.ts).
    await notePendingNotifications(fresh, deps.store, deps.logger);
    const nowMs = deps.clock.now();
    await deps.store.setMany(
      fresh.map((event) => ({ key: StorageKeys.seenEvent(event.id), value: nowMs })),
      { ttlSeconds: SEEN_EVENT_TTL_DAYS * 86_400 },
    );
    await recordLastReceived(fresh, { keyId: check.keyId, acceptedAt: new Date(nowMs).toISOString() }, deps.store);
  }

  const ack: IngestAck = { accepted: [...notices.map((n) => n.id), ...fresh.map((event) => event.id)], duplicates: [...new Set(duplicates)] };
  deps.logger.info('ingested batch', { accepted: ack.accepted.length, notices: notices.length, duplicates: ack.duplicates.length, keyId: check.keyId });
  return jsonResponse(202, ack);
}

function uniqueById(events: readonly RelayWireEvent[]): RelayWireEvent[] {
  const byId = new Map<string, RelayWireEvent>();
  for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()];
}


/** The same one write per source as before; it also says which key signed the batch, for key rotation. */
async function recordLastReceived(events: readonly RelayWireEvent[], batch: { keyId: string; acceptedAt: string }, store: KeyValueStore): Promise<void> {
  const latest = new Map<string, string>();
  for (const event of events) {
    const previous = latest.get(event.source);
    if (!previous || previous < event.receivedAt) latest.set(event.source, event.receivedAt);
  }
  await store.setMany<LastReceivedRecord>([...latest.entries()].map(([source, receivedAt]) => ({ key: StorageKeys.lastReceived(source), value: { receivedAt, ...batch } })));
}

/** Best effort: the batch is refused with 401 whether or not the note could be written. */
async function noteRejection(deps: IngestDeps, rejection: Omit<RejectedBatchRecord, 'at'>): Promise<void> {
  try {
    await deps.rejections.record(rejection, deps.clock.now());
  } catch (error) {
    deps.logger.warn('could not record the rejected batch', { error: error instanceof Error ? error.message : String(error) });
  }
}
