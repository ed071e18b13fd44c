/**
 * Fault injection per route pattern, shared by the simulators: the next N matching requests fail with a
 * status, get extra latency, or lose their connection. Patterns are `METHOD /path` or `/path` (any
 * method), where `*` matches one path segment and `**` any rest, e.g. `POST /rest/api/3/issue/*\/transitions`.
 * A failure may wait `delayMs` first (a slow 503, a connection that hangs and then resets).
 */
export type FaultSpec =
  | { readonly kind: 'status'; readonly status: number; readonly times?: number; readonly body?: unknown; readonly retryAfterSeconds?: number; readonly delayMs?: number }
  | { readonly kind: 'latency'; readonly ms: number; readonly times?: number }
  | { readonly kind: 'drop'; readonly times?: number; readonly delayMs?: number }
  /**
   * The request is carried out, then the connection drops before the answer: the caller cannot tell
   * whether it happened (a timeout after the server committed). What makes creates need idempotency.
   */
  | { readonly kind: 'drop-response'; readonly times?: number; readonly delayMs?: number };

/** How long a fault holds the request before it acts (`latency`'s ms, or a failure's `delayMs`). */
export function faultDelayMs(spec: FaultSpec): number {
  return spec.kind === 'latency' ? spec.ms : (spec.delayMs ?? 0);
}

export interface ActiveFault {
  readonly id: number;
  readonly pattern: string;
  readonly spec: FaultSpec;
  remaining: number;
}

export interface FaultRegistryOptions {
  /**
   * `all`: every matching fault applies to one request (a status and a drop may both fire). `one`: at most
   * one failure per request (the oldest), so failures injected in a row hit consecutive requests.
   */
  readonly failuresPerRequest: 'all' | 'one';
}

function compile(pattern: string): (method: string, path: string) => boolean {
  const space = pattern.indexOf(' ');
  const method = space > 0 ? pattern.slice(0, space).toUpperCase() : undefined;
  const pathPattern = space > 0 ? pattern.slice(space + 1) : pattern;
  const source = pathPattern
    .split('**')
    .map((part) => part.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+'))
    .join('.*');
  const regex = new RegExp(`^${source}/?$`);
  return (m, p) => (method === undefined || method === m.toUpperCase()) && regex.test(p);
}

export class FaultRegistry {
  private readonly active: (ActiveFault & { readonly matches: (m: string, p: string) => boolean })[] = [];
  private seq = 0;

  constructor(private readonly options: FaultRegistryOptions = { failuresPerRequest: 'all' }) {}

  /** Adds a fault for the next `times` (default 1; Infinity for always) matching requests; returns its id. */
  inject(pattern: string, spec: FaultSpec): number {
    this.seq += 1;
    this.active.push({ id: this.seq, pattern, spec, remaining: spec.times ?? 1, matches: compile(pattern) });
    return this.seq;
  }

  remove(id: number): void {
    const index = this.active.findIndex((f) => f.id === id);
    if (index >= 0) this.active.splice(index, 1);
  }

  clear(): void {
    this.active.length = 0;
  }

  list(): readonly ActiveFault[] {
    return this.active.map(({ id, pattern, spec, remaining }) => ({ id, pattern, spec, remaining }));
  }

  /** The faults that apply to this request, each consumed once (latency always combines with a failure). */
  take(method: string, path: string): FaultSpec[] {
    const hits: FaultSpec[] = [];
    let failed = false;
    for (const fault of [...this.active]) {
      if (!fault.matches(method, path)) continue;
      if (fault.spec.kind !== 'latency') {
        if (failed && this.options.failuresPerRequest === 'one') continue;
        failed = true;
      }
      hits.push(fault.spec);
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.remove(fault.id);
    }
    return hits;
  }
}

/** What a simulator's outermost middleware gives `meetFaults`. */
export interface FaultStage {
  readonly sleep: (ms: number) => Promise<void>;
  /** Records the request's outcome in the simulator's call log (0: the connection dropped). */
  readonly log: (status: number) => void;
  /** The error a dropped connection throws (each simulator has its own). */
  readonly dropped: () => Error;
}

/** What is left to the simulator: answer an injected status in its own words, or run the route. */
export type FaultOutcome =
  | { readonly kind: 'status'; readonly fault: Extract<FaultSpec, { kind: 'status' }> }
  /** `dropResponse`: the route runs, then the caller never hears its answer. */
  | { readonly kind: 'run'; readonly dropResponse: boolean };

/**
 * Plays the faults `take` returned, in order, as both simulators' outermost middleware does: each waits its delay
 * first; latency passes; a drop is logged and thrown; an injected status is logged and ends the request; a
 * drop-response lets the route run.
 */
export async function meetFaults(faults: readonly FaultSpec[], stage: FaultStage): Promise<FaultOutcome> {
  let dropResponse = false;
  for (const fault of faults) {
    const delay = faultDelayMs(fault);
    if (delay > 0) await stage.sleep(delay);
    switch (fault.kind) {
      case 'latency':
        break;
      case 'drop':
        stage.log(0);
        throw stage.dropped();
      case 'drop-response':
        dropResponse = true;
        break;
      case 'status':
        stage.log(fault.status);
        return { kind: 'status', fault };
    }
  }
  return { kind: 'run', dropResponse };
}
