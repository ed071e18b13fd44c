/**
 * The relay's group key of an incident's Impact webhooks: their queue lane (concurrency key) in the app.
 * Everything else about the incident (Jira changes, resyncs, their failed deliveries) shares it.
 */
export const incidentGroupKey = (incidentId: string): string => `impact:${incidentId}`;
