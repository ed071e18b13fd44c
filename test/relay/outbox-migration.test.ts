import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createIdFactory, type IdFactory } from '../../src/relay/ids';
import { openInProcessOutbox } from '../../src/relay/outbox/in-process';
import type { NewEvent } from '../../src/relay/outbox/outbox';
import { openSqliteStore, type SqliteStore } from '../../src/relay/outbox/sqlite-store';
import { T0 } from './helpers';

/**
 * The outbox schema as relays before schema version 2 created it (user_version 0), copied here as the historical
 * fixture: it must not follow later edits of sqlite-store.ts.
 */
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

const WEEK_MS = 7 * 24 * 3_600_000;
const AM_WINDOW_MS = 10_000;

const amEvent = (key: string, receivedMs = T0, windowMs = AM_WINDOW_MS): NewEvent => ({
  source: 'alertmanager',
  receivedMs,
  groupKey: `{}:{alertname="${key}"}`,
  bodyJson: JSON.stringify({ key }),
  dedup: { key, windowMs },
});
const impactEvent = (eventId: string, receivedMs = T0): NewEvent => ({
  source: 'impact',
  receivedMs,
  groupKey: `impact:${eventId}`,
  bodyJson: JSON.stringify({ event_id: eventId }),
  dedup: { key: eventId, windowMs: WEEK_MS },
});

interface V1Event {
  readonly id: string;
  readonly source: 'alertmanager' | 'impact';
  readonly receivedMs: number;
  readonly groupKey: string;
  readonly body: string;
  readonly failed?: { readonly reason: string; readonly ms: number };
}

let dir: string;
let path: string;
const open: { close(): void }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-migration-'));
  path = join(dir, 'relay.sqlite');
});
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function store(newId?: IdFactory): SqliteStore {
  const s = openSqliteStore(path, newId);
  open.push(s);
  return s;
}

/** A second connection to look at the file as SQLite sees it (WAL: it reads what the store committed). */
function inspect(): Database.Database {
  const db = new Database(path, { readonly: true });
  open.push(db);
  return db;
}

const userVersion = (db: Database.Database): number => Number(db.pragma('user_version', { simple: true }));
const indexNames = (db: Database.Database): string[] =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
const schemaSql = (db: Database.Database): string[] =>
  db
    .prepare<[], { sql: string | null }>('SELECT sql FROM sqlite_master ORDER BY type, name')
    .all()
    .map((r) => r.sql ?? '');
const recentRows = (db: Database.Database): number => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM recent_dedup').get()?.n ?? -1;

/** Writes a version 1 file as an old relay left it: events (some failed, one removed after its ack) and dedup keys. */
function writeV1File(events: readonly V1Event[], dedup: readonly { source: string; key: string; eventId: string; expiresMs: number }[], removeIds: readonly string[] = []): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA_V1);
  const insert = db.prepare('INSERT INTO events (id, source, received_ms, received_at, group_key, body, state, failed_reason, failed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const e of events) {
    insert.run(e.id, e.source, e.receivedMs, new Date(e.receivedMs).toISOString(), e.groupKey, e.body, e.failed ? 'failed' : 'pending', e.failed?.reason ?? null, e.failed?.ms ?? null);
  }
  const insertDedup = db.prepare('INSERT INTO dedup (source, key, event_id, expires_ms) VALUES (?, ?, ?, ?)');
  for (const d of dedup) insertDedup.run(d.source, d.key, d.eventId, d.expiresMs);
  const remove = db.prepare('DELETE FROM events WHERE id = ?');
  for (const id of removeIds) remove.run(id);
  expect(userVersion(db)).toBe(0);
  db.close();
}

