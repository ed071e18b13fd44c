/** Public surface of the Impact simulator (contract v1, docs/impact-contract.md). */
export { createImpactSimulator, DEFAULT_IMPACT_SIM_PORT } from './app';
export type { ImpactSimulator, ImpactSimulatorOptions } from './app';
export { serveImpactSimulator } from './serve';
export type { ServeImpactOptions, ServedImpactSimulator } from './serve';
export type { ImpactAdmin } from './admin';
export { DEFAULT_ADMIN_USER, adminCreateIncidentSchema, adminUpdateIncidentSchema, adminKeyEventSchema, adminUserSchema } from './admin-schemas';
export type { AdminActor, AdminCreateIncidentInput, AdminUpdateIncidentInput, AdminKeyEventInput } from './admin-schemas';
export { DEFAULT_API_CLIENT_NAME } from './auth';
export type { ImpactApiClient } from './auth';
export type { ImpactCallLogEntry } from './call-log';
export type { ImpactFaultSpec } from './faults';
export { ImpactAdminRoutes } from './http';
export type { ChangeResult } from './ops';
export type { ImpactStore, IncidentUpdateRecord, Note } from './store';
export { DEFAULT_WEBHOOK_RETRY, signImpactWebhook } from './webhooks';
export type { WebhookAttempt, WebhookDelivery, WebhookDeliveryState, WebhookDispatcher, WebhookRetryPolicy } from './webhooks';
export { ImpactApiFailure, ImpactConnectionDrop } from './errors';
