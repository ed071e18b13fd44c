/**
 * The simulators' on-disk state (`SANDBOX_DATA_DIR/jira-sim.sqlite`, `impact-sim.sqlite`), so a restarted
 * sandbox is the same world the app remembers in its Forge host database.
 *
 * Why SQLite rather than a JSON snapshot file: a write touches only what changed (one row per Jira issue, plus a
 * small "site" document), in one transaction committed before the HTTP response leaves, so its cost does not
 * grow with the number of issues (a 50,000-issue snapshot rewritten per request would), and a crash mid-write
 * leaves the previous state, never a torn file. WAL with `synchronous = NORMAL`, the Forge host database's own
 * setting: both survive a killed process with every answered write; an OS crash may lose the last commits of
 * both, so the two stay in the same durability class.
 */
import Database from 'better-sqlite3';

export type SimDatabase = Database.Database;

export function openSimDatabase(path: string): SimDatabase {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS sim_documents (
      name TEXT PRIMARY KEY,        -- 'site', 'store', 'webhooks', ...
      value TEXT NOT NULL           -- JSON
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sim_rows (
      kind TEXT NOT NULL,           -- 'issue', ...
      id TEXT NOT NULL,
      value TEXT NOT NULL,          -- JSON
      PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
  `);
  return db;
}

/** Typed access to the two tables. */
export class SimDocuments {
  private readonly getDoc;
  private readonly putDoc;
  private readonly allRows;
  private readonly putRow;
  private readonly deleteRow;

  constructor(readonly db: SimDatabase) {
    this.getDoc = db.prepare<[string], { value: string }>('SELECT value FROM sim_documents WHERE name = ?');
    this.putDoc = db.prepare<[string, string]>('INSERT INTO sim_documents (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.allRows = db.prepare<[string], { id: string; value: string }>('SELECT id, value FROM sim_rows WHERE kind = ?');
    this.putRow = db.prepare<[string, string, string]>('INSERT INTO sim_rows (kind, id, value) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value');
    this.deleteRow = db.prepare<[string, string]>('DELETE FROM sim_rows WHERE kind = ? AND id = ?');
  }

  document<T>(name: string): T | undefined {
    const row = this.getDoc.get(name);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setDocument(name: string, value: unknown): void {
    this.putDoc.run(name, JSON.stringify(value));
  }

  rows<T>(kind: string): T[] {
    return this.allRows.all(kind).map((r) => JSON.parse(r.value) as T);
  }

  setRow(kind: string, id: string, value: unknown): void {
    this.putRow.run(kind, id, JSON.stringify(value));
  }

  removeRow(kind: string, id: string): void {
    this.deleteRow.run(kind, id);
  }

  /** Runs `write` in one transaction (one commit). */
  transaction(write: () => void): void {
    this.db.transaction(write)();
  }

  close(): void {
    this.db.close();
  }
}
