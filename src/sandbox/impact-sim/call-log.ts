/** Every request the simulator answered (or dropped), for tests and benchmarks (Impact calls per change). */
export interface ImpactCallLogEntry {
  readonly method: string;
  readonly path: string;
  /** Route template such as `/api/v1/incidents/:id`, or the path when no route matched. */
  readonly route: string;
  /** `api` = the contract's API (what the app calls), `admin` = the simulator's control surface. */
  readonly surface: 'api' | 'admin';
  /** HTTP status, or 0 when the connection was dropped by a fault. */
  readonly status: number;
  /** API client name of the Bearer token, `null` when unauthenticated or on the admin surface. */
  readonly client: string | null;
  /** Simulator clock when the request arrived (ms since epoch). */
  readonly at: number;
}

export class ImpactCallLog {
  private readonly items: ImpactCallLogEntry[] = [];

  constructor(private readonly capacity = 100_000) {}

  record(entry: ImpactCallLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  entries(): readonly ImpactCallLogEntry[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }

  count(filter: (entry: ImpactCallLogEntry) => boolean = () => true): number {
    return this.items.filter(filter).length;
  }
}
