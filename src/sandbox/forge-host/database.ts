import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Opens (or creates) the host database in WAL mode with the KVS and queue tables. */
export function openHostDatabase(path: string): SqliteDatabase {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS kvs_items (
      space TEXT NOT NULL,          -- 'kv', 'secret' or 'entity:<name>'
      key TEXT NOT NULL,
      value TEXT NOT NULL,          -- JSON
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      expire_at INTEGER,            -- ms since epoch, by the injected clock
      PRIMARY KEY (space, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS queue_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      job_id TEXT NOT NULL,
      queue_name TEXT NOT NULL,
      body TEXT NOT NULL,
      delay_seconds INTEGER,
      concurrency_key TEXT,
      concurrency_limit INTEGER,
      enqueued_at INTEGER NOT NULL,
      due_at INTEGER NOT NULL,
      status TEXT NOT NULL,         -- ready | running | done | failed | cancelled
      retry_count INTEGER NOT NULL DEFAULT 0,
      retry_reason TEXT,
      retry_data TEXT,
      last_error TEXT,
      finished_at INTEGER,
      hold_until REAL NOT NULL DEFAULT 0,   -- monotonic ms: postponed (busy concurrency key) or chaos-held until then
      postpone_count INTEGER NOT NULL DEFAULT 0,
      redelivered INTEGER NOT NULL DEFAULT 0 -- 1 once chaos delivered it a second time
    );
    CREATE INDEX IF NOT EXISTS queue_events_due ON queue_events (status, due_at, seq);
    CREATE INDEX IF NOT EXISTS queue_events_job ON queue_events (job_id);
  `);
  // Files written before the fidelity columns existed get them added.
  const columns = new Set((db.prepare('PRAGMA table_info(queue_events)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('hold_until')) db.exec('ALTER TABLE queue_events ADD COLUMN hold_until REAL NOT NULL DEFAULT 0');
  if (!columns.has('postpone_count')) db.exec('ALTER TABLE queue_events ADD COLUMN postpone_count INTEGER NOT NULL DEFAULT 0');
  if (!columns.has('redelivered')) db.exec('ALTER TABLE queue_events ADD COLUMN redelivered INTEGER NOT NULL DEFAULT 0');
  // Holds are monotonic times of the previous process: meaningless now.
  db.exec('UPDATE queue_events SET hold_until = 0 WHERE hold_until <> 0');
  return db;
}
