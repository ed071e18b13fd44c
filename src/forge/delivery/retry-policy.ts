import { z } from 'zod';
import type { ApplyFailure } from '../alerts/outcomes';
import type { ImpactFailure } from '../ports/impact';

/** Where a queue job stands in Forge's retries (its retryContext). */
export interface RetryState {
  /** Forge's retryContext.retryCount: 0 on the first delivery. */
  readonly retryCount: number;
  readonly retryData: unknown;
}

/** How the consumer asks the queue to run a job again (turned into Forge's InvocationError by adapters/forge-runtime.ts). */
export interface RetryRequest {
  readonly retryAfterSeconds: number;
  /** rate-limited → FUNCTION_UPSTREAM_RATE_LIMITED; anything else → FUNCTION_RETRY_REQUEST. */
  readonly reason: 'upstream-rate-limited' | 'retry';
  /** Events of the job already applied, so the retry skips them (Forge allows 4 KB of retryData). */
  readonly retryData: { readonly done: readonly string[] };
}

const UNAVAILABLE_BASE_SECONDS = 5;
const MAX_DELAY_SECONDS = 900;

/**
 * Never sooner than Jira's Retry-After; exponential for outages; jitter on top so jobs that failed
 * together do not come back together.
 */
export function retryDelaySeconds(failure: ApplyFailure, retryCount: number, random: () => number): number {
  const jitter = (span: number) => Math.floor(random() * (span + 1));
  switch (failure.kind) {
    case 'rate-limited':
    case 'busy':
      return Math.min(MAX_DELAY_SECONDS, failure.retryAfterSeconds + jitter(Math.min(10, failure.retryAfterSeconds + retryCount)));
    default: {
      const base = Math.min(MAX_DELAY_SECONDS, UNAVAILABLE_BASE_SECONDS * 2 ** retryCount);
      return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(base / 2) + jitter(Math.ceil(base / 2))));
    }
  }
}

/** Keeps retryData under Forge's 4 KB: the newest ids win (older ones are re-applied harmlessly). */
export function boundedDone(ids: readonly string[], maxBytes = 3500): string[] {
  const out: string[] = [];
  let bytes = 20;
  for (const id of [...ids].reverse()) {
    bytes += id.length + 3;
    if (bytes > maxBytes) break;
    out.unshift(id);
  }
  return out;
}

const retryDataSchema = z.object({ done: z.array(z.string()) });

/** Ids of a job's events that an earlier attempt already applied (from the retry's retryData). */
export function appliedBefore(retryData: unknown): Set<string> {
  const previous = retryDataSchema.safeParse(retryData);
  return new Set(previous.success ? previous.data.done : []);
}

/** Asks the queue to run the job again after the failure's delay, skipping the events already done. */
export function retryRequest(failure: ApplyFailure, retryCount: number, done: ReadonlySet<string>, random: () => number): RetryRequest {
  return {
    retryAfterSeconds: retryDelaySeconds(failure, retryCount, random),
    reason: failure.kind === 'rate-limited' ? 'upstream-rate-limited' : 'retry',
    retryData: { done: boundedDone([...done]) },
  };
}

/**
 * The retry of a job that failed on Impact (meant for isRetryableImpactFailure): Impact's Retry-After is
 * honoured like Jira's, anything else backs off like an outage. Such jobs hold one item, so nothing is done.
 */
export function impactRetryRequest(failure: ImpactFailure, retryCount: number, random: () => number): RetryRequest {
  const asApply: ApplyFailure =
    failure.kind === 'rate-limited'
      ? { kind: 'rate-limited', retryAfterSeconds: failure.retryAfterSeconds, reason: undefined }
      : failure.kind === 'unavailable'
        ? { kind: 'unavailable', status: failure.status, message: failure.message }
        : { kind: 'unavailable', status: undefined, message: failure.kind };
  return retryRequest(asApply, retryCount, new Set(), random);
}
