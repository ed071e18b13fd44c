/**
 * Bodies of the simulator-only admin surface (a person working in Impact's UI). Not part of the contract;
 * field shapes reuse the contract's schemas so nothing invalid can enter the store.
 */
import { z } from 'zod';
import {
  impactIncidentIdSchema,
  impactIncidentSchema,
  impactPrioritySchema,
  impactStatusSchema,
  impactUserSchema,
  keyEventSchema,
  type ImpactOrigin,
  type ImpactUser,
} from '../../shared/impact';

/** Who makes the change: a person (`{email, name}`) or `"system"` (automations, key events from chat). */
export const adminActorSchema = z.union([z.literal('system'), impactUserSchema]);
export type AdminActor = z.infer<typeof adminActorSchema>;

export const DEFAULT_ADMIN_USER: ImpactUser = { email: 'impact.admin@example.com', name: 'Impact Admin' };

export function originOf(actor: AdminActor | undefined, fallback: AdminActor): ImpactOrigin {
  const who = actor ?? fallback;
  return who === 'system' ? { type: 'system', marker: null } : { type: 'user', user: { email: who.email, name: who.name }, marker: null };
}

const shape = impactIncidentSchema.shape;

/** POST /admin/incidents */
export const adminCreateIncidentSchema = z
  .object({
    /** Omitted: the next `INC-<n>`. */
    id: impactIncidentIdSchema.optional(),
    title: shape.title,
    description: shape.description.default(''),
    status: impactStatusSchema.default('OPEN'),
    priority: impactPrioritySchema.default(3),
    commander: impactUserSchema.nullable().default(null),
    environments: shape.environments.default([]),
    platform: shape.platform.default(null),
    business_impact: shape.business_impact.default(null),
    custom_ids: shape.custom_ids.default({}),
    key_events: shape.key_events.default([]),
    /** Impact's incident type, chosen when the incident is declared (contract revision 3). */
    category: z.string().trim().min(1).max(64).nullable().default(null),
    /** Default: DEFAULT_ADMIN_USER. */
    actor: adminActorSchema.optional(),
  })
  .strict();
export type AdminCreateIncidentInput = z.input<typeof adminCreateIncidentSchema>;

const editable = {
  title: shape.title,
  description: shape.description,
  status: impactStatusSchema,
  priority: impactPrioritySchema,
  commander: impactUserSchema.nullable(),
  environments: shape.environments,
  platform: shape.platform,
  business_impact: shape.business_impact,
  custom_ids: shape.custom_ids,
};

/** PATCH /admin/incidents/:id: any subset of the editable fields (key events have their own route). */
export const adminUpdateIncidentSchema = z
  .object({ ...editable, actor: adminActorSchema })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).some((k) => k !== 'actor'), 'name at least one field to change');
export type AdminUpdateIncidentInput = z.input<typeof adminUpdateIncidentSchema>;

/** POST /admin/incidents/:id/key-events: sets one key event (one per kind; setting a kind again moves it). */
export const adminKeyEventSchema = z
  .object({
    kind: keyEventSchema.shape.kind,
    /** Default: now. */
    time: keyEventSchema.shape.time.optional(),
    message: keyEventSchema.shape.message.default(null),
    /** Default: "system" (key events usually come from the incident chat). */
    actor: adminActorSchema.optional(),
  })
  .strict();
export type AdminKeyEventInput = z.input<typeof adminKeyEventSchema>;

/** POST /admin/users: a person Impact knows (commanders are named by email in the API). */
export const adminUserSchema = impactUserSchema.strict();
