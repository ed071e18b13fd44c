import type { JiraResult } from '../ports/jira';

/**
 * A burst 429 (Jira's per-second windows) usually clears in a second. Waiting that long inside the
 * invocation is cheaper than a queue retry (another Forge invocation, and the whole job again), so short
 * Retry-After values are honoured in place, within a budget per invocation; longer ones, and anything
 * past the budget, go back to the caller, which asks the queue to retry.
 */
export interface BriefWaitOptions {
  /** Longest Retry-After waited for in place. */
  readonly maxWaitSeconds: number;
  /** Total waiting allowed for this instance (one per invocation, shared by every port it wraps). */
  readonly budgetSeconds: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Any port whose every method answers a JiraResult (the alert port, the incident port, …). */
export type JiraResultPort<P> = { readonly [K in keyof P]: (...args: never[]) => Promise<JiraResult<unknown>> };

export interface BriefWaits {
  /** One Jira call, tried again after each short 429 while the budget lasts. */
  run<T>(call: () => Promise<JiraResult<T>>): Promise<JiraResult<T>>;
  /** The same port with every method going through `run`; ports wrapped by one instance share its budget. */
  wrap<P extends JiraResultPort<P>>(port: P): P;
}

export function briefRateLimitWaits(options: BriefWaitOptions): BriefWaits {
  let spentMs = 0;
  const run = async <T>(call: () => Promise<JiraResult<T>>): Promise<JiraResult<T>> => {
    for (;;) {
      const result = await call();
      if (result.ok || result.failure.kind !== 'rate-limited' || result.failure.retryAfterSeconds > options.maxWaitSeconds) return result;
      // Jitter so the calls refused together do not return together.
      const waitMs = result.failure.retryAfterSeconds * 1000 + Math.floor(options.random() * 250);
      if (spentMs + waitMs > options.budgetSeconds * 1000) return result;
      spentMs += waitMs;
      await options.sleep(waitMs);
    }
  };
  const wrap = <P extends JiraResultPort<P>>(port: P): P => {
    // Ports are object literals of methods (every adapter here is), so their own keys are the whole port.
    const wrapped: Record<string, unknown> = {};
    for (const name of Object.keys(port)) {
      const method = (port as unknown as Record<string, (...args: unknown[]) => Promise<JiraResult<unknown>>>)[name];
      if (typeof method === 'function') wrapped[name] = (...args: unknown[]) => run(() => method.apply(port, args));
    }
    return wrapped as P;
  };
  return { run, wrap };
}
