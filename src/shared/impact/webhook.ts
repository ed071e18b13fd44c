import { z } from 'zod';
import {
  IMPACT_CONTRACT_VERSION,
  impactIncidentSchema,
  impactPrioritySchema,
  impactStatusSchema,
  impactUserSchema,
  keyEventSchema,
} from './incident';
import { externalIssueSchema, followUpSchema, followUpStatusSchema } from './follow-ups';
import { noteSchema } from './notes';

/**
 * Impact → relay webhook, contract version 1 (docs/impact-contract.md).
 *
 * Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, `${X-Impact-Timestamp}.${rawBody}`)>`,
 * `X-Impact-Timestamp` in unix seconds, accepted within ±300 s. The relay verifies it over the raw bytes
 * before parsing; the app never sees the headers.
 */
export const IMPACT_WEBHOOK_PATH = '/v1/impact';
export const IMPACT_SIGNATURE_HEADER = 'x-hub-signature-256';
export const IMPACT_TIMESTAMP_HEADER = 'x-impact-timestamp';
export const IMPACT_REPLAY_WINDOW_SECONDS = 300;

/** The exact bytes that are signed, for senders and verifiers. */
export function impactSignedPayload(timestampSeconds: number | string, rawBody: string): string {
  return `${timestampSeconds}.${rawBody}`;
}

export const IMPACT_EVENTS = ['incident.created', 'incident.updated', 'incident.key_events_updated'] as const;
export const impactEventNameSchema = z.enum(IMPACT_EVENTS);
export type ImpactEventName = z.infer<typeof impactEventNameSchema>;

/**
 * Who caused the change. `marker` is the origin marker an API client sent with its write (our app sends
 * its own marker, so it can drop the echo of its writes); null for changes made in Impact's UI.
 */
export const impactOriginSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), user: impactUserSchema, marker: z.null() }),
  z.object({ type: z.literal('api'), client: z.string().min(1).max(128), marker: z.string().min(1).max(128).nullable() }),
  z.object({ type: z.literal('system'), marker: z.null() }),
]);
export type ImpactOrigin = z.infer<typeof impactOriginSchema>;

const previous = <T extends z.ZodType>(schema: T) => z.object({ previous: schema });

/** Field → its value before this change. Only fields that changed appear; `{}` for incident.created. */
export const updatedFieldsSchema = z
  .object({
    title: previous(z.string()),
    description: previous(z.string()),
    status: previous(impactStatusSchema),
    priority: previous(impactPrioritySchema),
    commander: previous(impactUserSchema.nullable()),
    environments: previous(z.array(z.string())),
    platform: previous(z.string().nullable()),
    business_impact: previous(z.string().nullable()),
    custom_ids: previous(z.record(z.string(), z.string())),
    key_events: previous(z.array(keyEventSchema)),
  })
  .partial();
export type UpdatedFields = z.infer<typeof updatedFieldsSchema>;

const webhookBase = {
  contract_version: z.literal(IMPACT_CONTRACT_VERSION),
  /** Unique per delivery attempt group: Impact retries the same event with the same id. */
  event_id: z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'event_id must be 8-128 characters of [A-Za-z0-9_.:-]'),
  occurred_at: z.iso.datetime({ offset: true }),
  origin: impactOriginSchema,
  incident: impactIncidentSchema,
};

const incidentCreated = z.object({ ...webhookBase, event: z.literal('incident.created'), updated_fields: z.object({}).strict() });
const incidentUpdated = z.object({ ...webhookBase, event: z.literal('incident.updated'), updated_fields: updatedFieldsSchema });
const keyEventsUpdated = z.object({
  ...webhookBase,
  event: z.literal('incident.key_events_updated'),
  updated_fields: z.object({ key_events: previous(z.array(keyEventSchema)) }),
});

