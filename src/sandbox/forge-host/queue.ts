import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SqliteDatabase } from './database';
import type { ForgeManifest } from './manifest';
import type { InvocationResult, Invoker } from './invoker';
import { concurrencyBackoffMs, type FidelityRuntime } from './fidelity';

/**
 * Forge async events limits per installation [D limits-async-events, updated 2026-02-26]: 50 events and
 * 200 KB per push, 500 events pushed per minute, 4 KB retryData; 100 KB per event when the consumer's
 * function specifies a timeout over 55 s. Delay 0–900 s [V @forge/events out/validators.js].
 */
export const QUEUE_LIMITS = {
  maxEventsPerPush: 50,
  maxPushBytes: 200 * 1024,
  maxDelaySeconds: 900,
  maxRetryAfterSeconds: 900,
  eventsPerMinute: 500,
  maxRetryDataBytes: 4 * 1024,
  maxEventBytesLongRunning: 100 * 1024,
  longRunningAboveSeconds: 55,
} as const;

/**
 * Retry policy. Atlassian's current docs retry within a 24 h retention window with exponential backoff
 * (up to ~15 min between attempts); earlier docs capped app-requested retries at 4. The host applies
 * both: at most `maxRetries` retries (default 4) and never past the retention window.
 */
export const DEFAULT_MAX_RETRIES = 4;
export const RETENTION_WINDOW_MS = 24 * 3_600_000;
const ERROR_BACKOFF_BASE_SECONDS = 10;

export type QueueEventStatus = 'ready' | 'running' | 'done' | 'failed' | 'cancelled';

export interface QueueStats {
  readonly ready: number;
  /** Ready but not yet due (delayInSeconds / retryAfter in the future, by the injected clock). */
  readonly delayed: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly retries: number;
  /** Times a due event found its concurrency key busy and was postponed (Forge fidelity). */
  readonly postponements: number;
  /** Events delivered a second time by the chaos option. */
  readonly duplicates: number;
}

export interface FailedQueueEvent {
  readonly eventId: string;
  readonly jobId: string;
  readonly queueName: string;
  readonly body: unknown;
  readonly retryCount: number;
  readonly lastError: string;
}

export interface QueueOptions {
  readonly db: SqliteDatabase;
  readonly clock: () => number;
  readonly manifest: ForgeManifest;
  readonly invoker: Invoker;
  /** Second argument for consumer handlers (installContext, ...). */
  readonly invocationContext: () => Record<string, unknown>;
  readonly workers: number;
  readonly maxRetries: number;
  /** null disables the 500 events/min publish limit. */
  readonly eventsPerMinute: number | null;
  /** Real-time re-check period while delayed events wait. */
  readonly pollMs: number;
  /** Delivery order, concurrency postponement, chaos; see fidelity.ts. */
  readonly fidelity: FidelityRuntime;
  /** Clock of holds (postponements, chaos): real time, whatever the injected clock does. */
  readonly monotonicNow: () => number;
}

const pushEventSchema = z.object({
  body: z.record(z.string(), z.unknown()),
  delayInSeconds: z.number().optional(),
  concurrency: z.object({ key: z.string().min(1), limit: z.number().int().min(1) }).optional(),
});
const publishSchema = z.object({ queueName: z.string().regex(/^[a-zA-Z0-9-_]+$/), jobId: z.string().min(1), payload: z.array(z.unknown()), time: z.string().optional() }).loose();
const jobRequestSchema = z.object({ queueName: z.string(), jobId: z.string().min(1) }).loose();
const retryRequestSchema = z.object({
  _retry: z.literal(true),
  retryOptions: z.object({ retryAfter: z.number().optional(), retryReason: z.string().optional(), retryData: z.unknown().optional() }).loose().optional(),
});

interface EventRow {
  seq: number;
  event_id: string;
  job_id: string;
  queue_name: string;
  body: string;
  delay_seconds: number | null;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  enqueued_at: number;
  due_at: number;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  hold_until: number;
  postpone_count: number;
  redelivered: number;
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Durable async-event queue: SQLite rows, a bounded worker pool, per-key concurrency, retries. */
export class AsyncEventQueue {
  private readonly runningByKey = new Map<string, number>();
  private running = 0;
  private readonly waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Real time (Date.now) the armed timer fires at: re-armed when something is due sooner. */
  private timerAt = 0;
  private closed = false;
  private readonly publishTimes: number[] = [];