/** Five events (pending, failed, pending, failed, pending-then-acked) and their dedup keys, as a v1 relay wrote them. */
function oldRelayFile(): { events: V1Event[]; acked: string } {
  const oldIds = createIdFactory();
  const at = (i: number): number => T0 - 60_000 + i * 1000;
  const events: V1Event[] = [
    { id: oldIds(at(0)), source: 'alertmanager', receivedMs: at(0), groupKey: '{}:{alertname="A"}', body: '{"status":"firing","n":0}' },
    { id: oldIds(at(1)), source: 'impact', receivedMs: at(1), groupKey: 'impact:e-1', body: '{"event_id":"e-1","ü":"ß"}', failed: { reason: 'event too large to forward; kept as failed', ms: at(10) } },
    { id: oldIds(at(2)), source: 'impact', receivedMs: at(2), groupKey: 'impact:e-2', body: '{"event_id":"e-2"}' },
    { id: oldIds(at(3)), source: 'alertmanager', receivedMs: at(3), groupKey: '{}:{alertname="B"}', body: '{"status":"firing","n":3}', failed: { reason: 'web trigger answered 400', ms: at(20) } },
    { id: oldIds(at(4)), source: 'alertmanager', receivedMs: at(4), groupKey: '{}:{alertname="C"}', body: '{"status":"resolved","n":4}' },
  ];
  const ev = (i: number): V1Event => events[i] as V1Event;
  writeV1File(
    events,
    [
      { source: 'impact', key: 'e-1', eventId: ev(1).id, expiresMs: at(1) + WEEK_MS },
      { source: 'impact', key: 'e-2', eventId: ev(2).id, expiresMs: at(2) + WEEK_MS },
      // Expired before the upgrade (a v1 relay had not pruned it yet).
      { source: 'impact', key: 'e-0', eventId: 'gone', expiresMs: T0 - 1 },
    ],
    [ev(4).id],
  );
  return { events, acked: ev(4).id };
}

