import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventSource } from '../shared/relay-envelope';
import type { RelayErrorCode } from './errors';
import type { FailedEvent, OutboxStats } from './outbox/outbox';

export type ForwardFailureReason = 'network' | 'http-429' | 'http-5xx' | 'http-4xx' | 'bad-ack' | 'too-large';

/** Most dead letters listed one by one in /metrics (and /healthz); the counts cover all of them. */
export const DEAD_LETTERS_LISTED = 50;

/** The relay's metrics (prom-client, one registry per relay: no global state for tests to reset). */
export interface RelayMetrics {
  accepted(source: EventSource): void;
  duplicate(source: EventSource): void;
  rejected(source: EventSource, reason: RelayErrorCode): void;
  forwardAttempt(): void;
  forwardSuccess(events: number): void;
  forwardFailure(reason: ForwardFailureReason): void;
  eventsFailedPermanently(count: number): void;
  forwardLatency(seconds: number): void;
  /** Prometheus text; outbox gauges come from the snapshot read at scrape time (undefined: outbox down). */
  render(outbox: OutboxStats | undefined, nowMs: number, deadLetters?: readonly FailedEvent[]): Promise<string>;
  readonly contentType: string;
}

/** What the forwarder counts (it may run in the outbox worker thread, which hands each call to the main thread's registry). */
export type ForwarderMetrics = Pick<RelayMetrics, 'forwardAttempt' | 'forwardSuccess' | 'forwardFailure' | 'eventsFailedPermanently' | 'forwardLatency'>;

/** Label values are bounded: Prometheus stores every distinct series. */
const clip = (value: string, max = 120): string => (value.length > max ? value.slice(0, max) + '…' : value);

export function createRelayMetrics(options: { readonly defaultMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  // RSS, heap, event-loop lag, GC and handles: what operators expect from a Node service.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const accepted = new Counter({ name: 'relay_events_accepted_total', help: 'Webhook events stored in the outbox.', labelNames: ['source'], registers });
  const duplicates = new Counter({ name: 'relay_events_duplicate_total', help: 'Webhook events answered 202 as duplicates.', labelNames: ['source'], registers });
  const rejected = new Counter({ name: 'relay_events_rejected_total', help: 'Webhook requests refused, by reason.', labelNames: ['source', 'reason'], registers });
  const attempts = new Counter({ name: 'relay_forward_attempts_total', help: 'Batches POSTed to the web trigger.', registers });
  const successes = new Counter({ name: 'relay_forward_successes_total', help: 'Batches acknowledged by the web trigger.', registers });
  const forwarded = new Counter({ name: 'relay_forward_events_total', help: 'Events acknowledged by the web trigger.', registers });
  const failures = new Counter({ name: 'relay_forward_failures_total', help: 'Forward attempts that failed, by reason.', labelNames: ['reason'], registers });
  const failedEvents = new Counter({ name: 'relay_events_failed_total', help: 'Events moved to the dead-letter state (outbox failed).', registers });
  const latency = new Histogram({
    name: 'relay_forward_duration_seconds',
    help: 'Time of one POST to the web trigger.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const up = new Gauge({ name: 'relay_outbox_up', help: 'Whether the outbox answered.', registers });
  const pending = new Gauge({ name: 'relay_outbox_pending', help: 'Events waiting to be forwarded.', registers });
  const failed = new Gauge({ name: 'relay_outbox_failed', help: 'Dead letters: events kept after a permanent forward failure.', registers });
  const oldestAge = new Gauge({ name: 'relay_outbox_oldest_pending_age_seconds', help: 'Age of the oldest pending event.', registers });
  const deadBySourceReason = new Gauge({ name: 'relay_dead_letters', help: 'Dead letters by source and reason.', labelNames: ['source', 'reason'], registers });
  const deadLetter = new Gauge({
    name: 'relay_dead_letter_bytes',
    help: `Size of each dead letter (the ${DEAD_LETTERS_LISTED} most recent), labelled with its source, group key, event id and reason.`,
    labelNames: ['source', 'group_key', 'event_id', 'reason'],
    registers,
  });

  return {
    accepted: (source) => accepted.inc({ source }),
    duplicate: (source) => duplicates.inc({ source }),
    rejected: (source, reason) => rejected.inc({ source, reason }),
    forwardAttempt: () => attempts.inc(),
    forwardSuccess: (events) => {
      successes.inc();
      forwarded.inc(events);
    },
    forwardFailure: (reason) => failures.inc({ reason }),
    eventsFailedPermanently: (count) => failedEvents.inc(count),
    forwardLatency: (seconds) => latency.observe(seconds),
    contentType: registry.contentType,
    async render(outbox, nowMs, deadLetters = []) {
      up.set(outbox ? 1 : 0);
      deadBySourceReason.reset();
      deadLetter.reset();
      if (outbox) {
        pending.set(outbox.pending);
        failed.set(outbox.failed);
        oldestAge.set(outbox.oldestPendingReceivedMs === null ? 0 : Math.max(0, (nowMs - outbox.oldestPendingReceivedMs) / 1000));
        for (const row of outbox.failedByReason) deadBySourceReason.set({ source: row.source, reason: clip(row.reason) }, row.count);
        for (const d of deadLetters.slice(0, DEAD_LETTERS_LISTED)) {
          deadLetter.set({ source: d.source, group_key: clip(d.groupKey), event_id: d.id, reason: clip(d.reason) }, d.sizeBytes);
        }
      }
      return registry.metrics();
    },
  };
}
