import type { z } from 'zod';
import { ImpactDirectoryPaths, listIncidentsResponseSchema, listUsersResponseSchema } from '../../shared/impact';
import type { ImpactResult } from '../ports/impact';
import type { ImpactDirectoryPort } from '../ports/people';
import { callImpact, type ImpactApiDeps } from './impact-api';

/** Impact's paged lists (contract §2.4) over Forge egress fetch; the connection is read per call like the API port's. */
export function createImpactDirectoryPort(deps: ImpactApiDeps): ImpactDirectoryPort {
  const get = <T>(path: string, schema: z.ZodType<T>): Promise<ImpactResult<T>> => callImpact(deps, 'GET', path, undefined, schema);
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
