/**
 * Webhook outbox: every change becomes one signed delivery to the relay's `POST /v1/impact`, retried with
 * exponential backoff (honouring `Retry-After`) until it is accepted or refused for good. Deliveries of one
 * incident go out in order, one at a time; different incidents do not wait for each other. Every delivery
 * and attempt stays inspectable (`deliveries()`), and `settle()` waits until nothing is in flight.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  anyImpactWebhookSchema,
  IMPACT_EVENTS,
  IMPACT_SIGNATURE_HEADER,
  IMPACT_TIMESTAMP_HEADER,
  impactSignedPayload,
  type AnyImpactEventName,
  type AnyImpactWebhook,
} from '../../shared/impact';

export interface WebhookRetryPolicy {
  /** Attempts in total, the first included (default 6). */
  readonly maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time (default 250 ms). */
  readonly baseDelayMs: number;
  /** Upper bound of one delay, `Retry-After` included (default 10 s). */
  readonly maxDelayMs: number;
  /** Per-attempt request timeout (default 10 s). */
  readonly timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 10_000, timeoutMs: 10_000 };

export interface WebhookAttempt {
  /** Simulator clock when the attempt was sent. */
  readonly at: number;
  /** HTTP status, or null when no response came (connection refused, timeout, …). */
  readonly status: number | null;
  readonly error: string | null;
  /** Wait scheduled before the next attempt, null when this was the last. */
  readonly retryInMs: number | null;
}

/**
 * queued → sending ⇄ retrying → delivered | failed. `failed`: refused with a non-retryable 4xx or out of
 * attempts. `skipped`: no webhook URL was configured when it was due.
 */
export type WebhookDeliveryState = 'queued' | 'sending' | 'retrying' | 'delivered' | 'failed' | 'skipped';

export interface WebhookDelivery {
  /** Delivery number, unique per simulator (a redelivery gets a new one; the event_id stays). */
  readonly seq: number;
  readonly eventId: string;
  readonly event: AnyImpactEventName;
  readonly incidentId: string;
  readonly body: AnyImpactWebhook;
  /** The exact bytes sent (and signed). */
  readonly rawBody: string;
  readonly createdAt: number;
  readonly state: WebhookDeliveryState;
  readonly attempts: readonly WebhookAttempt[];
}

/** The dispatcher's own copy: state changes and attempts are appended while it sends. */
interface MutableDelivery extends Omit<WebhookDelivery, 'state' | 'attempts'> {
  state: WebhookDeliveryState;
  readonly attempts: WebhookAttempt[];
  readonly settled: Promise<void>;
  resolveSettled(): void;
}

/** The dispatcher's deliveries and counters as plain JSON (persistence). */
export interface WebhookSnapshot {
  readonly deliveries: WebhookDelivery[];
  readonly seq: number;
  readonly eventSeq: number;
}

export interface WebhookDispatcherOptions {
  readonly url: string | undefined;
  readonly secret: string;
  readonly now: () => number;
  readonly fetch: typeof fetch;
  readonly retry: WebhookRetryPolicy;
  /** How backoff waits; tests may inject an instant or recording one. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onError?: (error: unknown) => void;
  /** The subscription: events sent to the URL (default: the incident events, DEFAULT_WEBHOOK_EVENTS). */
  readonly events?: readonly AnyImpactEventName[];
}

/**
 * What a subscription carries unless it names its events: the three incident events of contract v1's
 * first revision. Note and follow-up events go only to subscriptions that ask for them, so a receiver
 * written before they existed never gets an event it cannot parse (docs/impact-contract.md §1).
 */
export const DEFAULT_WEBHOOK_EVENTS: readonly AnyImpactEventName[] = IMPACT_EVENTS;

/** Sign exactly as the contract says: `sha256=` hex HMAC over `${timestamp}.${rawBody}`. */
export function signImpactWebhook(secret: string, timestampSeconds: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(impactSignedPayload(timestampSeconds, rawBody)).digest('hex');
}

