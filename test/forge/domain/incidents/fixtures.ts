import type { ImpactIncident } from '../../../../src/shared/impact/incident';
import type { ImpactWebhook } from '../../../../src/shared/impact/webhook';
import type { WorkflowGraph } from '../../../../src/forge/domain/workflow/workflow-path';

/** Seed 004's statuses, with a multi-step path and a done-category shortcut that must not be used. */
export const incidentWorkflow: WorkflowGraph = {
  initialStatusId: '1',
  statuses: [
    { id: '1', name: 'Incoming', category: 'new' },
    { id: '2', name: 'Pending resolution', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '4', name: 'Reporter validation', category: 'indeterminate' },
    { id: '5', name: 'Closed', category: 'done' },
    { id: '6', name: 'Rejected', category: 'done' },
  ],
  transitions: [
    { id: '11', name: 'Triage', from: ['1'], to: '2' },
    { id: '12', name: 'Reject', from: ['1'], to: '6' },
    { id: '21', name: 'Start', from: ['2'], to: '3' },
    { id: '31', name: 'Ask validation', from: ['3'], to: '4' },
    { id: '41', name: 'Back to work', from: ['4'], to: '3' },
    { id: '61', name: 'Revalidate', from: ['6'], to: '4' },
    { id: '51', name: 'Reopen', from: ['5', '6'], to: '1' },
    { id: '99', name: 'Close', from: [], to: '5' },
  ],
};

export function incident(overrides: Partial<ImpactIncident> = {}): ImpactIncident {
  return {
    id: 'INC-7',
    title: 'Checkout 502s',
    description: 'Payments fail in FR.\n\nStarted after deploy.',
    status: 'OPEN',
    priority: 2,
    commander: { email: 'Jane.Doe@example.com', name: 'Jane Doe' },
    environments: ['PRD', 'STG'],
    platform: 'platform-FR',
    business_impact: 'Conversion down 30%',
    custom_ids: { zendesk_ticket_id: '4411' },
    key_events: [],
    status_history: [{ status: 'OPEN', at: '2025-11-19T10:00:00Z' }],
    created_at: '2025-11-19T10:00:00Z',
    updated_at: '2025-11-19T10:00:00Z',
    url: 'https://impact.example.com/incidents/INC-7',
    version: 1,
    ...overrides,
  };
}

type Origin = ImpactWebhook['origin'];
export const userOrigin: Origin = { type: 'user', user: { email: 'jane.doe@example.com', name: 'Jane Doe' }, marker: null };
export const bridgeOrigin: Origin = { type: 'api', client: 'incident-bridge', marker: 'incident-bridge' };

export function updated(inc: ImpactIncident, fields: Extract<ImpactWebhook, { event: 'incident.updated' }>['updated_fields'], occurredAt: string, origin: Origin = userOrigin): ImpactWebhook {
  return { contract_version: 1, event_id: `evt-${occurredAt}`, event: 'incident.updated', occurred_at: occurredAt, origin, updated_fields: fields, incident: inc };
}

export function created(inc: ImpactIncident, origin: Origin = userOrigin): ImpactWebhook {
  return { contract_version: 1, event_id: `evt-created-${inc.id}`, event: 'incident.created', occurred_at: inc.created_at, origin, updated_fields: {}, incident: inc };
}
