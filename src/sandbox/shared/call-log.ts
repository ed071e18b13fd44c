/**
 * An append-only, bounded log with a monotonic sequence number per entry, so a reader can ask for "everything
 * after the cursor I saw last" (`/_sim/calls?after=`) even after old entries were trimmed or the log cleared.
 */
export type Sequenced<T> = T & { readonly seq: number };

export interface LogPage<T> {
  readonly entries: readonly Sequenced<T>[];
  /** Pass back as `after` to read what comes next: the last returned seq, or the `after` given if none. */
  readonly cursor: number;
  /** More entries after this page are already in the log. */
  readonly hasMore: boolean;
}

export class SequencedLog<T extends object> {
  private readonly items: Sequenced<T>[] = [];
  private seq = 0;

  constructor(private readonly capacity = 100_000) {}

  record(entry: T): void {
    this.seq += 1;
    this.items.push({ ...entry, seq: this.seq });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  entries(): readonly Sequenced<T>[] {
    return [...this.items];
  }

  /** Forgets the entries; sequence numbers keep counting, so cursors taken before stay valid. */
  clear(): void {
    this.items.length = 0;
  }

  count(filter: (entry: Sequenced<T>) => boolean = () => true): number {
    return this.items.filter(filter).length;
  }

  /** The seq of the newest entry recorded so far (0 before the first). */
  cursor(): number {
    return this.seq;
  }

  /** Entries with seq > after, oldest first, at most `limit`. */
  page(after: number, limit: number, filter: (entry: Sequenced<T>) => boolean = () => true): LogPage<T> {
    const newer = this.items.filter((e) => e.seq > after && filter(e));
    const entries = newer.slice(0, limit);
    const last = entries.at(-1);
    return { entries, cursor: last ? last.seq : after, hasMore: newer.length > entries.length };
  }
}