/** Statuses worth another attempt: the receiver is down, slow or shedding load. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  return /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : null;
}

/** fetch's own message is just "fetch failed"; the cause says why (ECONNREFUSED, timeout, …). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function snapshot(d: MutableDelivery): WebhookDelivery {
  return {
    seq: d.seq,
    eventId: d.eventId,
    event: d.event,
    incidentId: d.incidentId,
    body: structuredClone(d.body),
    rawBody: d.rawBody,
    createdAt: d.createdAt,
    state: d.state,
    attempts: [...d.attempts],
  };
}

export class WebhookDispatcher {
  private readonly records: MutableDelivery[] = [];
  private readonly queue: MutableDelivery[] = [];
  private readonly busyIncidents = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopController = new AbortController();
  private url: string | undefined;
  private events: ReadonlySet<AnyImpactEventName>;
  private paused = false;
  private readonly changeListeners = new Set<() => void>();
  private seq = 0;
  private eventSeq = 0;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.url = options.url;
    this.events = new Set(options.events ?? DEFAULT_WEBHOOK_EVENTS);
  }

  /** The events the subscription carries. */
  subscription(): AnyImpactEventName[] {
    return [...this.events];
  }

  /** Replaces the subscription's event list (like editing the webhook in Impact's settings). */
  subscribe(events: readonly AnyImpactEventName[]): void {
    this.events = new Set(events);
  }

  /** Queues the webhook if the subscription carries its event; null when it does not (nothing is sent). */
  dispatch(body: AnyImpactWebhook): WebhookDelivery | null {
    return this.events.has(body.event) ? this.enqueue(body) : null;
  }

  /** A fresh event id: a counter for readability plus randomness, so a restarted simulator never reuses one. */
  newEventId(): string {
    this.eventSeq += 1;
    return `evt_${String(this.eventSeq).padStart(6, '0')}_${randomBytes(6).toString('hex')}`;
  }

  /** Called after a delivery was added or changed state (persistence); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  /** Changes made while stopping (queued deliveries abandoned) are not reported: a restart sends them again. */
  private changed(): void {
    if (this.stopController.signal.aborted) return;
    for (const listener of [...this.changeListeners]) listener();
  }

  snapshot(): WebhookSnapshot {
    return { deliveries: this.records.map(snapshot), seq: this.seq, eventSeq: this.eventSeq };
  }

  /**
   * Loads persisted deliveries: final ones become history; those that were queued, sending or retrying when the
   * simulator stopped are queued again (same event_id and bytes, as Impact's retry would send them), so a restart
   * loses no webhook. Call before anything is enqueued.
   */
  restore(saved: WebhookSnapshot): void {
    if (this.records.length > 0) throw new Error('impact-sim: restore() must come before any delivery');
    this.seq = saved.seq;
    this.eventSeq = saved.eventSeq;
    for (const d of saved.deliveries) {
      let resolveSettled = (): void => undefined;
      const settled = new Promise<void>((resolve) => {
        resolveSettled = resolve;
      });
      const pending = d.state === 'queued' || d.state === 'sending' || d.state === 'retrying';
      const record: MutableDelivery = { ...d, body: structuredClone(d.body), state: pending ? 'queued' : d.state, attempts: [...d.attempts], settled, resolveSettled };
      this.records.push(record);
      if (pending) this.queue.push(record);
      else resolveSettled();
    }
    this.pump();
  }

  /** Queues a webhook (checked against the contract first: a simulator bug must not reach the relay). */
  enqueue(body: AnyImpactWebhook): WebhookDelivery {
    const checked = anyImpactWebhookSchema.parse(body);
    return snapshot(this.add(checked, JSON.stringify(checked)));
  }

  /** Sends a stored event again with the same event_id and bytes (freshly signed), like Impact's "redeliver". */
  redeliver(eventId: string): WebhookDelivery {
    const original = this.records.find((r) => r.eventId === eventId);
    if (!original) throw new Error(`impact-sim: no webhook with event_id ${eventId}`);
    return snapshot(this.add(original.body, original.rawBody));
  }

  /** Resolves when the delivery `seq` reached a final state. */
  async waitFor(seq: number): Promise<WebhookDelivery> {
    const record = this.records.find((r) => r.seq === seq);
    if (!record) throw new Error(`impact-sim: no delivery ${seq}`);
    await record.settled;
    return snapshot(record);
  }

  deliveries(filter: (d: WebhookDelivery) => boolean = () => true): WebhookDelivery[] {
    return this.records.map(snapshot).filter(filter);
  }

  /** Bodies of delivered webhooks, in delivery order. */
  delivered(): AnyImpactWebhook[] {
    return this.records.filter((r) => r.state === 'delivered').map((r) => structuredClone(r.body));
  }

  target(): string | undefined {
    return this.url;
  }

  setTarget(url: string | undefined): void {
    this.url = url;
  }

  /** Holds new deliveries in the queue (in-flight ones finish). */
  pause(): void {
    this.paused = true;
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Deliveries waiting to be sent (held while paused), in the order they would go out. */
  held(): WebhookDelivery[] {
    return this.queue.map(snapshot);
  }

  /**
   * Releases held deliveries; `reverse` sends them newest first, to test out-of-order arrival; `order` names the
   * held deliveries' `seq`s to send first, in that order (the others follow in their queued order). Deliveries
   * of one incident still go one at a time, in the resulting order.
   */
  resume(options: { reverse?: boolean; order?: readonly number[] } = {}): void {
    if (options.order) {
      const bySeq = new Map(this.queue.map((r) => [r.seq, r]));
      const unknown = options.order.filter((seq) => !bySeq.has(seq));
      if (unknown.length > 0) throw new Error(`impact-sim: deliveries ${unknown.join(', ')} are not held`);
      const first = options.order.map((seq) => bySeq.get(seq)).filter((r): r is MutableDelivery => r !== undefined);
      const rest = this.queue.filter((r) => !options.order?.includes(r.seq));
      this.queue.splice(0, this.queue.length, ...first, ...rest);
    }
    this.paused = false;
    if (options.reverse) this.queue.reverse();
    this.pump();
  }

  /** Waits until nothing is in flight (held deliveries stay queued while paused). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Abandons retries and backoff waits; queued deliveries are marked failed. For shutdown. */
  async stop(): Promise<void> {
    this.stopController.abort();
    for (const record of this.queue.splice(0)) this.finish(record, 'failed');
    await this.settle();
  }

  private add(body: AnyImpactWebhook, rawBody: string): MutableDelivery {
    this.seq += 1;
    let resolveSettled = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      resolveSettled = resolve;
    });
    const record: MutableDelivery = {
      seq: this.seq,
      eventId: body.event_id,
      event: body.event,
      incidentId: body.incident.id,
      body,
      rawBody,
      createdAt: this.options.now(),
      state: 'queued',
      attempts: [],
      settled,
      resolveSettled,
    };
    this.records.push(record);
    if (this.stopController.signal.aborted) this.finish(record, 'failed');
    else {
      this.queue.push(record);
      this.changed();
      this.pump();
    }
    return record;
  }

  /** Starts every queued delivery whose incident has none in flight, keeping per-incident order. */
  private pump(): void {
    if (this.paused) return;
    for (const record of [...this.queue]) {
      if (this.busyIncidents.has(record.incidentId)) continue;
      this.queue.splice(this.queue.indexOf(record), 1);
      this.busyIncidents.add(record.incidentId);
      const run: Promise<void> = this.deliver(record)
        .catch((error: unknown) => {
          this.finish(record, 'failed');
          (this.options.onError ?? ((e) => console.error('impact-sim: webhook delivery crashed', e)))(error);
        })
        .finally(() => {
          this.busyIncidents.delete(record.incidentId);
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }

  private finish(record: MutableDelivery, state: 'delivered' | 'failed' | 'skipped'): void {
    record.state = state;
    record.resolveSettled();
    this.changed();
  }

  private async deliver(record: MutableDelivery): Promise<void> {
    const { retry } = this.options;
    const stop = this.stopController.signal;
    for (let attempt = 1; ; attempt++) {
      const url = this.url;
      if (url === undefined) return this.finish(record, 'skipped');
      record.state = 'sending';
      const at = this.options.now();
      const outcome = await this.attempt(url, record, at);
      const last = attempt >= retry.maxAttempts || stop.aborted;
      const again = outcome.status === null || retryable(outcome.status);
      const delay = again && !last ? Math.min(retry.maxDelayMs, outcome.retryAfterMs ?? retry.baseDelayMs * 2 ** (attempt - 1)) : null;
      record.attempts.push({ at, status: outcome.status, error: outcome.error, retryInMs: delay });
      if (outcome.status !== null && outcome.status < 300) return this.finish(record, 'delivered');
      if (delay === null) return this.finish(record, 'failed');
      record.state = 'retrying';
      this.changed();
      await this.wait(delay);
    }
  }

  private async attempt(url: string, record: MutableDelivery, at: number): Promise<{ status: number | null; error: string | null; retryAfterMs: number | null }> {
    const timestamp = Math.floor(at / 1000);
    const signal = AbortSignal.any([this.stopController.signal, AbortSignal.timeout(this.options.retry.timeoutMs)]);
    try {
      const response = await this.options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'impact-sim/1',
          [IMPACT_TIMESTAMP_HEADER]: String(timestamp),
          [IMPACT_SIGNATURE_HEADER]: signImpactWebhook(this.options.secret, timestamp, record.rawBody),
          'x-impact-event': record.event,
          'x-impact-delivery': record.eventId,
        },
        body: record.rawBody,
        signal,
      });
      const text = await response.text().catch(() => '');
      const error = response.status < 300 ? null : `HTTP ${response.status}: ${text.slice(0, 500)}`;
      return { status: response.status, error, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    } catch (error) {
      return { status: null, error: describeFailure(error), retryAfterMs: null };
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    const stop = this.stopController.signal;
    return new Promise((resolve) => {
      if (stop.aborted) return resolve();
      const timer = setTimeout(() => {
        stop.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      stop.addEventListener('abort', onAbort, { once: true });
    });
  }
}
