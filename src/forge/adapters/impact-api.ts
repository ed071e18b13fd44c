import { fetch } from '@forge/api';
import { z } from 'zod';
import {
  etagOf,
  IMPACT_CONTRACT_VERSION,
  IMPACT_CONTRACT_VERSION_HEADER,
  IMPACT_IF_MATCH_HEADER,
  ImpactApiPaths,
  apiErrorSchema,
  getIncidentResponseSchema,
  followUpResponseSchema,
  noteResponseSchema,
  postNoteResponseSchema,
  updateIncidentResponseSchema,
  type PostNoteRequest,
  type UpdateFollowUpRequest,
  type UpdateNoteRequest,
  type UpdateIncidentRequest,
} from '../../shared/impact';
import { SecretKeys } from '../constants';
import type { Clock } from '../ports/clock';
import type { ImpactConnection, ImpactFailure, ImpactPort, ImpactResult } from '../ports/impact';
import type { SecretStore } from '../ports/key-value-store';
import { retryAfterSeconds } from './jira-response';

/**
 * Impact API client over Forge's egress `fetch` (the host must be declared in manifest.yml
 * `permissions.external.fetch.backend`). The connection is read per call, so a token an admin rotates
 * in secret storage takes effect at once.
 */
export interface ImpactApiDeps {
  readonly secrets: SecretStore;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** Defaults to @forge/api's fetch (plain global fetch outside the Forge runtime). */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The `impact-api` secret: `{baseUrl, token, updatedAt?}` (updatedAt: when an admin last saved it, ISO). */
export const impactConnectionSchema = z.object({ baseUrl: z.url(), token: z.string().min(1), updatedAt: z.string().optional() });

/** The connection in effect and where it comes from; the Connection tab shows this without the token. */
export type ImpactConnectionLookup =
  | { readonly source: 'secret-storage'; readonly baseUrl: string; readonly token: string; readonly updatedAt: string | null }
  | { readonly source: 'environment'; readonly baseUrl: string; readonly token: string; readonly updatedAt: null }
  | { readonly source: 'none'; readonly baseUrl: null; readonly token: null; readonly updatedAt: null };

/** Secret storage first (an admin's save wins), else env IMPACT_API_URL/IMPACT_API_TOKEN. */
export async function lookupImpactConnection(deps: Pick<ImpactApiDeps, 'secrets' | 'env'>): Promise<ImpactConnectionLookup> {
  const stored = impactConnectionSchema.safeParse(await deps.secrets.getSecret<unknown>(SecretKeys.impactApi));
  if (stored.success) return { source: 'secret-storage', baseUrl: stored.data.baseUrl, token: stored.data.token, updatedAt: stored.data.updatedAt ?? null };
  const fromEnv = impactConnectionSchema.safeParse({ baseUrl: deps.env['IMPACT_API_URL'], token: deps.env['IMPACT_API_TOKEN'] });
  if (fromEnv.success) return { source: 'environment', baseUrl: fromEnv.data.baseUrl, token: fromEnv.data.token, updatedAt: null };
  return { source: 'none', baseUrl: null, token: null, updatedAt: null };
}

export async function resolveImpactConnection(deps: Pick<ImpactApiDeps, 'secrets' | 'env'>): Promise<ImpactConnection | null> {
  const c = await lookupImpactConnection(deps);
  return c.source === 'none' ? null : { baseUrl: c.baseUrl, token: c.token };
}

const noteOf = (note: { id: string; message: string; version: number }) => ({ id: note.id, message: note.message, version: note.version });

const forgeFetch = (url: string, init: RequestInit): Promise<Response> => fetch(url, init as Parameters<typeof fetch>[1]) as unknown as Promise<Response>;

/**
 * One Impact API call: the connection read now, the contract version header, JSON in and out. A thrown
 * fetch or a body that is not JSON or does not fit the schema is `unavailable`; non-2xx goes through
 * `failureOf`. The API port and the directory port both send through it.
 */
export async function callImpact<T>(deps: ImpactApiDeps, method: 'GET' | 'PATCH' | 'POST' | 'DELETE', path: string, body: unknown, schema: z.ZodType<T>, ifVersion?: number): Promise<ImpactResult<T>> {
  const send = deps.fetch ?? forgeFetch;
  const connection = await resolveImpactConnection(deps);
  if (!connection) return { ok: false, failure: { kind: 'not-configured', message: `set secret ${SecretKeys.impactApi} or IMPACT_API_URL/IMPACT_API_TOKEN` } };
  let response: Response;
  try {
    response = await send(`${connection.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        accept: 'application/json',
        [IMPACT_CONTRACT_VERSION_HEADER]: String(IMPACT_CONTRACT_VERSION),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(ifVersion === undefined ? {} : { [IMPACT_IF_MATCH_HEADER]: etagOf(ifVersion) }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    return { ok: false, failure: { kind: 'unavailable', status: undefined, message: error instanceof Error ? error.message : String(error) } };
  }
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) return { ok: false, failure: failureOf(response, text, deps.clock.now()) };
  if (response.status === 204) {
    const parsed = schema.safeParse(undefined);
    if (parsed.success) return { ok: true, value: parsed.data };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, failure: { kind: 'unavailable', status: response.status, message: 'Impact answered with a body that is not JSON' } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, failure: { kind: 'unavailable', status: response.status, message: `unexpected Impact response: ${parsed.error.issues[0]?.message ?? 'invalid'}` } };
  return { ok: true, value: parsed.data };
}

export function createImpactApiPort(deps: ImpactApiDeps): ImpactPort {
  return {
    async getIncident(incidentId) {
      const result = await callImpact(deps, 'GET', ImpactApiPaths.incident(incidentId), undefined, getIncidentResponseSchema);
      return result.ok ? { ok: true, value: result.value.incident } : result;
    },
    async updateIncident(incidentId, request: UpdateIncidentRequest, options = {}) {
      const result = await callImpact(deps, 'PATCH', ImpactApiPaths.incident(incidentId), request, updateIncidentResponseSchema, options.ifVersion);
      return result.ok ? { ok: true, value: result.value.incident } : result;
    },
    async postNote(incidentId, request: PostNoteRequest) {
      const result = await callImpact(deps, 'POST', ImpactApiPaths.notes(incidentId), request, postNoteResponseSchema);
      return result.ok ? { ok: true, value: noteOf(result.value.note) } : result;
    },
    async updateNote(incidentId, noteId, request: UpdateNoteRequest, options = {}) {
      const result = await callImpact(deps, 'PATCH', ImpactApiPaths.note(incidentId, noteId), request, noteResponseSchema, options.ifVersion);
      return result.ok ? { ok: true, value: noteOf(result.value.note) } : result;
    },
    async getFollowUp(incidentId, followUpId) {
      const result = await callImpact(deps, 'GET', ImpactApiPaths.followUp(incidentId, followUpId), undefined, followUpResponseSchema);
      return result.ok ? { ok: true, value: result.value.follow_up } : result;
    },
    async updateFollowUp(incidentId, followUpId, request: UpdateFollowUpRequest, options = {}) {
      const result = await callImpact(deps, 'PATCH', ImpactApiPaths.followUp(incidentId, followUpId), request, followUpResponseSchema, options.ifVersion);
      return result.ok ? { ok: true, value: result.value.follow_up } : result;
    },
    async deleteNote(incidentId, noteId, origin) {
      return callImpact(deps, 'DELETE', `${ImpactApiPaths.note(incidentId, noteId)}?origin=${encodeURIComponent(origin)}`, undefined, z.undefined());
    },
  };
}

/** Maps a non-2xx answer to the failure union (contract §2 error codes). */
export function failureOf(response: { status: number; headers: { get(name: string): string | null } }, text: string, nowMs: number): ImpactFailure {
  let parsed: z.infer<typeof apiErrorSchema> | undefined;
  try {
    const result = apiErrorSchema.safeParse(JSON.parse(text));
    if (result.success) parsed = result.data;
  } catch {
    parsed = undefined;
  }
  const message = parsed?.error.message ?? (text.trim().slice(0, 300) || `HTTP ${response.status}`);
  const status = response.status;
  if (status === 429) return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), nowMs) };
  if (status >= 500) return { kind: 'unavailable', status, message };
  if (status === 404) return { kind: 'not-found', message };
  // A failed If-Match names the version Impact holds now (contract §2.1); other 409s stay refusals.
  if (status === 409 && parsed?.error.current_version !== undefined) return { kind: 'conflict', currentVersion: parsed.error.current_version, message };
  const details = parsed?.error.details?.map((d) => `${d.path}: ${d.message}`) ?? [];
  return { kind: 'rejected', status, code: parsed?.error.code ?? 'unknown', messages: [message, ...details] };
}
