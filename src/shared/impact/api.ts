import { z } from 'zod';
import { originMarkerSchema } from './origin';
import { IMPACT_CONTRACT_VERSION, impactIncidentSchema, impactPrioritySchema, impactStatusSchema, impactVersionSchema } from './incident';

/**
 * Impact REST API the Forge app calls, contract version 1 (docs/impact-contract.md).
 * Every request carries `Authorization: Bearer <token>` and `X-Impact-Contract-Version: 1`; every write
 * carries an `origin` marker which Impact copies into the webhook it fires for that change.
 */
export const IMPACT_API_PREFIX = '/api/v1';
export const IMPACT_CONTRACT_VERSION_HEADER = 'x-impact-contract-version';

const incidentPath = (id: string): string => `${IMPACT_API_PREFIX}/incidents/${encodeURIComponent(id)}`;

export const ImpactApiPaths = {
  incident: incidentPath,
  notes: (id: string) => `${incidentPath(id)}/notes`,
  note: (id: string, noteId: string) => `${incidentPath(id)}/notes/${encodeURIComponent(noteId)}`,
  followUps: (id: string) => `${incidentPath(id)}/follow-ups`,
  followUp: (id: string, followUpId: string) => `${incidentPath(id)}/follow-ups/${encodeURIComponent(followUpId)}`,
} as const;

/** Route templates, for servers (Hono syntax). */
export const ImpactApiRoutes = {
  incident: `${IMPACT_API_PREFIX}/incidents/:id`,
  notes: `${IMPACT_API_PREFIX}/incidents/:id/notes`,
  note: `${IMPACT_API_PREFIX}/incidents/:id/notes/:noteId`,
  followUps: `${IMPACT_API_PREFIX}/incidents/:id/follow-ups`,
  followUp: `${IMPACT_API_PREFIX}/incidents/:id/follow-ups/:followUpId`,
} as const;

export { originMarkerSchema } from './origin';
/** Notes moved to notes.ts; re-exported here for the clients that import them from the API module. */
export { noteSchema, postNoteRequestSchema, postNoteResponseSchema, type PostNoteRequest, type PostNoteResponse } from './notes';

/** GET /api/v1/incidents/{id} → 200 */
export const getIncidentResponseSchema = z.object({
  contract_version: z.literal(IMPACT_CONTRACT_VERSION),
  incident: impactIncidentSchema,
});
export type GetIncidentResponse = z.infer<typeof getIncidentResponseSchema>;

/**
 * PATCH /api/v1/incidents/{id} → 200 with the updated incident. At least one change. The commander is
 * named by email (Impact's user key); null clears it. A change to the current value is a no-op and fires
 * no webhook. With `If-Match: "<version>"` (conditional.ts) a stale write is refused with 409 instead.
 */
export const updateIncidentRequestSchema = z.object({
  origin: originMarkerSchema,
  changes: z
    .object({
      status: impactStatusSchema,
      priority: impactPrioritySchema,
      commander: z.object({ email: z.email() }).nullable(),
      title: z.string().trim().min(1).max(255),
    })
    .partial()
    .strict()
    .refine((changes) => Object.keys(changes).length > 0, 'changes must name at least one field'),
  /** Optional audit text Impact shows next to the change, e.g. "from Jira INC-12 by Jane". */
  comment: z.string().max(2000).optional(),
});
export type UpdateIncidentRequest = z.infer<typeof updateIncidentRequestSchema>;

export const updateIncidentResponseSchema = getIncidentResponseSchema;
export type UpdateIncidentResponse = GetIncidentResponse;

/**
 * Any 4xx/5xx. 401 bad or missing token, 403 the client may not change this resource (a note someone
 * else wrote), 404 unknown incident, 409 the change is not allowed now (with `current_version` when an
 * `If-Match` precondition failed), 422 invalid body (details name the paths), 429 with `Retry-After`
 * seconds, 5xx retry later.
 */
export const IMPACT_API_ERROR_CODES = ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_request', 'rate_limited', 'unavailable'] as const;
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(IMPACT_API_ERROR_CODES),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** On a 409 for a failed `If-Match`: the resource's version now (re-read, re-decide, retry). */
    current_version: impactVersionSchema.optional(),
  }),
});
export type ImpactApiError = z.infer<typeof apiErrorSchema>;
