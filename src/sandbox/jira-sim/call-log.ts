/** Every request the simulator answered (or dropped), for tests and benchmarks. */
export interface CallLogEntry {
  readonly method: string;
  readonly path: string;
  /** Route template such as `/rest/api/3/issue/{issueIdOrKey}`, or the path when no route matched. */
  readonly route: string;
  /** HTTP status, or 0 when the connection was dropped by a fault. */
  readonly status: number;
  /** accountId of the caller, `null` when unauthenticated. */
  readonly actor: string | null;
  readonly actorIsApp: boolean;
  /** Simulator clock when the request arrived (ms since epoch). */
  readonly at: number;
  readonly rateLimitReason?: string;
}

export class CallLog {
  private readonly items: CallLogEntry[] = [];

  constructor(private readonly capacity = 100_000) {}

  record(entry: CallLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  entries(): readonly CallLogEntry[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }

  count(filter: (entry: CallLogEntry) => boolean = () => true): number {
    return this.items.filter(filter).length;
  }
}