  constructor(private readonly o: QueueOptions) {
    // At-least-once: whatever was running when the previous host stopped is delivered again.
    o.db.prepare("UPDATE queue_events SET status = 'ready' WHERE status = 'running'").run();
  }

  /** Answers `/webhook/queue/{publish,stats,cancel}/...` like the Forge service. */
  handleWire(path: string, rawBody: string): Response {
    let body: unknown;
    try {
      body = JSON.parse(rawBody) as unknown;
    } catch {
      return json(400, { message: 'Invalid JSON body' });
    }
    if (path.startsWith('/webhook/queue/publish/')) return this.publish(body, rawBody);
    const job = jobRequestSchema.safeParse(body);
    if (!job.success) return json(400, { message: 'Invalid request' });
    if (path.startsWith('/webhook/queue/stats/')) return this.jobStats(job.data.jobId);
    if (path.startsWith('/webhook/queue/cancel/')) return this.cancel(job.data.jobId);
    return json(404, { message: `Unknown queue operation ${path}` });
  }

  private publish(body: unknown, rawBody: string): Response {
    const req = publishSchema.safeParse(body);
    if (!req.success) return json(400, { message: 'Invalid push request' });
    const events: z.infer<typeof pushEventSchema>[] = [];
    for (const raw of req.data.payload) {
      const e = pushEventSchema.safeParse(raw);
      if (!e.success) return json(400, { message: 'Event body must be an object.' });
      events.push(e.data);
    }
    if (events.length === 0 || events.length > QUEUE_LIMITS.maxEventsPerPush) {
      return json(400, { message: `Between 1 and ${QUEUE_LIMITS.maxEventsPerPush} events can be pushed at once.` });
    }
    if (Buffer.byteLength(JSON.stringify(events)) > QUEUE_LIMITS.maxPushBytes || Buffer.byteLength(rawBody) > QUEUE_LIMITS.maxPushBytes + 4096) {
      return json(413, { errorMessage: `The maximum payload size is ${QUEUE_LIMITS.maxPushBytes / 1024}KB.` });
    }
    if (events.some((e) => e.delayInSeconds !== undefined && (e.delayInSeconds < 0 || e.delayInSeconds > QUEUE_LIMITS.maxDelaySeconds))) {
      return json(400, { message: 'The delayInSeconds setting must be between 0 and 900.' });
    }
    const perEventLimit = this.perEventByteLimit(req.data.queueName);
    const failedEvents: { index: string; errorMessage: string }[] = [];
    const accepted = events.filter((e, index) => {
      const bytes = Buffer.byteLength(JSON.stringify(req.data.payload[index]));
      if (perEventLimit === null || bytes <= perEventLimit) return true;
      failedEvents.push({ index: String(index), errorMessage: `The event is ${bytes} bytes; the maximum for a consumer with a timeout over 55 seconds is ${perEventLimit / 1024}KB.` });
      return false;
    });
    // [A] Which answer Forge gives for the per-event limit is not documented. The host rejects the push with
    // 413 (PayloadTooBigError) when no event fits, and otherwise records the others and answers 202 with
    // `failedEvents` (PartialSuccessError: "some pushed events were not recorded... each event can have a
    // different reason" [D async-events-api-error-handling]); the app must cope with both.
    if (accepted.length === 0) return json(413, { errorMessage: failedEvents.map((f) => f.errorMessage).join(' ') });
    const now = this.o.clock();
    if (this.o.eventsPerMinute !== null) {
      while (this.publishTimes.length > 0 && (this.publishTimes[0] ?? 0) <= now - 60_000) this.publishTimes.shift();
      // 429 → RateLimitError [V validators.js]; the whole push is refused [A: partial acceptance undocumented].
      if (this.publishTimes.length + accepted.length > this.o.eventsPerMinute) return json(429, { message: 'Rate limit exceeded' });
      for (let i = 0; i < accepted.length; i += 1) this.publishTimes.push(now);
    }
    const insert = this.o.db.prepare(
      `INSERT INTO queue_events (event_id, job_id, queue_name, body, delay_seconds, concurrency_key, concurrency_limit, enqueued_at, due_at, status, hold_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?)`,
    );
    this.o.db.transaction(() => {
      for (const e of accepted) {
        const delay = e.delayInSeconds ?? 0;
        insert.run(randomUUID(), req.data.jobId, req.data.queueName, JSON.stringify(e.body), e.delayInSeconds ?? null, e.concurrency?.key ?? null, e.concurrency?.limit ?? null, now, now + delay * 1000, this.chaosHold());
      }
    })();
    this.kick();
    // 201 ok; 202 → PartialSuccessError with failedEvents[i].payload = payload[index] [V validators.js].
    return failedEvents.length > 0 ? json(202, { failedEvents }) : json(201, {});
  }

