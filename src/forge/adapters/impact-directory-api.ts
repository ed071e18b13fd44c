import { fetch } from '@forge/api';
import type { z } from 'zod';
import { IMPACT_CONTRACT_VERSION, IMPACT_CONTRACT_VERSION_HEADER, ImpactDirectoryPaths, listIncidentsResponseSchema, listUsersResponseSchema } from '../../shared/impact';
import { SecretKeys } from '../constants';
import type { ImpactResult } from '../ports/impact';
import type { ImpactDirectoryPort } from '../ports/people';
import { failureOf, resolveImpactConnection, type ImpactApiDeps } from './impact-api';

const forgeFetch = (url: string, init: RequestInit): Promise<Response> => fetch(url, init as Parameters<typeof fetch>[1]) as unknown as Promise<Response>;

/** Impact's paged lists (contract §2.4) over Forge egress fetch; the connection is read per call like the API port's. */
export function createImpactDirectoryPort(deps: ImpactApiDeps): ImpactDirectoryPort {
  const send = deps.fetch ?? forgeFetch;
  async function get<T>(path: string, schema: z.ZodType<T>): Promise<ImpactResult<T>> {
    const connection = await resolveImpactConnection(deps);
    if (!connection) return { ok: false, failure: { kind: 'not-configured', message: `set secret ${SecretKeys.impactApi} or IMPACT_API_URL/IMPACT_API_TOKEN` } };
    let response: Response;
    try {
      response = await send(`${connection.baseUrl.replace(/\/+$/, '')}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${connection.token}`, accept: 'application/json', [IMPACT_CONTRACT_VERSION_HEADER]: String(IMPACT_CONTRACT_VERSION) },
      });
    } catch (error) {
      return { ok: false, failure: { kind: 'unavailable', status: undefined, message: error instanceof Error ? error.message : String(error) } };
    }
    const text = await response.text().catch(() => '');
    if (response.status < 200 || response.status > 299) return { ok: false, failure: failureOf(response, text, deps.clock.now()) };
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
  return {
    async usersPage(offset, limit) {
      const r = await get(ImpactDirectoryPaths.users(offset, limit), listUsersResponseSchema);
      return r.ok ? { ok: true, value: { items: r.value.users, total: r.value.total, nextOffset: r.value.next_offset } } : r;
    },
    async incidentsPage(createdAfterIso, offset, limit) {
      const r = await get(ImpactDirectoryPaths.incidents(createdAfterIso, offset, limit), listIncidentsResponseSchema);
      return r.ok ? { ok: true, value: { items: r.value.incidents, total: r.value.total, nextOffset: r.value.next_offset } } : r;
    },
  };
}
