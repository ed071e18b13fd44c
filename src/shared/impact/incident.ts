import { z } from 'zod';

/**
 * The Impact incident as the contract carries it (webhook snapshot and API responses alike).
 * Version 1 of the contract: see docs/impact-contract.md. Unknown keys are stripped, so Impact may add
 * fields without breaking older readers; removing or retyping one needs a new contract version.
 */
export const IMPACT_CONTRACT_VERSION = 1 as const;

export const IMPACT_STATUSES = ['OPEN', 'INVESTIGATING', 'MITIGATING', 'MITIGATED', 'POST_MORTEM', 'CLOSED'] as const;
export const impactStatusSchema = z.enum(IMPACT_STATUSES);
export type ImpactStatus = z.infer<typeof impactStatusSchema>;

/** 1 = most severe (P1), 5 = least (P5). */
export const impactPrioritySchema = z.number().int().min(1).max(5);
export type ImpactPriority = 1 | 2 | 3 | 4 | 5;

export const impactIncidentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'incident id must be 1-64 characters of [A-Za-z0-9_-]');

const isoTime = z.iso.datetime({ offset: true });

/**
 * A per-resource change counter: 1 when created, +1 on every accepted change. It orders an incident's
 * states (a webhook or read with a lower version is older, whatever the clocks say) and is what a
 * conditional write names in `If-Match` (docs/impact-contract.md §2.1).
 */
export const impactVersionSchema = z.number().int().min(1);

export const impactUserSchema = z.object({
  email: z.email(),
  name: z.string().trim().min(1).max(255),
});
export type ImpactUser = z.infer<typeof impactUserSchema>;

/** Key events mark the incident's timeline: detected, started, recovered, … (lower-case slugs). */
export const keyEventSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'kind must be a lower-case slug'),
  time: isoTime,
  message: z.string().max(2000).nullable(),
});
export type KeyEvent = z.infer<typeof keyEventSchema>;

export const statusHistoryEntrySchema = z.object({
  status: impactStatusSchema,
  at: isoTime,
});
export type StatusHistoryEntry = z.infer<typeof statusHistoryEntrySchema>;

export const impactIncidentSchema = z.object({
  id: impactIncidentIdSchema,
  title: z.string().trim().min(1).max(255),
  description: z.string().max(32_000),
  status: impactStatusSchema,
  priority: impactPrioritySchema,
  commander: impactUserSchema.nullable(),
  /** e.g. ["PRD", "STG"]. */
  environments: z.array(z.string().min(1).max(64)).max(20),
  /** e.g. "platform-FR". */
  platform: z.string().min(1).max(128).nullable(),
  business_impact: z.string().max(4000).nullable(),
  /** External references: zendesk_ticket_id, seller_contract_id, … */
  custom_ids: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'custom id names are lower-case slugs'), z.string().max(255)),
  key_events: z.array(keyEventSchema).max(500),
  /** Every status the incident entered, oldest first; the first entry is the creation status. */
  status_history: z.array(statusHistoryEntrySchema).min(1).max(500),
  created_at: isoTime,
  updated_at: isoTime,
  /**
   * The incident's category (Impact's "incident type", e.g. "Security", "Database"), chosen when the
   * incident is declared; null when none. Revision 3 of v1: absent from older senders, read as null.
   */
  category: z.string().trim().min(1).max(64).nullable().optional(),
  /** Human link to the incident in Impact. */
  url: z.url().nullable(),
  /** +1 on every change of the fields above (notes and follow-ups have their own versions). */
  version: impactVersionSchema,
});
export type ImpactIncident = z.infer<typeof impactIncidentSchema>;

/** Fields an update can report; `updated_fields` keys are a subset of these. */
export const IMPACT_UPDATABLE_FIELDS = [
  'title',
  'description',
  'status',
  'priority',
  'commander',
  'environments',
  'platform',
  'business_impact',
  'custom_ids',
  'key_events',
] as const;
export type ImpactUpdatableField = (typeof IMPACT_UPDATABLE_FIELDS)[number];