  /** 100 KB when the queue's consumer function specifies timeoutSeconds > 55, else none beyond the push limit. */
  private perEventByteLimit(queueName: string): number | null {
    const consumer = this.o.manifest.consumers.find((c) => c.queue === queueName);
    const timeout = consumer ? this.o.manifest.functions.get(consumer.function)?.timeoutSeconds : undefined;
    return timeout !== undefined && timeout > QUEUE_LIMITS.longRunningAboveSeconds ? QUEUE_LIMITS.maxEventBytesLongRunning : null;
  }

  /** Chaos: a random hold before (re)delivery, so events overtake each other across keys. 0 when off. */
  private chaosHold(): number {
    const { fidelity } = this.o;
    const chaos = fidelity.forge ? fidelity.settings.chaos : null;
    if (!chaos) return 0;
    return this.o.monotonicNow() + fidelity.random() * chaos.reorderWindowMs * fidelity.settings.timeFactor;
  }

  private jobStats(jobId: string): Response {
    const rows = this.o.db.prepare('SELECT status, COUNT(*) AS n FROM queue_events WHERE job_id = ? GROUP BY status').all(jobId) as { status: QueueEventStatus; n: number }[];
    if (rows.length === 0) return json(404, { message: 'Job not found' });
    const count = (s: QueueEventStatus): number => rows.find((r) => r.status === s)?.n ?? 0;
    return json(200, { success: count('done'), inProgress: count('ready') + count('running'), failed: count('failed') });
  }

  private cancel(jobId: string): Response {
    const exists = this.o.db.prepare('SELECT 1 FROM queue_events WHERE job_id = ? LIMIT 1').get(jobId);
    if (!exists) return json(404, { message: 'Job not found' });
    this.o.db.prepare("UPDATE queue_events SET status = 'cancelled', finished_at = ? WHERE job_id = ? AND status = 'ready'").run(this.o.clock(), jobId);
    return new Response(null, { status: 204 });
  }

  /** Starts as many due events as the pool and the concurrency keys allow. */
  kick(): void {
    if (this.closed) return;
    const now = this.o.clock();
    while (this.running < this.o.workers) {
      const next = this.nextRunnable(now);
      if (!next) break;
      this.o.db.prepare("UPDATE queue_events SET status = 'running' WHERE seq = ?").run(next.seq);
      this.running += 1;
      if (next.concurrency_key !== null) this.runningByKey.set(next.concurrency_key, (this.runningByKey.get(next.concurrency_key) ?? 0) + 1);
      void this.process(next).finally(() => {
        this.running -= 1;
        if (next.concurrency_key !== null) this.runningByKey.set(next.concurrency_key, (this.runningByKey.get(next.concurrency_key) ?? 1) - 1);
        this.kick();
        this.notify();
      });
    }
    this.armTimer(now);
  }

  private hasCapacity(row: EventRow): boolean {
    return row.concurrency_key === null || (this.runningByKey.get(row.concurrency_key) ?? 0) < (row.concurrency_limit ?? 1);
  }

  private nextRunnable(now: number): EventRow | undefined {
    const mono = this.o.monotonicNow();
    const candidates = this.o.db
      .prepare("SELECT * FROM queue_events WHERE status = 'ready' AND due_at <= ? AND hold_until <= ? ORDER BY due_at, seq LIMIT 200")
      .all(now, mono) as EventRow[];
    const { fidelity } = this.o;
    // Deterministic mode: FIFO, a blocked event simply waits for its key.
    if (!fidelity.forge) return candidates.find((c) => this.hasCapacity(c));
    // Forge: no order among due events, with or without a key ("like a non-FIFO SQS queue") [C, FORGE-NOTES §2];
    // an event that finds its key busy is postponed with exponential backoff, not parked in line (see
    // CONCURRENCY_BACKOFF): whichever try comes first after the key frees up runs, so later events often win.
    const postpone = this.o.db.prepare('UPDATE queue_events SET hold_until = ?, postpone_count = postpone_count + 1 WHERE seq = ?');
    for (const c of fidelity.shuffle(candidates)) {
      if (this.hasCapacity(c)) return c;
      postpone.run(mono + concurrencyBackoffMs(c.postpone_count, fidelity.random) * fidelity.settings.timeFactor, c.seq);
    }
    return undefined;
  }

