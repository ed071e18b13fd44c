/**
 * The memory side of `recent_dedup` (sqlite-store.ts): which dedup keys were accepted within their window, so an
 * accept checks a Map instead of a random B-tree page. The table is the durable copy (appended in the same
 * transaction as the event, read back at open); this index is rebuilt from it, so a restart forgets nothing.
 *
 * Keys enter the index only when their transaction has committed (`stage` → `commit`), and rows leave the table
 * from its head once their window has passed (`expire` → `rowsToForget` → the next transaction deletes them).
 * Rows are appended in accept order and every key of one source has the same window, so expiry times grow along
 * the table; a clock step backwards only keeps a few rows a little longer.
 */
export interface RecentDedupRow {
  readonly n: number;
  readonly source: string;
  readonly key: string;
  readonly eventId: string;
  readonly expiresMs: number;
}

/** Reads one row back by its number (a lookup that hits confirms the key and learns the event id from the table). */
export type ReadRecentRow = (n: number) => RecentDedupRow | undefined;

/** Expired rows are deleted in runs of at least this many (one DELETE of a rowid range at the table's head). */
const DELETE_RUN = 256;

/**
 * Memory is what this index costs (the relay's RSS target is 150 MB at thousands of accepts/s over a 10 s window),
 * so it holds numbers only: a 52-bit hash of each key → its row number, and the expiry order in three number
 * arrays, ~60 bytes a key. A hit is confirmed by reading the row (duplicates are the rare path), so two keys with
 * the same hash can at worst cost one of them its suppression: the event is forwarded and the app drops it by content.
 */
export class RecentDedupIndex {
  private readonly byHash = new Map<number, number>();
  // Accept order from `head` on.
  private fifoN: number[] = [];
  private fifoHash: number[] = [];
  private fifoExpires: number[] = [];
  private head = 0;
  private staged: { readonly hash: number; readonly n: number; readonly expiresMs: number }[] = [];
  private readonly stagedByKey = new Map<string, string>();
  /** Highest row number whose key has expired. */
  private expiredUpTo = 0;
  /** Highest row number durably deleted. */
  private deletedUpTo = 0;
  /** The delete handed to the transaction in flight. */
  private deleting = 0;

  constructor(
    private readonly readRow: ReadRecentRow,
    rows: Iterable<RecentDedupRow> = [],
  ) {
    for (const row of rows) this.add(hashKey(row.source, row.key), row.n, row.expiresMs);
  }

  /** Keys in the index. */
  get size(): number {
    return this.byHash.size;
  }

  /** The id of the event that holds this key at `nowMs`, counting keys staged by the transaction in flight. */
  lookup(source: string, key: string, nowMs: number): string | undefined {
    const text = keyText(source, key);
    const staged = this.stagedByKey.get(text);
    if (staged !== undefined) return staged;
    const n = this.byHash.get(hashText(text, key.length));
    if (n === undefined) return undefined;
    const row = this.readRow(n);
    return row !== undefined && row.source === source && row.key === key && row.expiresMs > nowMs ? row.eventId : undefined;
  }

  /** A row written by the transaction in flight. */
  stage(n: number, source: string, key: string, eventId: string, expiresMs: number): void {
    const text = keyText(source, key);
    this.staged.push({ hash: hashText(text, key.length), n, expiresMs });
    this.stagedByKey.set(text, eventId);
  }

  /**
   * Rows the transaction about to run should delete (`DELETE … WHERE n <= result`), or 0 for none: expired rows
   * are deleted once enough have gathered, or all of them when `force`.
   */
  rowsToForget(force = false): number {
    const due = this.expiredUpTo - this.deletedUpTo;
    this.deleting = due > 0 && (force || due >= DELETE_RUN) ? this.expiredUpTo : 0;
    return this.deleting;
  }

  /** The transaction committed: its keys count from now on, its deletes are done. */
  commit(): void {
    if (this.deleting > this.deletedUpTo) this.deletedUpTo = this.deleting;
    this.deleting = 0;
    const first = this.staged[0];
    // SQLite numbers a new row max(n) + 1: once every row was deleted, from 1 again. Counting on from the old
    // numbers would never find the new rows due for deletion (until they passed the old highest number).
    if (first !== undefined && first.n <= this.deletedUpTo) this.expiredUpTo = this.deletedUpTo = first.n - 1;
    for (const { hash, n, expiresMs } of this.staged) this.add(hash, n, expiresMs);
    this.clearStaged();
  }

  /** The transaction rolled back: nothing it staged or deleted happened. */
  rollback(): void {
    this.clearStaged();
    this.deleting = 0;
  }

  /** Forgets keys whose window ended at or before `nowMs`; returns how many keys went. */
  expire(nowMs: number): number {
    let forgotten = 0;
    while (this.head < this.fifoN.length && (this.fifoExpires[this.head] ?? Infinity) <= nowMs) {
      const n = this.fifoN[this.head] ?? 0;
      const hash = this.fifoHash[this.head] ?? 0;
      // A key accepted again after its window holds a newer row: only the row that is current removes it.
      if (this.byHash.get(hash) === n) {
        this.byHash.delete(hash);
        forgotten += 1;
      }
      this.expiredUpTo = Math.max(this.expiredUpTo, n);
      this.head += 1;
    }
    if (this.head > 4096 && this.head * 2 > this.fifoN.length) {
      this.fifoN = this.fifoN.slice(this.head);
      this.fifoHash = this.fifoHash.slice(this.head);
      this.fifoExpires = this.fifoExpires.slice(this.head);
      this.head = 0;
    }
    return forgotten;
  }

  private add(hash: number, n: number, expiresMs: number): void {
    this.byHash.set(hash, n);
    this.fifoN.push(n);
    this.fifoHash.push(hash);
    this.fifoExpires.push(expiresMs);
  }

  private clearStaged(): void {
    if (this.staged.length > 0) this.staged = [];
    this.stagedByKey.clear();
  }
}

const keyText = (source: string, key: string): string => `${source} ${key}`;

/** 52 bits from two 32-bit FNV-1a passes over `source key` (a Map key that is an exact double, not a string). */
export function hashKey(source: string, key: string): number {
  return hashText(keyText(source, key), key.length);
}

/** `text` is keyText(source, key); the key's length seeds the second pass, so "a b"+"c" and "a"+"b c" differ. */
function hashText(text: string, keyLength: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ keyLength;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) >>> 12);
}
