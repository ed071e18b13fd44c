import { ingestAckSchema, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from '../../shared/relay-envelope';
import { signRequest, type SigningKey } from '../../shared/signing';
import type { Logger } from '../logger';
import type { ForwardFailureReason, ForwarderMetrics } from '../metrics';
import type { Outbox, StoredEvent } from '../outbox/outbox';
import { buildBatch, spanningBatches, type WireEvent } from './batch';
import { noticeBatch, noticeKey } from './dead-letter-notices';
import type { PostToTrigger } from './transport';
import { fullJitterDelay, parseRetryAfter, realSleep, type Sleep } from './retry';

export interface ForwarderConfig {
  readonly webTriggerUrl: string;
  /** The first key signs. */
  readonly signingKeys: readonly [SigningKey, ...SigningKey[]];
  readonly pollIntervalMs: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly maxRetryAfterMs?: number;
  readonly requestTimeoutMs?: number;
  readonly maxEventsPerBatch?: number;
  readonly maxBatchBytes?: number;
  /**
   * After a round that sent less than a full batch, wait this long before the next, so it carries what arrives
   * meanwhile: at a steady 1,000 accepts/s one POST (fetch, signature, ack parse, delete transaction) per ~10
   * events instead of one per commit of 1–2, leaving the request thread to the accepts. 0 = no wait.
   */
  readonly gatherMs?: number;
}

export interface ForwarderDeps {
  readonly config: ForwarderConfig;
  readonly outbox: Outbox;
  /** The POST to the web trigger (transport.ts: node:http in production, a fetch in tests). */
  readonly post: PostToTrigger;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: ForwarderMetrics;
  readonly sleep?: Sleep;
  /** Uniform in [0, 1), for backoff jitter. */
  readonly random?: () => number;
}

/** What one round achieved, and so what the loop does next. */
export type ForwardOutcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'progress'; readonly delivered: number; readonly failed: number }
  | { readonly kind: 'retry'; readonly reason: ForwardFailureReason; readonly retryAfterMs: number | undefined };

export interface Forwarder {
  start(): void;
  /** Stops the loop; resolves after the batch in flight (if any) has been settled. */
  stop(): Promise<void>;
  /** A new event was accepted: skip the rest of the idle wait (never a retry backoff). */
  wake(): void;
  /** One round: send the oldest pending events as one batch (splitting it if the web trigger refuses it). */
  forwardOnce(): Promise<ForwardOutcome>;
}

type SendResult =
  | { readonly kind: 'acked'; readonly ids: ReadonlySet<string> }
  | { readonly kind: 'retry'; readonly reason: ForwardFailureReason; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'rejected'; readonly status: number; readonly detail: string };

/** Dead letters read per look for ones the app has not been told about yet. */
const DEAD_LETTER_SCAN = 1000;

/** See ForwarderConfig.gatherMs: forwarding 10 ms later is nothing next to the app's queue and Jira calls. */
export const DEFAULT_GATHER_MS = 10;

/** Statuses meaning "something in this batch is wrong": worth splitting to isolate the bad event. */
const SPLITTABLE = new Set([400, 413, 422]);

