import Database from 'better-sqlite3';
import { closeSync, fdatasync, openSync } from 'node:fs';
import { eventSourceSchema } from '../../shared/relay-envelope';
import { createIdFactory, type IdFactory } from '../ids';
import { RecentDedupIndex } from './recent-dedup';
import type { AcceptResult, FailedEvent, NewEvent, OutboxStats, StoredEvent, StoreRequest, StoreResults } from './outbox';

/** The first schema (no user_version). Kept as written: an existing file was made by it, a new one starts from it. */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  group_key TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  failed_reason TEXT,
  failed_ms INTEGER
);
CREATE INDEX IF NOT EXISTS events_state_seq ON events (state, seq);
CREATE TABLE IF NOT EXISTS dedup (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_expires ON dedup (expires_ms);
`;

/**
 * Version 2: every index an accept had to update and did not need goes.
 * - `events_state_seq` indexed every row for a query that reads pending rows in seq (= rowid) order; failed rows
 *   are rare, so pending rows are read by rowid and only failed rows are indexed (a partial index).
 * - Short dedup windows (Alertmanager's, seconds) move from the keyed `dedup` table, where each random sha256 key
 *   dirtied its own B-tree page in every commit (two thirds of an accept's cost at 5,000 accepts/s, measured in the
 *   relay bench), to `recent_dedup`: appended in accept order, looked up in memory, pruned from its head.
 */
const MIGRATE_TO_V2 = `
DROP INDEX IF EXISTS events_state_seq;
CREATE INDEX IF NOT EXISTS events_failed ON events (failed_ms, seq) WHERE state = 'failed';
CREATE TABLE IF NOT EXISTS recent_dedup (
  n INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
PRAGMA user_version = 2;
`;
const SCHEMA_VERSION = 2;

/**
 * Dedup windows up to this long are kept in `recent_dedup` and memory (see MIGRATE_TO_V2); longer ones (Impact's
 * event ids, 7 days by default) in the keyed table. Memory grows with accepts/s × window: ~150 bytes per key.
 */
export const RECENT_DEDUP_MAX_WINDOW_MS = 3_600_000;

interface EventRow {
  seq: number;
  id: string;
  source: string;
  received_at: string;
  group_key: string;
  body: string;
}

function schemaVersion(db: Database.Database): number {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) throw new Error(`outbox file has schema version ${version}; this relay knows up to ${SCHEMA_VERSION}`);
  return version;
}

/** Brings a new or older file to SCHEMA_VERSION (PRAGMA user_version), in one transaction. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = schemaVersion(db);
    // Version 0 is a new file or one made before versions existed (the v1 DDL only creates what is missing).
    if (version === 0) db.exec(SCHEMA_V1);
    if (version < 2) {
      db.exec(MIGRATE_TO_V2);
      // Keys a v1 relay accepted keep suppressing their duplicates: short windows are looked up in recent_dedup from
      // now on, so every key is copied there (in expiry order; the first accepts expire what has passed, without a
      // clock here). The rows stay in `dedup` too, where long windows still look.
      db.exec('INSERT INTO recent_dedup (source, key, event_id, expires_ms) SELECT source, key, event_id, expires_ms FROM dedup ORDER BY expires_ms');
    }
  })();
}

/** SQLite's private in-memory (`:memory:`) and temporary (``) databases: no file, so no WAL and no second connection. */
export function isFilelessPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

export interface SqliteStore {
  /** Runs the request in one transaction; a write is committed but not yet durable (see executeDurably). */
  execute<R extends StoreRequest>(request: R): StoreResults[R['op']];
  /**
   * Runs the request, then, when its answer promises durability (needsFlush), resolves only after an fdatasync of
   * the WAL in libuv's thread pool: the request thread keeps serving while the disk flushes.
   */
  executeDurably<R extends StoreRequest>(request: R): Promise<StoreResults[R['op']]>;
  close(): void;
}

/** Requests whose commit must be durable before their answer: losing it after the answer loses or repeats an operator's or a sender's action. */
function needsFlush(op: StoreRequest['op']): boolean {
  switch (op) {
    case 'accept':
    case 'markFailed':
    case 'requeueFailed':
      return true;
    case 'pending':
    case 'remove':
    case 'failed':
    case 'stats':
    case 'pruneDedup':
      return false;
  }
}

/**
 * The outbox tables and every statement on them, synchronous (better-sqlite3).
 *
 * Durability: WAL with `synchronous=NORMAL`, which keeps the file consistent through a power cut (SQLite syncs the WAL
 * before each checkpoint and the database after it) but does not sync a commit. The caller makes a commit durable
 * with `executeDurably()`: one fdatasync of the WAL file, which covers every frame written before it, so a 202
 * sent after it is never for an event a power cut could lose, exactly what `synchronous=FULL` gives. Done by the
 * caller because the flush runs in libuv's thread pool: the request thread keeps serving while the disk flushes,
 * instead of blocking in SQLite's own fsync (measured: see the relay bench in the README). Deletes after a
 * web-trigger ack are not flushed: losing one only re-sends an event the web trigger drops by id.
 */
/** fdatasync with a callback (node:fs); tests pass one that records which file was flushed and when it finished. */
export type SyncFile = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

export function openSqliteStore(path: string, newId: IdFactory = createIdFactory(), syncFile: SyncFile = fdatasync): SqliteStore {
  const db = new Database(path);
  try {
    // Refuse a newer file before touching it (journal_mode would rewrite its header).
    schemaVersion(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  // The WAL file exists from the first write (migrate wrote); it keeps its inode while this connection is open.
  let walFd = isFilelessPath(path) ? undefined : openSync(`${path}-wal`, 'r');

  const selectDedup = db.prepare<[string, string], { event_id: string; expires_ms: number }>(
    'SELECT event_id, expires_ms FROM dedup WHERE source = ? AND key = ?',
  );
  const upsertDedup = db.prepare<[string, string, string, number]>(
    'INSERT INTO dedup (source, key, event_id, expires_ms) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (source, key) DO UPDATE SET event_id = excluded.event_id, expires_ms = excluded.expires_ms',
  );
  const insertEvent = db.prepare<[string, string, number, string, string, string]>(
    'INSERT INTO events (id, source, received_ms, received_at, group_key, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectPending = db.prepare<[number], EventRow>(
    "SELECT seq, id, source, received_at, group_key, body FROM events WHERE state = 'pending' ORDER BY seq LIMIT ?",
  );
  const deleteEvent = db.prepare<[string]>('DELETE FROM events WHERE id = ?');
  const failEvent = db.prepare<[string, number, string]>(
    "UPDATE events SET state = 'failed', failed_reason = ?, failed_ms = ? WHERE id = ? AND state = 'pending'",
  );
  const requeue = db.prepare("UPDATE events SET state = 'pending', failed_reason = NULL, failed_ms = NULL WHERE state = 'failed'");
  const requeueOne = db.prepare<[string]>("UPDATE events SET state = 'pending', failed_reason = NULL, failed_ms = NULL WHERE id = ? AND state = 'failed'");
  const selectFailed = db.prepare<[number], { seq: number; id: string; source: string; group_key: string; received_at: string; size: number; failed_reason: string | null; failed_ms: number | null }>(
    "SELECT seq, id, source, group_key, received_at, length(CAST(body AS BLOB)) AS size, failed_reason, failed_ms FROM events WHERE state = 'failed' ORDER BY failed_ms DESC, seq DESC LIMIT ?",
  );
  const countByState = db.prepare<[], { state: string; n: number; oldest: number | null }>(
    'SELECT state, COUNT(*) AS n, MIN(received_ms) AS oldest FROM events GROUP BY state',
  );
  const failedReasons = db.prepare<[], { source: string; reason: string; n: number }>(
    "SELECT source, failed_reason AS reason, COUNT(*) AS n FROM events WHERE state = 'failed' GROUP BY source, failed_reason ORDER BY n DESC LIMIT 20",
  );
  const pruneDedup = db.prepare<[number]>('DELETE FROM dedup WHERE expires_ms <= ?');
  const insertRecent = db.prepare<[string, string, string, number]>('INSERT INTO recent_dedup (source, key, event_id, expires_ms) VALUES (?, ?, ?, ?)');
  const deleteRecentUpTo = db.prepare<[number]>('DELETE FROM recent_dedup WHERE n <= ?');
  type RecentRow = { n: number; source: string; key: string; event_id: string; expires_ms: number };
  const toRecent = (r: RecentRow) => ({ n: r.n, source: r.source, key: r.key, eventId: r.event_id, expiresMs: r.expires_ms });
  const selectRecent = db.prepare<[number], RecentRow>('SELECT n, source, key, event_id, expires_ms FROM recent_dedup WHERE n = ?');
  const selectAllRecent = db.prepare<[], RecentRow>('SELECT n, source, key, event_id, expires_ms FROM recent_dedup ORDER BY n');
  // Built at the first accept or prune: a connection that only forwards (the forwarder thread's) never loads it.
  // Only the accepting connection writes recent_dedup, so the index read then is the one it would have read at open.
  let recentIndex: RecentDedupIndex | undefined;
  const recent = (): RecentDedupIndex =>
    (recentIndex ??= new RecentDedupIndex(
      (n) => {
        const row = selectRecent.get(n);
        return row && toRecent(row);
      },
      selectAllRecent.all().map(toRecent),
    ));

  // Sequential inside one transaction, so two equal events in the same group commit see each other. Keys go into
  // the memory index only after the commit (`recent.commit`), so a rolled-back batch leaves no trace there.
  const acceptAll = db.transaction((events: readonly NewEvent[]): AcceptResult[] => {
    const index = recent();
    const forgetUpTo = index.rowsToForget();
    if (forgetUpTo > 0) deleteRecentUpTo.run(forgetUpTo);
    return events.map((event) => {
      const { key, windowMs } = event.dedup;
      const expiresMs = event.receivedMs + windowMs;
      if (windowMs <= RECENT_DEDUP_MAX_WINDOW_MS) {
        const seenId = index.lookup(event.source, key, event.receivedMs);
        if (seenId !== undefined) return { id: seenId, duplicate: true };
        const id = insert(event);
        index.stage(Number(insertRecent.run(event.source, key, id, expiresMs).lastInsertRowid), event.source, key, id, expiresMs);
        return { id, duplicate: false };
      }
      const seen = selectDedup.get(event.source, key);
      if (seen && seen.expires_ms > event.receivedMs) return { id: seen.event_id, duplicate: true };
      const id = insert(event);
      upsertDedup.run(event.source, key, id, expiresMs);
      return { id, duplicate: false };
    });
  });
  function insert(event: NewEvent): string {
    const id = newId(event.receivedMs);
    insertEvent.run(id, event.source, event.receivedMs, new Date(event.receivedMs).toISOString(), event.groupKey, event.bodyJson);
    return id;
  }
  /** Runs a transaction that stages keys or deletes rows of recent_dedup; the memory index follows its outcome. */
  function withRecent<T>(transaction: () => T): T {
    let result: T;
    try {
      result = transaction();
    } catch (error) {
      recent().rollback();
      throw error;
    }
    recent().commit();
    return result;
  }
  function accept(events: readonly NewEvent[]): AcceptResult[] {
    const results = withRecent(() => acceptAll(events));
    recent().expire(events.reduce((latest, e) => Math.max(latest, e.receivedMs), 0));
    return results;
  }
  const pruneAll = db.transaction((nowMs: number, recentUpTo: number) => {
    if (recentUpTo > 0) deleteRecentUpTo.run(recentUpTo);
    return pruneDedup.run(nowMs).changes;
  });
  function prune(nowMs: number): number {
    const forgotten = recent().expire(nowMs);
    return forgotten + withRecent(() => pruneAll(nowMs, recent().rowsToForget(true)));
  }
  const removeAll = db.transaction((ids: readonly string[]) => ids.reduce((n, id) => n + deleteEvent.run(id).changes, 0));
  const requeueSome = db.transaction((ids: readonly string[]) => ids.reduce((n, id) => n + requeueOne.run(id).changes, 0));
  const failAll = db.transaction((ids: readonly string[], reason: string, nowMs: number) =>
    ids.reduce((n, id) => n + failEvent.run(reason, nowMs, id).changes, 0),
  );

  function stats(): OutboxStats {
    let pending = 0;
    let failed = 0;
    let oldestPendingReceivedMs: number | null = null;
    for (const row of countByState.all()) {
      if (row.state === 'pending') {
        pending = row.n;
        oldestPendingReceivedMs = row.oldest;
      } else {
        failed = row.n;
      }
    }
    const failedByReason = failed === 0 ? [] : failedReasons.all().map((r) => ({ source: eventSourceSchema.parse(r.source), reason: r.reason, count: r.n }));
    return { pending, failed, oldestPendingReceivedMs, failedByReason };
  }


  function run(request: StoreRequest): StoreResults[StoreRequest['op']] {
    switch (request.op) {
      case 'accept':
        return accept(request.events);
      case 'pending':
        return selectPending.all(request.limit).map(
          (row): StoredEvent => ({
            id: row.id,
            source: eventSourceSchema.parse(row.source),
            receivedAt: row.received_at,
            sequence: row.seq,
            groupKey: row.group_key,
            bodyJson: row.body,
          }),
        );
      case 'remove':
        return removeAll(request.ids);
      case 'markFailed':
        return failAll(request.ids, request.reason, request.nowMs);
      case 'requeueFailed':
        return request.ids === undefined ? requeue.run().changes : requeueSome(request.ids);
      case 'failed':
        return selectFailed.all(request.limit).map(
          (row): FailedEvent => ({
            id: row.id,
            source: eventSourceSchema.parse(row.source),
            groupKey: row.group_key,
            sequence: row.seq,
            receivedAt: row.received_at,
            sizeBytes: row.size,
            reason: row.failed_reason ?? 'unknown',
            failedAt: new Date(row.failed_ms ?? 0).toISOString(),
          }),
        );
      case 'stats':
        return stats();
      case 'pruneDedup':
        return prune(request.nowMs);
    }
  }

  function flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (walFd === undefined) return resolve();
      syncFile(walFd, (error) => (error ? reject(error) : resolve()));
    });
  }

  // The switch returns the result for request.op; TypeScript cannot narrow a generic through it.
  const execute = <R extends StoreRequest>(request: R) => run(request) as StoreResults[R['op']];
  return {
    execute,
    async executeDurably(request) {
      const result = execute(request);
      if (needsFlush(request.op)) await flush();
      return result;
    },
    close: () => {
      if (walFd !== undefined) closeSync(walFd);
      walFd = undefined;
      db.close();
    },
  };
}
