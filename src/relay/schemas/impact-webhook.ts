import { z } from 'zod';

/**
 * Impact incident platform webhook, permissive for now: the relay needs only the event id (duplicate
 * suppression), the event name and the incident id (routing). Everything else is kept for the app.
 */
export const impactEventNameSchema = z.enum(['incident.created', 'incident.updated', 'incident.key_events_updated']);
export type ImpactEventName = z.infer<typeof impactEventNameSchema>;

export const impactWebhookSchema = z
  .object({
    event_id: z.string().min(1).max(256),
    event: impactEventNameSchema,
    occurred_at: z.iso.datetime({ offset: true }),
    incident: z
      .object({
        id: z.union([z.string().min(1).max(256), z.number().int().nonnegative()]),
      })
      .loose(),
  })
  .loose();
export type ImpactWebhook = z.infer<typeof impactWebhookSchema>;
