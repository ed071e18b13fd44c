/**
 * KVS operation limits per installation [D limits-kvs-ce, updated 2025-12-01]: 1,000 requests per second,
 * 4,000 reads and 4,000 writes per minute counted in 10 KB units ("a request of 65 KB counts as 7"). A request
 * over a quota answers HTTP 429 with code RATE_LIMIT_EXCEEDED [D handling-errors-kvs]; @forge/kvs turns that
 * into a thrown ForgeKvsAPIError like any other non-2xx answer.
 * [A] How a batch counts is not documented: the host counts every item of a batch as its own request (at
 * least one unit each), and reads by the size of what they return. Windows are sliding, on the injected clock.
 */
export const KVS_QUOTA = { requestsPerSecond: 1_000, readUnitsPerMinute: 4_000, writeUnitsPerMinute: 4_000, unitBytes: 10 * 1024 } as const;

export type KvsOpKind = 'read' | 'write';

interface Entry {
  readonly at: number;
  readonly units: number;
}

class Window {
  private readonly entries: Entry[] = [];
  private head = 0;
  private sum = 0;

  constructor(private readonly spanMs: number) {}

  total(now: number): number {
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).at <= now - this.spanMs) {
      this.sum -= (this.entries[this.head] as Entry).units;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return this.sum;
  }

  add(now: number, units: number): void {
    this.entries.push({ at: now, units });
    this.sum += units;
  }
}

export function unitsOf(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KVS_QUOTA.unitBytes));
}

/** Sliding-window meter of one installation's KVS use; `admit` says whether a request fits. */
export class KvsQuota {
  private readonly perSecond = new Window(1_000);
  private readonly reads = new Window(60_000);
  private readonly writes = new Window(60_000);
  private rejected = 0;
  private readonly rejectedBy: Record<KvsOpKind | 'perSecond', number> = { read: 0, write: 0, perSecond: 0 };

  constructor(private readonly clock: () => number) {}

  /** Writes are charged before they run (by request size); reads after (by response size), if admitted. */
  admit(kind: KvsOpKind, units: number): boolean {
    const now = this.clock();
    if (this.perSecond.total(now) + 1 > KVS_QUOTA.requestsPerSecond) return this.reject('perSecond');
    const window = kind === 'read' ? this.reads : this.writes;
    const limit = kind === 'read' ? KVS_QUOTA.readUnitsPerMinute : KVS_QUOTA.writeUnitsPerMinute;
    if (window.total(now) + units > limit) return this.reject(kind);
    this.perSecond.add(now, 1);
    window.add(now, units);
    return true;
  }

  /** Reads are charged by what they return, known only after the store answered. */
  chargeRead(units: number): void {
    this.reads.add(this.clock(), units);
  }

  /** Requests refused with 429 so far. */
  rejections(): number {
    return this.rejected;
  }

  /** Requests refused so far, by the quota they met (for benches: which one a workload runs into). */
  rejectionsByQuota(): Readonly<Record<KvsOpKind | 'perSecond', number>> {
    return { ...this.rejectedBy };
  }

  private reject(quota: KvsOpKind | 'perSecond'): false {
    this.rejected += 1;
    this.rejectedBy[quota] += 1;
    return false;
  }
}
