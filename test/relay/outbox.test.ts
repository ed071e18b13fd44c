import { fdatasync, fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openInProcessOutbox } from '../../src/relay/outbox/in-process';
import type { NewEvent, Outbox } from '../../src/relay/outbox/outbox';
import { openWorkerOutbox } from '../../src/relay/outbox/worker-outbox';
import { T0 } from './helpers';

const event = (key: string, receivedMs = T0, windowMs = 10_000): NewEvent => ({
  source: 'alertmanager',
  receivedMs,
  groupKey: 'g',
  bodyJson: JSON.stringify({ key }),
  dedup: { key, windowMs },
});

describe.each([
  ['in-process', (path: string) => Promise.resolve(openInProcessOutbox({ path }))],
  ['worker thread', (path: string) => openWorkerOutbox({ path })],
])('outbox (%s)', (_name, open: (path: string) => Promise<Outbox>) => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-test-'));
    path = join(dir, 'relay.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps accepted events across a reopen, oldest first, with url-safe time-ordered ids', async () => {
    const outbox = await open(path);
    const a = await outbox.accept(event('a'));
    const b = await outbox.accept(event('b', T0 + 1));
    await outbox.close();
    const again = await open(path);
    const pending = await again.pending(10);
    expect(pending.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(a.id < b.id).toBe(true);
    for (const e of pending) expect(e.id).toMatch(/^[0-9A-Za-z_-]{8,64}$/);
    expect(JSON.parse(pending[0]?.bodyJson ?? '')).toEqual({ key: 'a' });
    await again.close();
  });

  it('gives each accepted event a sequence ≥ 1 that strictly increases and is never reused, even after removal and a reopen', async () => {
    const outbox = await open(path);
    await Promise.all(['a', 'b', 'c', 'a'].map((k) => outbox.accept(event(k))));
    const first = (await outbox.pending(10)).map((e) => e.sequence);
    expect(first).toHaveLength(3);
    expect(first[0]).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < first.length; i++) expect(first[i]).toBeGreaterThan(first[i - 1] ?? Infinity);
    await outbox.remove((await outbox.pending(10)).map((e) => e.id));
    await outbox.close();
    const again = await open(path);
    await again.accept(event('d'));
    const [later] = await again.pending(10);
    expect(later?.sequence).toBeGreaterThan(Math.max(...first));
    await again.close();
  });

  it('commits concurrent accepts together and suppresses a duplicate inside the same commit', async () => {
    const outbox = await open(path);
    const results = await Promise.all([outbox.accept(event('x')), outbox.accept(event('y')), outbox.accept(event('x'))]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true]);
    expect(results[2]?.id).toBe(results[0]?.id);
    expect((await outbox.stats()).pending).toBe(2);
    await outbox.close();
  });

  it('forgets a dedup key once its window has passed', async () => {
    const outbox = await open(path);
    await outbox.accept(event('k', T0, 10_000));
    expect((await outbox.accept(event('k', T0 + 9_999, 10_000))).duplicate).toBe(true);
    expect((await outbox.accept(event('k', T0 + 10_000, 10_000))).duplicate).toBe(false);
    expect(await outbox.pruneDedup(T0 + 20_000)).toBe(1);
    await outbox.close();
  });

  it('removes only the given ids; failed events stay, out of the pending queue, with their reason', async () => {
    const outbox = await open(path);
    const ids = (await Promise.all(['1', '2', '3'].map((k) => outbox.accept(event(k))))).map((r) => r.id);
    expect(await outbox.remove([ids[0] ?? '', 'not-an-id'])).toBe(1);
    expect(await outbox.markFailed([ids[1] ?? ''], 'http-403: forbidden', T0)).toBe(1);
    expect((await outbox.pending(10)).map((e) => e.id)).toEqual([ids[2]]);
    expect(await outbox.stats()).toEqual({
      pending: 1,
      failed: 1,
      oldestPendingReceivedMs: T0,
      failedByReason: [{ source: 'alertmanager', reason: 'http-403: forbidden', count: 1 }],
    });
    await outbox.close();
  });

  it('keeps the file in WAL mode', async () => {
    const outbox = await open(path);
    await outbox.accept(event('a'));
    await outbox.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('rejects accepts after close', async () => {
    const outbox = await open(path);
    await outbox.close();
    await expect(outbox.accept(event('a'))).rejects.toThrow(/closed/);
  });
});

describe('outbox durability (in-process SQLite: the WAL flush in the thread pool)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-flush-'));
    path = join(dir, 'relay.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers an accept only after an fdatasync of the WAL file that started after its commit', async () => {
    const flushes: { inode: number; walRows: number; finish: () => void }[] = [];
    const outbox = openInProcessOutbox({
      path,
      // The real fdatasync, held until the test lets it finish; records which file and what it had to cover.
      syncFile: (fd, done) => {
        const reader = new Database(path, { readonly: true });
        const walRows = Number(reader.prepare('SELECT COUNT(*) FROM events').pluck().get());
        reader.close();
        flushes.push({ inode: fstatSync(fd).ino, walRows, finish: () => fdatasync(fd, done) });
      },
    });
    let answered = false;
    const accepted = outbox.accept(event('a')).then((r) => {
      answered = true;
      return r;
    });
    while (flushes.length === 0) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(flushes[0]?.inode).toBe(statSync(`${path}-wal`).ino);
    // The commit was already in the WAL when the flush started.
    expect(flushes[0]?.walRows).toBe(1);
    flushes[0]?.finish();
    expect((await accepted).duplicate).toBe(false);
    expect(answered).toBe(true);
    await outbox.close();
  });

  it('does not flush for reads and for deletes after a web-trigger ack', async () => {
    let flushCount = 0;
    const outbox = openInProcessOutbox({ path, syncFile: (fd, done) => (flushCount++, fdatasync(fd, done)) });
    const { id } = await outbox.accept(event('a'));
    expect(flushCount).toBe(1);
    await outbox.pending(10);
    await outbox.stats();
    await outbox.remove([id]);
    expect(flushCount).toBe(1);
    await outbox.close();
  });

  it('answers an accept with the flush error when the disk refuses it (the client retries; its duplicate is then found)', async () => {
    const outbox = openInProcessOutbox({ path, syncFile: (_fd, done) => done(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) });
    await expect(outbox.accept(event('a'))).rejects.toThrow(/EIO/);
    await outbox.close();
  });
});

