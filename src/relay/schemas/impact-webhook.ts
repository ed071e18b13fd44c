/**
 * The relay validates Impact webhooks against the shared, versioned contract (docs/impact-contract.md), so a
 * body the app could not use is refused at the edge with its field problems, not discovered downstream.
 */
export { anyImpactWebhookSchema, impactEventNameSchema, impactWebhookSchema } from '../../shared/impact/webhook';
export type { ImpactEventName, ImpactWebhook } from '../../shared/impact/webhook';
