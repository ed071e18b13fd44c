/** The Forge runtime calls that are neither Jira REST nor storage: web trigger URL, egress fetch, queue retries. */
import { fetch as forgeFetch, webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { INGEST_WEBTRIGGER_KEY } from '../constants';
import type { RetryRequest } from '../delivery/retry-policy';

/** The ingest web trigger's URL, or null where Forge cannot say (not installed yet). */
export async function ingestWebTriggerUrl(): Promise<string | null> {
  try {
    return await webTrigger.getUrl(INGEST_WEBTRIGGER_KEY);
  } catch {
    return null;
  }
}

/** Forge's egress fetch (only to the manifest's `external.fetch.backend` addresses). */
export function egressFetch(url: string, init: RequestInit): Promise<Response> {
  return forgeFetch(url, init as Parameters<typeof forgeFetch>[1]) as unknown as Promise<Response>;
}

/** A job that must run again (Jira rate limit or outage) returns Forge's InvocationError, which the queue honours with `retryAfter`. */
export function invocationErrorFor(retry: RetryRequest | undefined): InvocationError | undefined {
  if (!retry) return undefined;
  return new InvocationError({
    retryAfter: retry.retryAfterSeconds,
    retryReason: retry.reason === 'upstream-rate-limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    retryData: retry.retryData,
  });
}
