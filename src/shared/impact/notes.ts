import { z } from 'zod';
import { originMarkerSchema } from './origin';
import { IMPACT_CONTRACT_VERSION, impactIncidentIdSchema, impactUserSchema, impactVersionSchema } from './incident';

/**
 * Incident notes (docs/impact-contract.md §2.2): the incident's discussion, written by people in Impact or
 * by API clients. Each note has its own `version` (If-Match on edit and delete); the incident's version
 * does not move when notes change. A note written through the API carries the client's origin marker, so
 * the webhook of that write can be recognised as its echo; `external_id` makes a create idempotent.
 */
const isoTime = z.iso.datetime({ offset: true });

export const noteIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'note id must be 1-64 characters of [A-Za-z0-9_-]');
/** The writer's own key for the note (e.g. `jira-comment:10042`): unique per incident, forever. */
export const noteExternalIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'external_id must be 1-128 characters of [A-Za-z0-9_.:-]');
export const noteMessageSchema = z.string().trim().min(1).max(10_000);

export const noteSchema = z.object({
  id: noteIdSchema,
  incident_id: impactIncidentIdSchema,
  message: z.string(),
  /** The origin marker of the API write that created it; null for a note a person wrote in Impact. */
  origin: originMarkerSchema.nullable(),
  /** The person who wrote it in Impact; null for an API client's note. */
  author: impactUserSchema.nullable(),
  external_id: noteExternalIdSchema.nullable(),
  version: impactVersionSchema,
  created_at: isoTime,
  updated_at: isoTime,
  /** Set once the note is deleted (only webhooks and idempotent replays show deleted notes). */
  deleted_at: isoTime.nullable(),
});
export type ImpactNote = z.infer<typeof noteSchema>;

/**
 * POST /api/v1/incidents/{id}/notes → 201 `{ note }` (fires `incident.note_created`). A repeat with an
 * `external_id` the incident already has answers 200 with that note as it is now and fires nothing.
 */
export const postNoteRequestSchema = z.object({
  origin: originMarkerSchema,
  message: noteMessageSchema,
  external_id: noteExternalIdSchema.optional(),
});
export type PostNoteRequest = z.infer<typeof postNoteRequestSchema>;

export const noteResponseSchema = z.object({ contract_version: z.literal(IMPACT_CONTRACT_VERSION), note: noteSchema });
export type NoteResponse = z.infer<typeof noteResponseSchema>;
/** POST → 201 (200 for an idempotent repeat), GET one and PATCH → 200. */
export const postNoteResponseSchema = noteResponseSchema;
export type PostNoteResponse = NoteResponse;

/** GET /api/v1/incidents/{id}/notes → 200, oldest first, deleted notes left out. */
export const listNotesResponseSchema = z.object({ contract_version: z.literal(IMPACT_CONTRACT_VERSION), notes: z.array(noteSchema) });
export type ListNotesResponse = z.infer<typeof listNotesResponseSchema>;

/**
 * PATCH /api/v1/incidents/{id}/notes/{noteId} → 200 `{ note }`; `If-Match` names the note's version. An API
 * client edits and deletes only the notes it wrote (403 otherwise); the same text is a no-op.
 * DELETE /api/v1/incidents/{id}/notes/{noteId}?origin=<marker> → 204 (fires `incident.note_deleted`).
 */
export const updateNoteRequestSchema = z.object({
  origin: originMarkerSchema,
  message: noteMessageSchema,
});
export type UpdateNoteRequest = z.infer<typeof updateNoteRequestSchema>;
