/**
 * Jira Cloud's burst and per-issue write limits, counted on the injected clock so tests are deterministic.
 * Burst: per endpoint (method + route template), fixed one-second windows. Per issue: sliding windows over
 * writes to the same issue. Numbers are Atlassian's published ones (see FORGE-NOTES §6), overridable.
 */
export interface RateLimitConfig {
  readonly enabled: boolean;
  readonly burstPerSecond: { readonly GET: number; readonly POST: number; readonly PUT: number; readonly DELETE: number };
  /** [maxWrites, windowMs] pairs applied to writes on one issue. */
  readonly perIssueWrites: readonly (readonly [number, number])[];
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: true,
  burstPerSecond: { GET: 100, POST: 100, PUT: 50, DELETE: 50 },
  perIssueWrites: [
    [20, 2_000],
    [100, 30_000],
  ],
};

export type RateLimitReason = 'jira-burst-based' | 'jira-per-issue-on-write';

export interface RateLimitRefusal {
  readonly reason: RateLimitReason;
  readonly limit: number;
  readonly retryAfterSeconds: number;
  readonly resetAt: number;
}

type Method = keyof RateLimitConfig['burstPerSecond'];
const isLimitedMethod = (m: string): m is Method => m === 'GET' || m === 'POST' || m === 'PUT' || m === 'DELETE';

export class RateLimiter {
  private config: RateLimitConfig;
  private readonly burst = new Map<string, { windowStart: number; count: number }>();
  private readonly writes = new Map<string, number[]>();

  constructor(config: RateLimitConfig, private readonly now: () => number) {
    this.config = config;
  }

  get settings(): RateLimitConfig {
    return this.config;
  }

  configure(patch: Partial<RateLimitConfig>): void {
    this.config = { ...this.config, ...patch };
  }

  setEnabled(enabled: boolean): void {
    this.configure({ enabled });
  }

  reset(): void {
    this.burst.clear();
    this.writes.clear();
  }

  /** Counts one request; returns the refusal when it is over a limit (a refused request is not counted). */
  check(method: string, routeTemplate: string, issueId: string | undefined): RateLimitRefusal | null {
    if (!this.config.enabled || !isLimitedMethod(method)) return null;
    const now = this.now();
    const burstKey = `${method} ${routeTemplate}`;
    const limit = this.config.burstPerSecond[method];
    const windowStart = Math.floor(now / 1000) * 1000;
    const slot = this.burst.get(burstKey);
    const current = slot && slot.windowStart === windowStart ? slot : { windowStart, count: 0 };
    if (current.count >= limit) {
      const resetAt = windowStart + 1000;
      return { reason: 'jira-burst-based', limit, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt };
    }
    if (issueId !== undefined && method !== 'GET') {
      const history = (this.writes.get(issueId) ?? []).filter((t) => t > now - this.longestWindow());
      for (const [max, windowMs] of this.config.perIssueWrites) {
        const inWindow = history.filter((t) => t > now - windowMs);
        if (inWindow.length >= max) {
          const oldest = inWindow[inWindow.length - max] ?? now;
          const resetAt = oldest + windowMs;
          return { reason: 'jira-per-issue-on-write', limit: max, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt };
        }
      }
      history.push(now);
      this.writes.set(issueId, history);
    }
    current.count += 1;
    this.burst.set(burstKey, current);
    return null;
  }

  private longestWindow(): number {
    return Math.max(0, ...this.config.perIssueWrites.map(([, w]) => w));
  }
}
