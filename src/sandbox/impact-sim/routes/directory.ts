/**
 * The contract's lists (§2.4): Impact's people and the incidents created since a date, offset-paged. Behind
 * the API guard registerApiRoutes installs on the prefix (Bearer token, contract version header).
 */
import type { Hono } from 'hono';
import {
  IMPACT_CONTRACT_VERSION,
  ImpactDirectoryRoutes,
  listIncidentsQuerySchema,
  listIncidentsResponseSchema,
  listPageQuerySchema,
  listUsersResponseSchema,
} from '../../../shared/impact';
import { parseOrFail } from '../errors';
import type { ImpactSimEnv } from '../http';
import type { ImpactStore } from '../store';

function page<T>(items: readonly T[], offset: number, limit: number): { items: T[]; total: number; next_offset: number | null } {
  const end = offset + limit;
  return { items: items.slice(offset, end), total: items.length, next_offset: end < items.length ? end : null };
}

export function registerDirectoryRoutes(app: Hono<ImpactSimEnv>, deps: { readonly store: ImpactStore }): void {
  app.get(ImpactDirectoryRoutes.users, (c) => {
    const query = parseOrFail(listPageQuerySchema, c.req.query(), 'query');
    const users = deps.store.listUsers().sort((a, b) => a.email.toLowerCase().localeCompare(b.email.toLowerCase()));
    const { items, ...rest } = page(users, query.offset, query.limit);
    return c.json(listUsersResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, users: items, ...rest }), 200);
  });

  app.get(ImpactDirectoryRoutes.incidents, (c) => {
    const query = parseOrFail(listIncidentsQuerySchema, c.req.query(), 'query');
    const after = Date.parse(query.created_after);
    const incidents = deps.store
      .list()
      .filter((i) => Date.parse(i.created_at) >= after)
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id));
    const { items, ...rest } = page(incidents, query.offset, query.limit);
    return c.json(listIncidentsResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, incidents: items, ...rest }), 200);
  });
}