describe('outbox schema migration (SQLite, user_version)', () => {
  it('brings a version 1 file to version 2: indexes swapped, recent_dedup created', () => {
    oldRelayFile();
    const before = new Database(path, { readonly: true });
    expect(indexNames(before)).toEqual(['dedup_expires', 'events_state_seq']);
    before.close();

    store();
    const db = inspect();
    expect(userVersion(db)).toBe(2);
    expect(indexNames(db)).toEqual(['dedup_expires', 'events_failed']);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_failed'").pluck().get()).toMatch(/WHERE state = 'failed'/);
    // Every v1 dedup key is carried into recent_dedup (short windows look there from now on).
    expect(recentRows(db)).toBe(3);
  });

  it('keeps pending events in order with their sequences, and new ones continue after the highest ever given', async () => {
    const { events, acked } = oldRelayFile();
    const outbox = openInProcessOutbox({ path });
    open.push({ close: () => void outbox.close() });
    const pending = await outbox.pending(10);
    expect(pending.map((e) => [e.id, e.sequence, e.source, e.groupKey, e.bodyJson, e.receivedAt])).toEqual(
      [0, 2].map((i) => {
        const e = events[i] as V1Event;
        return [e.id, i + 1, e.source, e.groupKey, e.body, new Date(e.receivedMs).toISOString()];
      }),
    );
    expect(pending.map((e) => e.id)).not.toContain(acked);
    // Sequence 5 went with the acked event; AUTOINCREMENT never gives it again.
    const fresh = await outbox.accept(amEvent('fresh'));
    const after = await outbox.pending(10);
    expect(after.map((e) => e.id)).toEqual([...pending.map((e) => e.id), fresh.id]);
    expect(after[2]?.sequence).toBe(6);
    await outbox.close();
  });

  it('still lists failed events with their reasons, size and time, and can re-queue them', async () => {
    const { events } = oldRelayFile();
    const outbox = openInProcessOutbox({ path });
    open.push({ close: () => void outbox.close() });
    const failed = await outbox.failed(10);
    const e1 = events[1] as V1Event;
    const e3 = events[3] as V1Event;
    // Most recently failed first.
    expect(failed).toEqual([
      { id: e3.id, source: 'alertmanager', groupKey: e3.groupKey, sequence: 4, receivedAt: new Date(e3.receivedMs).toISOString(), sizeBytes: Buffer.byteLength(e3.body), reason: 'web trigger answered 400', failedAt: new Date(e3.failed?.ms ?? 0).toISOString() },
      { id: e1.id, source: 'impact', groupKey: e1.groupKey, sequence: 2, receivedAt: new Date(e1.receivedMs).toISOString(), sizeBytes: Buffer.byteLength(e1.body), reason: 'event too large to forward; kept as failed', failedAt: new Date(e1.failed?.ms ?? 0).toISOString() },
    ]);
    expect(e1.body.length).toBeLessThan(Buffer.byteLength(e1.body)); // the size is bytes, not characters
    expect((await outbox.stats()).failedByReason).toEqual(
      expect.arrayContaining([
        { source: 'impact', reason: 'event too large to forward; kept as failed', count: 1 },
        { source: 'alertmanager', reason: 'web trigger answered 400', count: 1 },
      ]),
    );
    expect(await outbox.requeueFailed([e1.id])).toBe(1);
    expect((await outbox.pending(10)).map((e) => e.sequence)).toEqual([1, 2, 3]);
    await outbox.close();
  });

  it('keeps suppressing a long-window key from the old dedup table, and forgets the one that had expired', () => {
    const { events } = oldRelayFile();
    const s = store();
    const [dup, expired] = s.execute({ op: 'accept', events: [impactEvent('e-1'), impactEvent('e-0')] });
    expect(dup).toEqual({ id: (events[1] as V1Event).id, duplicate: true });
    expect(expired?.duplicate).toBe(false);
    // Still there days later, within its week.
    expect(s.execute({ op: 'accept', events: [impactEvent('e-2', T0 + 6 * 24 * 3_600_000)] })[0]).toEqual({ id: (events[2] as V1Event).id, duplicate: true });
    expect(s.execute({ op: 'stats' }).pending).toBe(3);
  });

  // After the upgrade a short-window key is looked up in recent_dedup only: the migration carries v1's keys over, so a
  // duplicate of an event a v1 relay accepted seconds before the upgrade is still answered with the first id.
  it('keeps suppressing a short-window key a version 1 relay accepted just before the upgrade', () => {
    const id = createIdFactory()(T0);
    writeV1File(
      [{ id, source: 'alertmanager', receivedMs: T0, groupKey: 'g', body: '{}' }],
      [{ source: 'alertmanager', key: 'sha-of-body', eventId: id, expiresMs: T0 + AM_WINDOW_MS }],
    );
    const s = store();
    expect(s.execute({ op: 'accept', events: [amEvent('sha-of-body', T0 + 2000)] })[0]).toEqual({ id, duplicate: true });
  });

  it('reopens a version 2 file without changing its data or version', () => {
    oldRelayFile();
    const first = store();
    const accepted = first.execute({ op: 'accept', events: [amEvent('k1'), impactEvent('e-9')] });
    first.close();
    const db = new Database(path, { readonly: true });
    const pendingBefore = db.prepare('SELECT * FROM events ORDER BY seq').all();
    const recentBefore = db.prepare('SELECT * FROM recent_dedup ORDER BY n').all();
    const dedupBefore = db.prepare('SELECT * FROM dedup ORDER BY source, key').all();
    db.close();

    const again = store();
    const db2 = inspect();
    expect(userVersion(db2)).toBe(2);
    expect(db2.prepare('SELECT * FROM events ORDER BY seq').all()).toEqual(pendingBefore);
    expect(db2.prepare('SELECT * FROM recent_dedup ORDER BY n').all()).toEqual(recentBefore);
    expect(db2.prepare('SELECT * FROM dedup ORDER BY source, key').all()).toEqual(dedupBefore);
    expect(again.execute({ op: 'accept', events: [amEvent('k1', T0 + 1)] })[0]).toEqual({ id: accepted[0]?.id, duplicate: true });
  });

  // migrate() once ran the v1 DDL (CREATE INDEX IF NOT EXISTS events_state_seq …) at every open, so each restart of a
  // version 2 relay brought back the index version 2 dropped and every accept paid for it again.
  it('reopens a version 2 file without bringing back the index version 2 dropped', () => {
    store().close();
    const db = new Database(path, { readonly: true });
    const before = schemaSql(db);
    db.close();
    expect(before.some((sql) => sql.includes('events_state_seq'))).toBe(false);
    store();
    expect(indexNames(inspect())).not.toContain('events_state_seq');
    expect(schemaSql(inspect())).toEqual(before);
  });

  it('refuses a file of a newer schema version with a clear error and leaves it as it was', () => {
    const db = new Database(path);
    db.exec('CREATE TABLE future (x INTEGER)');
    db.pragma('user_version = 3');
    db.close();
    expect(() => store()).toThrow('outbox file has schema version 3; this relay knows up to 2');
    const after = inspect();
    expect(userVersion(after)).toBe(3);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['future']);
  });
});

