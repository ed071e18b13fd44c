import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { eventSourceSchema } from '../../shared/relay-envelope';
import { createIdFactory, type IdFactory } from '../ids';
import { createOutbox, type GroupCommitOptions } from './outbox-impl';
import type { AcceptResult, FailedEvent, NewEvent, Outbox, OutboxStats, StoredEvent, StoreExecutor, StoreRequest, StoreResults } from './outbox';
import { migrate } from './postgres-migrate';

export interface PostgresOutboxOptions extends GroupCommitOptions {
  readonly url: string;
  /** How long a claimed event stays with this instance before another may forward it. */
  readonly leaseMs: number;
  /** Names this instance in lease_owner; random by default. */
  readonly instanceId?: string;
  readonly poolSize?: number;
  readonly newId?: IdFactory;
  /** Milliseconds since the epoch, for leases. */
  readonly clock?: () => number;
  /** Idle-client errors (PostgreSQL restarted): the pool replaces the client; we only report them. */
  readonly onPoolError?: (error: Error) => void;
}

interface EventRow {
  seq: string;
  id: string;
  source: string;
  received_at: string;
  group_key: string;
  body: string;
}

/**
 * The outbox on PostgreSQL, shared by every relay instance (high availability):
 * - accept: one statement per group commit, committed on its own (a batch holding one key twice goes one by one in a
 *   transaction); the dedup row's primary key decides between instances that
 *   receive the same webhook (the second waits on the first's row lock, then sees it as a duplicate);
 *   `seq` (bigint identity) is the event's sequence, so a webhook received after another was acknowledged
 *   always has a higher one, whichever instance took either.
 * - pending: claims the oldest unleased (or lease-expired) events with FOR UPDATE SKIP LOCKED and leases
 *   them to this instance, so instances forward disjoint events and a dead instance's events are forwarded
 *   by the others once its lease ends. A lease that ends mid-forward can only re-send an event; the web
 *   trigger drops it by id.
 * Durability: a 202 follows COMMIT, which PostgreSQL makes durable (synchronous_commit=on, the default).
 */
