import type { EventSource } from '../shared/relay-envelope';
import type { RelayErrorCode } from './errors';
import type { OutboxStats } from './outbox/outbox';

export type ForwardFailureReason = 'network' | 'http-429' | 'http-5xx' | 'http-4xx' | 'bad-ack' | 'too-large';

/** The relay's counters; rendered in Prometheus text exposition format 0.0.4. */
export interface RelayMetrics {
  accepted(source: EventSource): void;
  duplicate(source: EventSource): void;
  rejected(source: EventSource, reason: RelayErrorCode): void;
  forwardAttempt(): void;
  forwardSuccess(events: number): void;
  forwardFailure(reason: ForwardFailureReason): void;
  eventsFailedPermanently(count: number): void;
  forwardLatency(seconds: number): void;
  render(outbox: OutboxStats | undefined, nowMs: number): string;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

type Labels = Readonly<Record<string, string>>;

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = formatLabels(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly counts = LATENCY_BUCKETS.map(() => 0);
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  observe(value: number): void {
    LATENCY_BUCKETS.forEach((le, i) => {
      if (value <= le) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
    this.sum += value;
    this.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i] ?? 0}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return '{' + entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',') + '}';
}

function gauge(name: string, help: string, value: number, labels: Labels = {}): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${formatLabels(labels)} ${value}`];
}

export function createRelayMetrics(): RelayMetrics {
  const accepted = new Counter('relay_events_accepted_total', 'Webhook events stored in the outbox.');
  const duplicates = new Counter('relay_events_duplicate_total', 'Webhook events answered 202 as duplicates.');
  const rejected = new Counter('relay_events_rejected_total', 'Webhook requests refused, by reason.');
  const attempts = new Counter('relay_forward_attempts_total', 'Batches POSTed to the web trigger.');
  const successes = new Counter('relay_forward_successes_total', 'Batches acknowledged by the web trigger.');
  const forwarded = new Counter('relay_forward_events_total', 'Events acknowledged by the web trigger.');
  const failures = new Counter('relay_forward_failures_total', 'Forward attempts that failed, by reason.');
  const failedEvents = new Counter('relay_events_failed_total', 'Events marked failed permanently.');
  const latency = new Histogram('relay_forward_duration_seconds', 'Time of one POST to the web trigger.');

  return {
    accepted: (source) => accepted.inc({ source }),
    duplicate: (source) => duplicates.inc({ source }),
    rejected: (source, reason) => rejected.inc({ source, reason }),
    forwardAttempt: () => attempts.inc(),
    forwardSuccess: (events) => {
      successes.inc();
      forwarded.inc({}, events);
    },
    forwardFailure: (reason) => failures.inc({ reason }),
    eventsFailedPermanently: (count) => failedEvents.inc({}, count),
    forwardLatency: (seconds) => latency.observe(seconds),
    render(outbox, nowMs) {
      const lines = [accepted, duplicates, rejected, attempts, successes, forwarded, failures, failedEvents].flatMap((c) => c.render());
      lines.push(...latency.render());
      lines.push(...gauge('relay_outbox_up', 'Whether the outbox answered.', outbox ? 1 : 0));
      if (outbox) {
        lines.push(...gauge('relay_outbox_pending', 'Events waiting to be forwarded.', outbox.pending));
        lines.push(...gauge('relay_outbox_failed', 'Events kept after a permanent forward failure.', outbox.failed));
        const age = outbox.oldestPendingReceivedMs === null ? 0 : Math.max(0, (nowMs - outbox.oldestPendingReceivedMs) / 1000);
        lines.push(...gauge('relay_outbox_oldest_pending_age_seconds', 'Age of the oldest pending event.', age));
      }
      return lines.join('\n') + '\n';
    },
  };
}