  private armTimer(now: number): void {
    if (this.closed) return;
    const next = this.o.db.prepare("SELECT MIN(due_at) AS due FROM queue_events WHERE status = 'ready'").get() as { due: number | null };
    if (next.due === null) return;
    const held = this.o.db.prepare("SELECT MIN(hold_until) AS hold FROM queue_events WHERE status = 'ready' AND due_at <= ? AND hold_until > 0").get(now) as { hold: number | null };
    const untilHold = held.hold === null ? Infinity : held.hold - this.o.monotonicNow();
    const wait = Math.max(0, Math.min(next.due - now, untilHold, this.o.pollMs));
    if (this.timer) {
      if (this.timerAt <= Date.now() + wait) return;
      clearTimeout(this.timer);
    }
    this.timerAt = Date.now() + wait;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, wait);
    this.timer.unref();
  }

  private async process(row: EventRow): Promise<void> {
    const consumer = this.o.manifest.consumers.find((c) => c.queue === row.queue_name);
    if (!consumer) {
      this.finish(row.seq, 'failed', `no consumer for queue '${row.queue_name}'`);
      return;
    }
    const now = this.o.clock();
    const event = {
      body: JSON.parse(row.body) as unknown,
      queueName: row.queue_name,
      jobId: row.job_id,
      eventId: row.event_id,
      ...(row.delay_seconds !== null ? { delayInSeconds: row.delay_seconds } : {}),
      ...(row.concurrency_key !== null ? { concurrency: { key: row.concurrency_key, limit: row.concurrency_limit ?? 1 } } : {}),
      ...(row.retry_count > 0
        ? {
            retryContext: {
              retryCount: row.retry_count,
              retryReason: row.retry_reason ?? 'FUNCTION_RETRY_REQUEST',
              retryData: row.retry_data === null ? undefined : (JSON.parse(row.retry_data) as unknown),
              retentionWindow: { startTime: new Date(row.enqueued_at).toISOString(), remainingTimeMs: Math.max(0, row.enqueued_at + RETENTION_WINDOW_MS - now) },
            },
          }
        : {}),
    };
    let result: InvocationResult;
    try {
      result = await this.o.invoker.invoke({
        functionKey: consumer.function,
        moduleKey: consumer.key,
        kind: 'consumer',
        accountId: undefined,
        args: [event, this.o.invocationContext()],
        classify: (value) => (retryRequestSchema.safeParse(value).success ? 'retry-requested' : 'ok'),
      });
    } catch (error) {
      result = { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
    }
    this.settle(row, result);
  }

  private settle(row: EventRow, result: InvocationResult): void {
    // After close() the database may be gone; the row stays 'running' and the next host redelivers it.
    if (this.closed) return;
    switch (result.kind) {
      case 'ok': {
        const retry = retryRequestSchema.safeParse(result.value);
        if (!retry.success) {
          if (this.redeliverByChaos(row)) return;
          this.finish(row.seq, 'done', null);
          return;
        }
        const opts = retry.data.retryOptions;
        const retryDataBytes = opts?.retryData === undefined ? 0 : Buffer.byteLength(JSON.stringify(opts.retryData));
        // [D] retryData ≤ 4 KB; [A] an oversized one ends the event (ECO-759: such a retry is not retried).
        if (retryDataBytes > QUEUE_LIMITS.maxRetryDataBytes) {
          this.finish(row.seq, 'failed', `retryData is ${retryDataBytes} bytes; Forge allows ${QUEUE_LIMITS.maxRetryDataBytes / 1024} KB`);
          return;
        }
        const after = Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, Math.max(1, opts?.retryAfter ?? 1));
        this.retryOrFail(row, after, opts?.retryReason ?? 'FUNCTION_RETRY_REQUEST', opts?.retryData, 'retry requested by InvocationError');
        return;
      }
      case 'error':
        this.retryOrFail(row, this.backoffSeconds(row.retry_count), 'FUNCTION_ERR', undefined, `${result.error.name}: ${result.error.message}`);
        return;
      case 'timeout':
        this.retryOrFail(row, this.backoffSeconds(row.retry_count), 'FUNCTION_TIME_OUT', undefined, `timed out after ${result.limitMs} ms`);
        return;
    }
  }

