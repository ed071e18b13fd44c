import { z } from 'zod';
import { IMPACT_CONTRACT_VERSION, impactIncidentIdSchema, impactIncidentSchema, impactPrioritySchema, impactStatusSchema } from './incident';

/**
 * Impact REST API the Forge app calls, contract version 1 (docs/impact-contract.md).
 * Every request carries `Authorization: Bearer <token>` and `X-Impact-Contract-Version: 1`; every write
 * carries an `origin` marker which Impact copies into the webhook it fires for that change.
 */
export const IMPACT_API_PREFIX = '/api/v1';
export const IMPACT_CONTRACT_VERSION_HEADER = 'x-impact-contract-version';

export const ImpactApiPaths = {
  incident: (id: string) => `${IMPACT_API_PREFIX}/incidents/${encodeURIComponent(id)}`,
  notes: (id: string) => `${IMPACT_API_PREFIX}/incidents/${encodeURIComponent(id)}/notes`,
} as const;

/** Route templates, for servers (Hono syntax). */
export const ImpactApiRoutes = {
  incident: `${IMPACT_API_PREFIX}/incidents/:id`,
  notes: `${IMPACT_API_PREFIX}/incidents/:id/notes`,
} as const;

export const originMarkerSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'origin must be 1-128 characters of [A-Za-z0-9_.:-]');

/** GET /api/v1/incidents/{id} → 200 */
export const getIncidentResponseSchema = z.object({
  contract_version: z.literal(IMPACT_CONTRACT_VERSION),
  incident: impactIncidentSchema,
});
export type GetIncidentResponse = z.infer<typeof getIncidentResponseSchema>;

/**
 * PATCH /api/v1/incidents/{id} → 200 with the updated incident. At least one change. The commander is
 * named by email (Impact's user key); null clears it. A change to the current value is a no-op and fires
 * no webhook.
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

/** POST /api/v1/incidents/{id}/notes → 201 */
export const postNoteRequestSchema = z.object({
  origin: originMarkerSchema,
  message: z.string().trim().min(1).max(10_000),
});
export type PostNoteRequest = z.infer<typeof postNoteRequestSchema>;

export const noteSchema = z.object({
  id: z.string().min(1).max(64),
  incident_id: impactIncidentIdSchema,
  message: z.string(),
  origin: originMarkerSchema.nullable(),
  created_at: z.iso.datetime({ offset: true }),
});
export const postNoteResponseSchema = z.object({ note: noteSchema });
export type PostNoteResponse = z.infer<typeof postNoteResponseSchema>;

/**
 * Any 4xx/5xx. 401 bad or missing token, 404 unknown incident, 409 the change is not allowed now,
 * 422 invalid body (details name the paths), 429 with `Retry-After` seconds, 5xx retry later.
 */
export const IMPACT_API_ERROR_CODES = ['unauthorized', 'not_found', 'conflict', 'invalid_request', 'rate_limited', 'unavailable'] as const;
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(IMPACT_API_ERROR_CODES),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ImpactApiError = z.infer<typeof apiErrorSchema>;
