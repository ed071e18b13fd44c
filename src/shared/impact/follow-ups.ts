import { z } from 'zod';
import { originMarkerSchema } from './origin';
import { IMPACT_CONTRACT_VERSION, impactIncidentIdSchema, impactUserSchema, impactVersionSchema } from './incident';

/**
 * Follow-ups (action items) of an incident (docs/impact-contract.md §2.3): work to do after it, written by
 * people in Impact. API clients read them and change their status, title, description, assignee and the
 * tracker issue they were exported to (`external_issue`). Each has its own `version` for If-Match.
 */
const isoTime = z.iso.datetime({ offset: true });

export const FOLLOW_UP_STATUSES = ['OPEN', 'IN_PROGRESS', 'DONE', 'CANCELLED'] as const;
export const followUpStatusSchema = z.enum(FOLLOW_UP_STATUSES);
export type FollowUpStatus = z.infer<typeof followUpStatusSchema>;

export const followUpIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'follow-up id must be 1-64 characters of [A-Za-z0-9_-]');

/** The issue in a tracker (Jira) that carries the follow-up, e.g. `{ key: "OPS-42", url }`. */
export const externalIssueSchema = z.object({
  key: z.string().trim().min(1).max(64),
  url: z.url().nullable(),
});
export type ExternalIssue = z.infer<typeof externalIssueSchema>;

export const followUpSchema = z.object({
  id: followUpIdSchema,
  incident_id: impactIncidentIdSchema,
  title: z.string().trim().min(1).max(255),
  description: z.string().max(32_000),
  status: followUpStatusSchema,
  assignee: impactUserSchema.nullable(),
  external_issue: externalIssueSchema.nullable(),
  version: impactVersionSchema,
  created_at: isoTime,
  updated_at: isoTime,
  /** Set once deleted (only the `incident.follow_up_deleted` webhook shows a deleted follow-up). */
  deleted_at: isoTime.nullable(),
});
export type ImpactFollowUp = z.infer<typeof followUpSchema>;

/** Fields an update can report (`updated_fields` of `incident.follow_up_updated`). */
export const FOLLOW_UP_UPDATABLE_FIELDS = ['title', 'description', 'status', 'assignee', 'external_issue'] as const;
export type FollowUpUpdatableField = (typeof FOLLOW_UP_UPDATABLE_FIELDS)[number];

/** GET /api/v1/incidents/{id}/follow-ups → 200, oldest first, deleted ones left out. */
export const listFollowUpsResponseSchema = z.object({ contract_version: z.literal(IMPACT_CONTRACT_VERSION), follow_ups: z.array(followUpSchema) });
export type ListFollowUpsResponse = z.infer<typeof listFollowUpsResponseSchema>;

/** GET and PATCH /api/v1/incidents/{id}/follow-ups/{followUpId} → 200. */
export const followUpResponseSchema = z.object({ contract_version: z.literal(IMPACT_CONTRACT_VERSION), follow_up: followUpSchema });
export type FollowUpResponse = z.infer<typeof followUpResponseSchema>;

/**
 * PATCH /api/v1/incidents/{id}/follow-ups/{followUpId}: at least one change; the assignee is named by email
 * (null clears it); `If-Match` names the follow-up's version. A change to the current value is a no-op.
 */
export const updateFollowUpRequestSchema = z.object({
  origin: originMarkerSchema,
  changes: z
    .object({
      status: followUpStatusSchema,
      title: z.string().trim().min(1).max(255),
      description: z.string().max(32_000),
      assignee: z.object({ email: z.email() }).nullable(),
      external_issue: externalIssueSchema.nullable(),
    })
    .partial()
    .strict()
    .refine((changes) => Object.keys(changes).length > 0, 'changes must name at least one field'),
  comment: z.string().max(2000).optional(),
});
export type UpdateFollowUpRequest = z.infer<typeof updateFollowUpRequestSchema>;
