import { z } from 'zod';
import { IMPACT_API_PREFIX } from './api';
import { IMPACT_CONTRACT_VERSION, impactIncidentSchema, impactUserSchema } from './incident';

/**
 * Revision 3 of contract v1 (additive, docs/impact-contract.md §2.4): paged lists of Impact's people (for the
 * app's user directory) and of incidents created since a date (for MTTA/MTTR). Offset paging: `offset` (≥ 0),
 * `limit` (1–100, default 50); `next_offset` is null on the last page. Order is stable: people by email,
 * incidents by `created_at` then id.
 */
export const IMPACT_LIST_MAX_LIMIT = 100;
export const IMPACT_LIST_DEFAULT_LIMIT = 50;

export const ImpactDirectoryPaths = {
  users: (offset: number, limit: number) => `${IMPACT_API_PREFIX}/users?offset=${offset}&limit=${limit}`,
  incidents: (createdAfter: string, offset: number, limit: number) =>
    `${IMPACT_API_PREFIX}/incidents?created_after=${encodeURIComponent(createdAfter)}&offset=${offset}&limit=${limit}`,
} as const;

export const ImpactDirectoryRoutes = {
  users: `${IMPACT_API_PREFIX}/users`,
  incidents: `${IMPACT_API_PREFIX}/incidents`,
} as const;

/** Query of both lists (strings, as they come from a URL). */
export const listPageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(IMPACT_LIST_MAX_LIMIT).default(IMPACT_LIST_DEFAULT_LIMIT),
});

export const listIncidentsQuerySchema = listPageQuerySchema.extend({
  /** Only incidents created at or after this instant (ISO 8601 with offset). */
  created_after: z.iso.datetime({ offset: true }),
});

const pageFields = {
  contract_version: z.literal(IMPACT_CONTRACT_VERSION),
  total: z.number().int().nonnegative(),
  next_offset: z.number().int().nonnegative().nullable(),
};

/** GET /api/v1/users → 200 */
export const listUsersResponseSchema = z.object({ ...pageFields, users: z.array(impactUserSchema) });
export type ListUsersResponse = z.infer<typeof listUsersResponseSchema>;

/** GET /api/v1/incidents?created_after= → 200 */
export const listIncidentsResponseSchema = z.object({ ...pageFields, incidents: z.array(impactIncidentSchema) });
export type ListIncidentsResponse = z.infer<typeof listIncidentsResponseSchema>;