  /** Chaos: a finished event comes back once more (at-least-once delivery), after a random hold. */
  private redeliverByChaos(row: EventRow): boolean {
    const { fidelity } = this.o;
    const chaos = fidelity.forge ? fidelity.settings.chaos : null;
    if (!chaos || row.redelivered !== 0 || fidelity.random() >= chaos.duplicateRate) return false;
    this.o.db.prepare("UPDATE queue_events SET status = 'ready', redelivered = 1, hold_until = ? WHERE seq = ? AND status = 'running'").run(this.chaosHold(), row.seq);
    return true;
  }

  private backoffSeconds(retryCount: number): number {
    return Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, ERROR_BACKOFF_BASE_SECONDS * 2 ** retryCount);
  }

  private retryOrFail(row: EventRow, afterSeconds: number, reason: string, retryData: unknown, error: string): void {
    const due = this.o.clock() + afterSeconds * 1000;
    if (row.retry_count >= this.o.maxRetries || due - row.enqueued_at > RETENTION_WINDOW_MS) {
      this.finish(row.seq, 'failed', `${error} (gave up after ${row.retry_count} retries)`);
      return;
    }
    this.o.db
      .prepare("UPDATE queue_events SET status = 'ready', due_at = ?, retry_count = retry_count + 1, retry_reason = ?, retry_data = ?, last_error = ? WHERE seq = ? AND status = 'running'")
      .run(due, reason, retryData === undefined ? null : JSON.stringify(retryData), error, row.seq);
  }

  private finish(seq: number, status: 'done' | 'failed', error: string | null): void {
    this.o.db.prepare('UPDATE queue_events SET status = ?, last_error = COALESCE(?, last_error), finished_at = ? WHERE seq = ?').run(status, error, this.o.clock(), seq);
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private hasDueWork(): boolean {
    const row = this.o.db.prepare("SELECT 1 FROM queue_events WHERE status = 'ready' AND due_at <= ? LIMIT 1").get(this.o.clock());
    return row !== undefined;
  }

  /** Resolves once nothing is running and nothing is due now; delayed events (future due time) do not block it. */
  async drain(): Promise<void> {
    while (!this.closed) {
      this.kick();
      if (this.running === 0 && !this.hasDueWork()) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  stats(): QueueStats {
    const now = this.o.clock();
    const rows = this.o.db
      .prepare(
        "SELECT status, (status = 'ready' AND due_at > ?) AS delayed, COUNT(*) AS n, SUM(retry_count) AS r, SUM(postpone_count) AS p, SUM(redelivered) AS d FROM queue_events GROUP BY status, delayed",
      )
      .all(now) as { status: QueueEventStatus; delayed: number; n: number; r: number | null; p: number | null; d: number | null }[];
    const sum = (pred: (r: (typeof rows)[number]) => boolean): number => rows.filter(pred).reduce((a, r) => a + r.n, 0);
    return {
      ready: sum((r) => r.status === 'ready' && r.delayed === 0),
      delayed: sum((r) => r.status === 'ready' && r.delayed === 1),
      running: sum((r) => r.status === 'running'),
      done: sum((r) => r.status === 'done'),
      failed: sum((r) => r.status === 'failed'),
      cancelled: sum((r) => r.status === 'cancelled'),
      retries: rows.reduce((a, r) => a + (r.r ?? 0), 0),
      postponements: rows.reduce((a, r) => a + (r.p ?? 0), 0),
      duplicates: rows.reduce((a, r) => a + (r.d ?? 0), 0),
    };
  }

  failedEvents(): FailedQueueEvent[] {
    const rows = this.o.db.prepare("SELECT * FROM queue_events WHERE status = 'failed' ORDER BY seq").all() as (EventRow & { last_error: string | null })[];
    return rows.map((r) => ({ eventId: r.event_id, jobId: r.job_id, queueName: r.queue_name, body: JSON.parse(r.body) as unknown, retryCount: r.retry_count, lastError: r.last_error ?? '' }));
  }

  /** Events the consumer finished, in completion order: tests check what reached it, and how often. */
  completedEvents(): { readonly eventId: string; readonly body: unknown; readonly retryCount: number }[] {
    const rows = this.o.db.prepare("SELECT event_id, body, retry_count FROM queue_events WHERE status = 'done' ORDER BY seq").all() as Pick<EventRow, 'event_id' | 'body' | 'retry_count'>[];
    return rows.map((r) => ({ eventId: r.event_id, body: JSON.parse(r.body) as unknown, retryCount: r.retry_count }));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.notify();
  }
}