export function createForwarder(deps: ForwarderDeps): Forwarder {
  const { config, outbox, logger, metrics, clock } = deps;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const maxEvents = config.maxEventsPerBatch ?? MAX_EVENTS_PER_BATCH;
  const maxBytes = config.maxBatchBytes ?? MAX_BATCH_BYTES;
  const backoff = { baseMs: config.backoffBaseMs ?? 500, maxMs: config.backoffMaxMs ?? 60_000 };
  const maxRetryAfterMs = config.maxRetryAfterMs ?? 10 * 60_000;
  const requestTimeoutMs = config.requestTimeoutMs ?? 30_000;
  const gatherMs = config.gatherMs ?? DEFAULT_GATHER_MS;

  let running = false;
  let loop: Promise<void> | undefined;
  let stopController = new AbortController();
  let idleController: AbortController | undefined;
  let woken = false;
  let unsubscribe: (() => void) | undefined;
  // Dead letters the app has acknowledged a notice for, in this process (a restart notifies them all once
  // more: the app files a notice idempotently). `deadLettersDirty`: there may be dead letters to notify.
  const notified = new Set<string>();
  let deadLettersDirty = true;

  async function markFailed(ids: readonly string[], reason: string): Promise<number> {
    const n = await outbox.markFailed(ids, reason, clock());
    if (n > 0) deadLettersDirty = true;
    return n;
  }

  /**
   * Tells the app about dead letters it has not heard of, through the same signed web trigger, retried like
   * any batch while the app is down. A notice the app refuses (4xx: an app too old to know notices) is not
   * sent again by this process and never dead-lettered itself: the event stays on the relay either way.
   */
  async function notifyDeadLetters(): Promise<ForwardOutcome | undefined> {
    if (!deadLettersDirty) return undefined;
    const failed = await outbox.failed(DEAD_LETTER_SCAN);
    if (failed.length < DEAD_LETTER_SCAN) {
      const current = new Set(failed.map(noticeKey));
      for (const key of notified) if (!current.has(key)) notified.delete(key);
    }
    const due = failed.filter((dead) => !notified.has(noticeKey(dead))).reverse();
    const batch = noticeBatch(due, maxEvents, maxBytes);
    if (!batch) {
      deadLettersDirty = false;
      return undefined;
    }
    const result = await post(batch.body);
    switch (result.kind) {
      case 'acked': {
        const acked = batch.sent.filter((dead) => result.ids.has(dead.id));
        for (const dead of acked) notified.add(noticeKey(dead));
        logger.info('dead letters notified to the app', { ids: acked.map((d) => d.id).join(',') });
        if (acked.length < batch.sent.length) {
          metrics.forwardFailure('bad-ack');
          return { kind: 'retry', reason: 'bad-ack', retryAfterMs: undefined };
        }
        return { kind: 'progress', delivered: 0, failed: 0 };
      }
      case 'retry':
        metrics.forwardFailure(result.reason);
        return result;
      case 'rejected':
        metrics.forwardFailure('http-4xx');
        for (const dead of batch.sent) notified.add(noticeKey(dead));
        logger.error('web trigger refused dead-letter notices; the dead letters stay listed on the relay', { status: result.status, detail: result.detail, ids: batch.sent.map((d) => d.id).join(',') });
        return { kind: 'progress', delivered: 0, failed: 0 };
    }
  }

  async function post(body: string): Promise<SendResult> {
    metrics.forwardAttempt();
    const started = clock();
    let response: Awaited<ReturnType<PostToTrigger>>;
    try {
      response = await deps.post(
        config.webTriggerUrl,
        { 'content-type': 'application/json', ...signRequest(config.signingKeys[0], body, Math.floor(clock() / 1000)) },
        body,
        requestTimeoutMs,
      );
    } catch (error) {
      logger.warn('web trigger unreachable', { error: error instanceof Error ? error.message : 'unknown' });
      return { kind: 'retry', reason: 'network', retryAfterMs: undefined };
    }
    const { text } = response;
    metrics.forwardLatency(Math.max(0, clock() - started) / 1000);
    const retryAfterMs = () => {
      const ms = parseRetryAfter(response.retryAfter, clock());
      return ms === undefined ? undefined : Math.min(ms, maxRetryAfterMs);
    };
    if (response.status >= 200 && response.status < 300) {
      const ack = safeJson(text, ingestAckSchema);
      if (!ack) return { kind: 'retry', reason: 'bad-ack', retryAfterMs: undefined };
      return { kind: 'acked', ids: new Set([...ack.accepted, ...ack.duplicates]) };
    }
    if (response.status === 429) return { kind: 'retry', reason: 'http-429', retryAfterMs: retryAfterMs() };
    if (response.status >= 500 || response.status === 408) return { kind: 'retry', reason: 'http-5xx', retryAfterMs: retryAfterMs() };
    return { kind: 'rejected', status: response.status, detail: text.slice(0, 200) };
  }

  /** Sends `events` as one batch; on a splittable refusal, halves it until the bad event stands alone. */
  async function send(events: readonly StoredEvent[]): Promise<ForwardOutcome> {
    const { batch } = buildBatch(events, maxEvents, maxBytes);
    if (!batch) return { kind: 'progress', delivered: 0, failed: 0 };
    const result = await post(batch.body);
    switch (result.kind) {
      case 'acked': {
        // An event in parts is delivered once the web trigger has acknowledged every part.
        const acked = batch.events.filter((w) => w.wireIds.every((id) => result.ids.has(id))).map((w) => w.event.id);
        const removed = acked.length > 0 ? await outbox.remove(acked) : 0;
        metrics.forwardSuccess(removed);
        if (acked.length < batch.events.length) {
          metrics.forwardFailure('bad-ack');
          logger.warn('web trigger did not acknowledge every event', { sent: batch.events.length, acked: acked.length });
          return { kind: 'retry', reason: 'bad-ack', retryAfterMs: undefined };
        }
        return { kind: 'progress', delivered: removed, failed: 0 };
      }
      case 'retry':
        metrics.forwardFailure(result.reason);
        return result;
      case 'rejected': {
        metrics.forwardFailure('http-4xx');
        if (SPLITTABLE.has(result.status) && batch.events.length > 1) {
          const stored = batch.events.map((w) => w.event);
          const middle = Math.ceil(stored.length / 2);
          const first = await send(stored.slice(0, middle));
          if (first.kind !== 'progress') return first;
          const second = await send(stored.slice(middle));
          if (second.kind !== 'progress') return second;
          return { kind: 'progress', delivered: first.delivered + second.delivered, failed: first.failed + second.failed };
        }
        const failed = await markFailed(batch.events.map((w) => w.event.id), `http-${result.status}: ${result.detail}`);
        metrics.eventsFailedPermanently(failed);
        logger.error('web trigger refused events; kept as failed', { status: result.status, events: failed });
        return { kind: 'progress', delivered: 0, failed };
      }
    }
  }

  /** An event whose parts need several batches: sends them in order; removes it once every part is acknowledged. */
  async function sendSpanning(wire: WireEvent): Promise<ForwardOutcome> {
    for (const batch of spanningBatches(wire, maxEvents, maxBytes)) {
      const result = await post(batch.body);
      switch (result.kind) {
        case 'acked':
          if (batch.ids.every((id) => result.ids.has(id))) continue;
          metrics.forwardFailure('bad-ack');
          logger.warn('web trigger did not acknowledge every part', { eventId: wire.event.id, sent: batch.ids.length });
          return { kind: 'retry', reason: 'bad-ack', retryAfterMs: undefined };
        case 'retry':
          metrics.forwardFailure(result.reason);
          return result;
        case 'rejected': {
          metrics.forwardFailure('http-4xx');
          const failed = await markFailed([wire.event.id], `http-${result.status}: ${result.detail}`);
          metrics.eventsFailedPermanently(failed);
          logger.error('web trigger refused a part; event kept as failed', { status: result.status, eventId: wire.event.id });
          return { kind: 'progress', delivered: 0, failed };
        }
      }
    }
    const removed = await outbox.remove([wire.event.id]);
    metrics.forwardSuccess(removed);
    return { kind: 'progress', delivered: removed, failed: 0 };
  }

  async function forwardOnce(): Promise<ForwardOutcome> {
    woken = false;
    const noticed = await notifyDeadLetters();
    if (noticed) return noticed;
    const { batch, spanning, tooLarge } = buildBatch(await outbox.pending(maxEvents), maxEvents, maxBytes);
    let failed = 0;
    for (const { event, reason } of tooLarge) {
      const n = await markFailed([event.id], reason);
      failed += n;
      metrics.forwardFailure('too-large');
      metrics.eventsFailedPermanently(n);
      logger.error('event too large to forward; kept as failed', { eventId: event.id, source: event.source, groupKey: event.groupKey, bytes: Buffer.byteLength(event.bodyJson), reason });
    }
    if (spanning) {
      const outcome = await sendSpanning(spanning);
      return outcome.kind === 'progress' ? { ...outcome, failed: outcome.failed + failed } : outcome;
    }
    if (!batch) return failed > 0 ? { kind: 'progress', delivered: 0, failed } : { kind: 'idle' };
    const outcome = await send(batch.events.map((w) => w.event));
    return outcome.kind === 'progress' ? { ...outcome, failed: outcome.failed + failed } : outcome;
  }

  async function idleWait(): Promise<void> {
    if (woken) return;
    idleController = new AbortController();
    const stopped = stopController.signal;
    const onStop = () => idleController?.abort();
    stopped.addEventListener('abort', onStop, { once: true });
    await sleep(config.pollIntervalMs, idleController.signal);
    stopped.removeEventListener('abort', onStop);
    idleController = undefined;
  }

  /** A real timer, not `deps.sleep` (that one is for backoffs); ends at once on stop(). */
  async function gather(): Promise<void> {
    if (gatherMs > 0 && running) await realSleep(gatherMs, stopController.signal);
  }

  function wake(): void {
    woken = true;
    idleController?.abort();
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      let outcome: ForwardOutcome;
      try {
        outcome = await forwardOnce();
      } catch (error) {
        logger.error('forward round failed', { error: error instanceof Error ? error.message : 'unknown' });
        outcome = { kind: 'retry', reason: 'network', retryAfterMs: undefined };
      }
      if (!running) break;
      switch (outcome.kind) {
        case 'idle':
          failures = 0;
          await idleWait();
          await gather();
          break;
        case 'progress':
          failures = 0;
          if (outcome.delivered + outcome.failed < maxEvents) await gather();
          break;
        case 'retry': {
          failures += 1;
          const delay = outcome.retryAfterMs ?? fullJitterDelay(failures, backoff, random);
          logger.info('forward retry scheduled', { reason: outcome.reason, delayMs: delay, attempt: failures });
          await sleep(delay, stopController.signal);
          break;
        }
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopController = new AbortController();
      unsubscribe = outbox.onAccepted(wake);
      loop = run();
    },
    async stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      stopController.abort();
      await loop;
      loop = undefined;
    },
    wake,
    forwardOnce,
  };
}

function safeJson<T>(text: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
