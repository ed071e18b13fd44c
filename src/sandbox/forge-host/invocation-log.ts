/** What happened to one function invocation; benchmarks and tests read these. */
export type InvocationOutcome = 'ok' | 'error' | 'timeout' | 'retry-requested';

export interface InvocationRecord {
  readonly invocationId: string;
  readonly functionKey: string;
  readonly moduleKey: string;
  readonly kind: string;
  /** Injected-clock time the invocation started (ms since epoch). */
  readonly startedAt: number;
  /** Real elapsed time (monotonic), so benchmarks measure the handler, not the fake clock. */
  readonly durationMs: number;
  readonly outcome: InvocationOutcome;
  readonly error?: string;
}

export interface InvocationCounters {
  readonly total: number;
  readonly byOutcome: Readonly<Record<InvocationOutcome, number>>;
  readonly byFunction: Readonly<Record<string, number>>;
}

/** In-memory ring of the latest invocations plus running counters that never drop entries. */
export class InvocationLog {
  private readonly entries: InvocationRecord[] = [];
  private total = 0;
  private readonly outcomes: Record<InvocationOutcome, number> = { ok: 0, error: 0, timeout: 0, 'retry-requested': 0 };
  private readonly functions: Record<string, number> = {};

  constructor(private readonly capacity = 10_000) {}

  record(entry: InvocationRecord): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    this.total += 1;
    this.outcomes[entry.outcome] += 1;
    this.functions[entry.functionKey] = (this.functions[entry.functionKey] ?? 0) + 1;
  }

  list(filter?: { functionKey?: string; moduleKey?: string }): InvocationRecord[] {
    return this.entries.filter(
      (e) => (filter?.functionKey === undefined || e.functionKey === filter.functionKey) && (filter?.moduleKey === undefined || e.moduleKey === filter.moduleKey),
    );
  }

  counters(): InvocationCounters {
    return { total: this.total, byOutcome: { ...this.outcomes }, byFunction: { ...this.functions } };
  }
}