/** `incident.updated` (and `incident.follow_up_updated`) must name at least one field. */
function requireUpdatedFields(body: { event: string; updated_fields: object }, ctx: z.RefinementCtx): void {
  if ((body.event === 'incident.updated' || body.event === 'incident.follow_up_updated') && Object.keys(body.updated_fields).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['updated_fields'], message: `${body.event} must name at least one field` });
  }
}

/** The incident's own events (contract v1 from the start): what `applyImpactEvent` turns into Jira writes. */
export const impactWebhookSchema = z.discriminatedUnion('event', [incidentCreated, incidentUpdated, keyEventsUpdated]).superRefine(requireUpdatedFields);
export type ImpactWebhook = z.infer<typeof impactWebhookSchema>;

/**
 * Note events: the note after the change (`deleted_at` set for a deletion) and the incident as it is.
 * `incident.note_updated` reports the previous message.
 */
export const IMPACT_NOTE_EVENTS = ['incident.note_created', 'incident.note_updated', 'incident.note_deleted'] as const;
const noteCreated = z.object({ ...webhookBase, event: z.literal('incident.note_created'), updated_fields: z.object({}).strict(), note: noteSchema });
const noteUpdated = z.object({ ...webhookBase, event: z.literal('incident.note_updated'), updated_fields: z.object({ message: previous(z.string()) }), note: noteSchema });
const noteDeleted = z.object({ ...webhookBase, event: z.literal('incident.note_deleted'), updated_fields: z.object({}).strict(), note: noteSchema });
export const impactNoteWebhookSchema = z.discriminatedUnion('event', [noteCreated, noteUpdated, noteDeleted]);
export type ImpactNoteWebhook = z.infer<typeof impactNoteWebhookSchema>;

/** Follow-up field → its value before an `incident.follow_up_updated`. */
export const followUpUpdatedFieldsSchema = z
  .object({
    title: previous(z.string()),
    description: previous(z.string()),
    status: previous(followUpStatusSchema),
    assignee: previous(impactUserSchema.nullable()),
    external_issue: previous(externalIssueSchema.nullable()),
  })
  .partial();
export type FollowUpUpdatedFields = z.infer<typeof followUpUpdatedFieldsSchema>;

export const IMPACT_FOLLOW_UP_EVENTS = ['incident.follow_up_created', 'incident.follow_up_updated', 'incident.follow_up_deleted'] as const;
const followUpCreated = z.object({ ...webhookBase, event: z.literal('incident.follow_up_created'), updated_fields: z.object({}).strict(), follow_up: followUpSchema });
const followUpUpdated = z.object({ ...webhookBase, event: z.literal('incident.follow_up_updated'), updated_fields: followUpUpdatedFieldsSchema, follow_up: followUpSchema });
const followUpDeleted = z.object({ ...webhookBase, event: z.literal('incident.follow_up_deleted'), updated_fields: z.object({}).strict(), follow_up: followUpSchema });
export const impactFollowUpWebhookSchema = z.discriminatedUnion('event', [followUpCreated, followUpUpdated, followUpDeleted]).superRefine(requireUpdatedFields);
export type ImpactFollowUpWebhook = z.infer<typeof impactFollowUpWebhookSchema>;

/** Every event the contract defines; a webhook subscription names the ones it wants (§1). */
export const ALL_IMPACT_EVENTS = [...IMPACT_EVENTS, ...IMPACT_NOTE_EVENTS, ...IMPACT_FOLLOW_UP_EVENTS] as const;
export const anyImpactEventNameSchema = z.enum(ALL_IMPACT_EVENTS);
export type AnyImpactEventName = z.infer<typeof anyImpactEventNameSchema>;

/** Any contract webhook (the relay's view: it stores every event a subscription may send). */
export const anyImpactWebhookSchema = z
  .discriminatedUnion('event', [incidentCreated, incidentUpdated, keyEventsUpdated, noteCreated, noteUpdated, noteDeleted, followUpCreated, followUpUpdated, followUpDeleted])
  .superRefine(requireUpdatedFields);
export type AnyImpactWebhook = z.infer<typeof anyImpactWebhookSchema>;
