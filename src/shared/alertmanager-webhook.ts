import { z } from 'zod';

/**
 * Prometheus Alertmanager `webhook_config` body, version "4" (Alertmanager 0.x notify/webhook).
 * Unknown extra fields are kept (passthrough-free `z.object` strips nothing we forward: the relay
 * forwards the parsed object, so we use `.loose()` to keep fields a newer Alertmanager may add).
 */
const labelSet = z.record(z.string(), z.string());

export const alertSchema = z
  .object({
    status: z.enum(['firing', 'resolved']),
    labels: labelSet,
    annotations: labelSet,
    startsAt: z.string().min(1),
    endsAt: z.string().min(1),
    generatorURL: z.string(),
    fingerprint: z.string().regex(/^[0-9a-f]{1,32}$/, 'fingerprint must be hex'),
  })
  .loose();
export type Alert = z.infer<typeof alertSchema>;

export const alertmanagerWebhookSchema = z
  .object({
    version: z.literal('4'),
    groupKey: z.string().min(1).max(2048),
    truncatedAlerts: z.number().int().nonnegative().default(0),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string(),
    groupLabels: labelSet,
    commonLabels: labelSet,
    commonAnnotations: labelSet,
    externalURL: z.string(),
    alerts: z.array(alertSchema).min(1, 'a notification carries at least one alert'),
  })
  .loose();
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;
