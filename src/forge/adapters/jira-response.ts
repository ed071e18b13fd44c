import { z } from 'zod';
import type { StatusCategory } from '../domain/alerts';
import type { JiraFailure, JiraResult, JiraStatus } from '../ports/jira';

/** The parts of a `requestJira` response the adapter reads (Forge's APIResponse and fetch's Response both fit). */
export interface JiraHttpResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Without a usable Retry-After, wait this long: Jira's burst windows are about a second, quota windows longer. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

const errorCollectionSchema = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  message: z.string().optional(),
});

/** Jira's own words: `errorMessages` plus `field: message` for each entry of `errors`. */
export function jiraMessages(bodyText: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return bodyText.trim() === '' ? [] : [bodyText.trim().slice(0, 500)];
  }
  const parsed = errorCollectionSchema.safeParse(json);
  if (!parsed.success) return [];
  const { errorMessages = [], errors = {}, message } = parsed.data;
  return [...errorMessages, ...Object.entries(errors).map(([field, text]) => `${field}: ${text}`), ...(message ? [message] : [])];
}

/** `Retry-After` in seconds or as an HTTP date; at least 1 s. */
export function retryAfterSeconds(value: string | null, nowMs: number): number {
  if (value === null || value.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((date - nowMs) / 1000));
}

/** Maps a non-2xx response to the closed failure union. */
export async function failureOf(response: JiraHttpResponse, nowMs: number): Promise<JiraFailure> {
  const text = await response.text().catch(() => '');
  const messages = jiraMessages(text);
  const status = response.status;
  if (status === 429) {
    return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), nowMs), reason: response.headers.get('ratelimit-reason') ?? undefined };
  }
  if (status >= 500) {
    const retry = response.headers.get('retry-after');
    // A 503 with Retry-After is Jira asking to slow down: treat it like a rate limit so the wait is honoured.
    if (status === 503 && retry !== null) return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(retry, nowMs), reason: 'service-unavailable' };
    return { kind: 'unavailable', status, message: messages.join('; ') || `HTTP ${status}` };
  }
  if (status === 404) return { kind: 'not-found', message: messages.join('; ') || 'HTTP 404' };
  return { kind: 'rejected', status, jiraMessages: messages.length > 0 ? messages : [`HTTP ${status}`] };
}

/** Reads a 2xx body with a schema; a body that does not fit is Jira misbehaving, so "unavailable" (retry). */
export async function parseSuccess<T>(response: JiraHttpResponse, schema: z.ZodType<T>): Promise<JiraResult<T>> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, failure: { kind: 'unavailable', status: response.status, message: 'Jira answered with a body that is not JSON' } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, failure: { kind: 'unavailable', status: response.status, message: `unexpected Jira response: ${parsed.error.issues[0]?.message ?? 'invalid'}` } };
  return { ok: true, value: parsed.data };
}

/**
 * Sends one Jira request and turns the outcome into a JiraResult: a thrown fetch is `unavailable`, a
 * non-2xx answer is classified by `failureOf`, a 2xx body is parsed with the schema.
 */
export async function callJira<T>(send: () => Promise<JiraHttpResponse>, schema: z.ZodType<T>, nowMs: () => number): Promise<JiraResult<T>> {
  let response: JiraHttpResponse;
  try {
    response = await send();
  } catch (error) {
    return { ok: false, failure: { kind: 'unavailable', status: undefined, message: error instanceof Error ? error.message : String(error) } };
  }
  if (response.status < 200 || response.status > 299) return { ok: false, failure: await failureOf(response, nowMs()) };
  return parseSuccess(response, schema);
}

export const statusSchema = z
  .object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }).loose().optional() })
  .loose()
  .transform((s): JiraStatus => ({ id: s.id, name: s.name, category: categoryOf(s.statusCategory?.key) }));

export function categoryOf(key: string | undefined): StatusCategory {
  return key === 'new' || key === 'indeterminate' || key === 'done' ? key : 'unknown';
}