describe('recent_dedup on a real SQLite file', () => {
  it('answers a duplicate inside the window after a close and reopen with the first id, and not after the window', () => {
    const first = store();
    const [a] = first.execute({ op: 'accept', events: [amEvent('k', T0)] });
    first.close();
    const again = store();
    expect(again.execute({ op: 'accept', events: [amEvent('k', T0 + AM_WINDOW_MS - 1)] })).toEqual([{ id: a?.id, duplicate: true }]);
    const [later] = again.execute({ op: 'accept', events: [amEvent('k', T0 + AM_WINDOW_MS)] });
    expect(later?.duplicate).toBe(false);
    expect(later?.id).not.toBe(a?.id);
    // Reopened once more: the newer row holds the key.
    again.close();
    expect(store().execute({ op: 'accept', events: [amEvent('k', T0 + AM_WINDOW_MS + 1)] })).toEqual([{ id: later?.id, duplicate: true }]);
  });

  it('deletes expired rows after enough accepts, and all of them at pruneDedup (also once the table was emptied)', () => {
    const s = store();
    const db = inspect();
    s.execute({ op: 'accept', events: Array.from({ length: 300 }, (_, i) => amEvent(`a${i}`, T0)) });
    expect(recentRows(db)).toBe(300);
    // After the window: the first accept's commit expires the 300 keys, the next transaction deletes them.
    s.execute({ op: 'accept', events: [amEvent('b0', T0 + AM_WINDOW_MS)] });
    expect(recentRows(db)).toBe(301);
    s.execute({ op: 'accept', events: [amEvent('b1', T0 + AM_WINDOW_MS + 1)] });
    expect(recentRows(db)).toBe(2);
    expect(s.execute({ op: 'pruneDedup', nowMs: T0 + 3 * AM_WINDOW_MS })).toBe(2);
    expect(recentRows(db)).toBe(0);
    // SQLite numbers rows of the emptied table from 1 again; they are still deleted once expired.
    s.execute({ op: 'accept', events: Array.from({ length: 300 }, (_, i) => amEvent(`c${i}`, T0 + 4 * AM_WINDOW_MS)) });
    expect(db.prepare('SELECT MIN(n) FROM recent_dedup').pluck().get()).toBe(1);
    expect(s.execute({ op: 'pruneDedup', nowMs: T0 + 6 * AM_WINDOW_MS })).toBe(300);
    expect(recentRows(db)).toBe(0);
    // Fewer than a run of expired rows stay until a prune.
    s.execute({ op: 'accept', events: Array.from({ length: 10 }, (_, i) => amEvent(`d${i}`, T0 + 7 * AM_WINDOW_MS)) });
    s.execute({ op: 'accept', events: [amEvent('e0', T0 + 8 * AM_WINDOW_MS)] });
    s.execute({ op: 'accept', events: [amEvent('e1', T0 + 8 * AM_WINDOW_MS)] });
    expect(recentRows(db)).toBe(12);
  });

  it('leaves the memory index and the table as they were when an accept batch fails part-way', () => {
    // A real constraint failure: the id factory repeats an existing id, so the batch's second new event breaks
    // events.id UNIQUE after the first one was inserted into events and recent_dedup and staged in the index.
    const ids = createIdFactory();
    let repeatIn = 0;
    let repeatId = '';
    const newId: IdFactory = (nowMs) => {
      if (repeatIn > 0 && --repeatIn === 0) return repeatId;
      return ids(nowMs);
    };
    const s = store(newId);
    const db = inspect();
    // 300 keys whose window ends at T0, then one held until T0 + 10 s: the accept at T0 expires the 300, so the
    // failing batch starts by deleting their rows (a run of 256 or more).
    s.execute({ op: 'accept', events: Array.from({ length: 300 }, (_, i) => amEvent(`old${i}`, T0 - AM_WINDOW_MS)) });
    const [held] = s.execute({ op: 'accept', events: [amEvent('held', T0)] });
    expect(recentRows(db)).toBe(301);
    const rowsBefore = db.prepare('SELECT * FROM recent_dedup ORDER BY n').all();

    repeatIn = 2;
    repeatId = held?.id ?? '';
    expect(() => s.execute({ op: 'accept', events: [amEvent('x', T0 + 1), amEvent('y', T0 + 1), amEvent('x', T0 + 1)] })).toThrow(
      /UNIQUE constraint failed: events\.id/,
    );
    expect(repeatIn).toBe(0);
    expect(db.prepare('SELECT * FROM recent_dedup ORDER BY n').all()).toEqual(rowsBefore);
    expect(s.execute({ op: 'stats' }).pending).toBe(301);

    // Nothing of the failed batch is held, what was held before still is, and the rolled-back delete comes again.
    const [x, y, again] = s.execute({ op: 'accept', events: [amEvent('x', T0 + 2), amEvent('y', T0 + 2), amEvent('held', T0 + 2)] });
    expect(x?.duplicate).toBe(false);
    expect(y?.duplicate).toBe(false);
    expect(again).toEqual({ id: held?.id, duplicate: true });
    expect(db.prepare('SELECT key FROM recent_dedup ORDER BY n').pluck().all()).toEqual(['held', 'x', 'y']);
    expect(s.execute({ op: 'stats' }).pending).toBe(303);
  });
});
