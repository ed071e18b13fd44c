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
      finished_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS queue_events_due ON queue_events (status, due_at, seq);
    CREATE INDEX IF NOT EXISTS queue_events_job ON queue_events (job_id);
  `);
  return db;
}