export async function openPostgresOutbox(options: PostgresOutboxOptions): Promise<Outbox> {
  const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 8, connectionTimeoutMillis: 5_000 });
  pool.on('error', (error) => options.onPoolError?.(error));
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const newId = options.newId ?? createIdFactory();
  const owner = options.instanceId ?? `relay-${randomBytes(6).toString('hex')}`;
  const clock = options.clock ?? Date.now;

  async function inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A checked-out client reports a lost connection as an 'error' event the pool no longer listens to:
    // unhandled, it would crash the relay when PostgreSQL restarts. The query fails too, and that is the 503.
    const onError = (error: Error) => options.onPoolError?.(error);
    client.on('error', onError);
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      // After a failure the connection may be broken: destroy it rather than hand it out again.
      client.release(failure);
    }
  }

  /** One event after another: the path for a group commit holding the same dedup key twice (HA replicas). */
  async function acceptOneByOne(client: PoolClient, events: readonly NewEvent[]): Promise<AcceptResult[]> {
    const results: AcceptResult[] = [];
    for (const event of events) {
      const id = newId(event.receivedMs);
      // Takes the key when it is new or its window has passed; otherwise returns nothing.
      const claimed = await client.query(
        `INSERT INTO relay_dedup (source, key, event_id, expires_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (source, key) DO UPDATE SET event_id = EXCLUDED.event_id, expires_ms = EXCLUDED.expires_ms
         WHERE relay_dedup.expires_ms <= $5
         RETURNING event_id`,
        [event.source, event.dedup.key, id, event.receivedMs + event.dedup.windowMs, event.receivedMs],
      );
      if (claimed.rowCount === 0) {
        const seen = await client.query<{ event_id: string }>('SELECT event_id FROM relay_dedup WHERE source = $1 AND key = $2', [event.source, event.dedup.key]);
        results.push({ id: seen.rows[0]?.event_id ?? id, duplicate: true });
        continue;
      }
      await client.query('INSERT INTO relay_events (id, source, received_ms, received_at, group_key, body) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        event.source,
        event.receivedMs,
        new Date(event.receivedMs).toISOString(),
        event.groupKey,
        event.bodyJson,
      ]);
      results.push({ id, duplicate: false });
    }
    return results;
  }

  /**
   * The whole group commit in one statement (one round trip instead of two or three per event): claim every
   * dedup key (in key order, so two instances lock shared keys in the same order and cannot deadlock), insert
   * the events whose key was claimed (in accept order, so `seq` follows it), and report which were stored.
   * Only for batches whose keys are distinct: ON CONFLICT DO UPDATE may touch a row once per statement.
   */
  async function acceptBatch(client: Pick<PoolClient, 'query'>, events: readonly NewEvent[]): Promise<AcceptResult[]> {
    const ids = events.map((e) => newId(e.receivedMs));
    const { rows } = await client.query<{ ord: number; stored: boolean }>(
      `WITH input AS (
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[])
           AS t(ord, source, key, id, received_ms, expires_ms, received_at, group_key, body)
       ), claimed AS (
         INSERT INTO relay_dedup AS d (source, key, event_id, expires_ms)
         SELECT source, key, id, expires_ms FROM input ORDER BY source, key
         ON CONFLICT (source, key) DO UPDATE SET event_id = EXCLUDED.event_id, expires_ms = EXCLUDED.expires_ms
         WHERE d.expires_ms <= (SELECT i.received_ms FROM input i WHERE i.source = EXCLUDED.source AND i.key = EXCLUDED.key)
         RETURNING event_id
       ), stored AS (
         INSERT INTO relay_events (id, source, received_ms, received_at, group_key, body)
         SELECT i.id, i.source, i.received_ms, i.received_at, i.group_key, i.body FROM input i JOIN claimed c ON c.event_id = i.id ORDER BY i.ord
         RETURNING id
       )
       SELECT i.ord, s.id IS NOT NULL AS stored FROM input i LEFT JOIN stored s ON s.id = i.id ORDER BY i.ord`,
      [
        events.map((_, i) => i),
        events.map((e) => e.source),
        events.map((e) => e.dedup.key),
        ids,
        events.map((e) => e.receivedMs),
        events.map((e) => e.receivedMs + e.dedup.windowMs),
        events.map((e) => new Date(e.receivedMs).toISOString()),
        events.map((e) => e.groupKey),
        events.map((e) => e.bodyJson),
      ],
    );
    const stored = new Set(rows.filter((r) => r.stored).map((r) => r.ord));
    const dupes = events.filter((_, i) => !stored.has(i));
    // A duplicate answers with the id of the event that holds its key (read after the claim).
    const holders = new Map<string, string>();
    if (dupes.length > 0) {
      const seen = await client.query<{ source: string; key: string; event_id: string }>(
        'SELECT d.source, d.key, d.event_id FROM relay_dedup d JOIN unnest($1::text[], $2::text[]) AS t(source, key) ON d.source = t.source AND d.key = t.key',
        [dupes.map((e) => e.source), dupes.map((e) => e.dedup.key)],
      );
      for (const row of seen.rows) holders.set(`${row.source}\n${row.key}`, row.event_id);
    }
    return events.map((event, i): AcceptResult => {
      const id = ids[i] ?? '';
      return stored.has(i) ? { id, duplicate: false } : { id: holders.get(`${event.source}\n${event.dedup.key}`) ?? id, duplicate: true };
    });
  }

  async function accept(events: readonly NewEvent[]): Promise<AcceptResult[]> {
    const keys = new Set(events.map((e) => `${e.source}\n${e.dedup.key}`));
    // Distinct keys: the claim and the inserts are one statement, which PostgreSQL commits atomically (and durably,
    // synchronous_commit=on) on its own, so no BEGIN/COMMIT round trips; the holders of duplicates are read after it.
    if (keys.size === events.length) return acceptBatch(pool, events);
    return inTransaction((client) => acceptOneByOne(client, events));
  }

  async function claim(limit: number): Promise<StoredEvent[]> {
    const now = clock();
    const { rows } = await pool.query<EventRow>(
      `UPDATE relay_events SET lease_owner = $1, lease_until_ms = $2
       WHERE seq IN (
         SELECT seq FROM relay_events
         WHERE state = 'pending' AND (lease_until_ms IS NULL OR lease_until_ms <= $3 OR lease_owner = $1)
         ORDER BY seq LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING seq, id, source, received_at, group_key, body`,
      [owner, now + options.leaseMs, now, limit],
    );
    return rows
      .map((row): StoredEvent => ({ id: row.id, source: eventSourceSchema.parse(row.source), receivedAt: row.received_at, sequence: Number(row.seq), groupKey: row.group_key, bodyJson: row.body }))
      .sort((a, b) => a.sequence - b.sequence);
  }

  async function stats(): Promise<OutboxStats> {
    const counts = await pool.query<{ state: string; n: string; oldest: string | null }>('SELECT state, COUNT(*) AS n, MIN(received_ms) AS oldest FROM relay_events GROUP BY state');
    let pending = 0;
    let failed = 0;
    let oldestPendingReceivedMs: number | null = null;
    for (const row of counts.rows) {
      if (row.state === 'pending') {
        pending = Number(row.n);
        oldestPendingReceivedMs = row.oldest === null ? null : Number(row.oldest);
      } else failed = Number(row.n);
    }
    const reasons =
      failed === 0
        ? []
        : (
            await pool.query<{ source: string; reason: string | null; n: string }>(
              "SELECT source, failed_reason AS reason, COUNT(*) AS n FROM relay_events WHERE state = 'failed' GROUP BY source, failed_reason ORDER BY COUNT(*) DESC LIMIT 20",
            )
          ).rows.map((r) => ({ source: eventSourceSchema.parse(r.source), reason: r.reason ?? 'unknown', count: Number(r.n) }));
    return { pending, failed, oldestPendingReceivedMs, failedByReason: reasons };
  }

  async function failedEvents(limit: number): Promise<FailedEvent[]> {
    const { rows } = await pool.query<{ seq: string; id: string; source: string; group_key: string; received_at: string; size: number; failed_reason: string | null; failed_ms: string | null }>(
      "SELECT seq, id, source, group_key, received_at, octet_length(body) AS size, failed_reason, failed_ms FROM relay_events WHERE state = 'failed' ORDER BY failed_ms DESC, seq DESC LIMIT $1",
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      source: eventSourceSchema.parse(r.source),
      groupKey: r.group_key,
      sequence: Number(r.seq),
      receivedAt: r.received_at,
      sizeBytes: Number(r.size),
      reason: r.failed_reason ?? 'unknown',
      failedAt: new Date(Number(r.failed_ms ?? 0)).toISOString(),
    }));
  }

  async function run(request: StoreRequest): Promise<StoreResults[StoreRequest['op']]> {
    switch (request.op) {
      case 'accept':
        return accept(request.events);
      case 'pending':
        return claim(request.limit);
      case 'remove':
        return (await pool.query('DELETE FROM relay_events WHERE id = ANY($1::text[])', [request.ids])).rowCount ?? 0;
      case 'markFailed':
        return (
          (
            await pool.query(
              "UPDATE relay_events SET state = 'failed', failed_reason = $1, failed_ms = $2, lease_owner = NULL, lease_until_ms = NULL WHERE id = ANY($3::text[]) AND state = 'pending'",
              [request.reason, request.nowMs, request.ids],
            )
          ).rowCount ?? 0
        );
      case 'requeueFailed': {
        const base = "UPDATE relay_events SET state = 'pending', failed_reason = NULL, failed_ms = NULL, lease_owner = NULL, lease_until_ms = NULL WHERE state = 'failed'";
        const result = request.ids === undefined ? await pool.query(base) : await pool.query(`${base} AND id = ANY($1::text[])`, [request.ids]);
        return result.rowCount ?? 0;
      }
      case 'failed':
        return failedEvents(request.limit);
      case 'stats':
        return stats();
      case 'pruneDedup':
        return (await pool.query('DELETE FROM relay_dedup WHERE expires_ms <= $1', [request.nowMs])).rowCount ?? 0;
    }
  }

  let closed = false;
  const executor: StoreExecutor = {
    // The switch returns the result for request.op; TypeScript cannot narrow a generic through it.
    call: <R extends StoreRequest>(request: R) => (closed ? Promise.reject(new Error('outbox is closed')) : (run(request) as Promise<StoreResults[R['op']]>)),
    close: async () => {
      closed = true;
      await pool.end();
    },
  };
  return createOutbox(executor, options);
}
