import type { ImpactIncident } from '../../../src/shared/impact/incident';

/** The incident the post-mortem preview renders against: every placeholder has something to show. */
export const SAMPLE_INCIDENT: ImpactIncident = {
  id: 'INC-2042',
  title: 'Checkout errors after the payment provider rollout',
  description: 'Card payments failed for about 12% of checkouts in the EU.',
  status: 'POST_MORTEM',
  priority: 2,
  commander: { email: 'bob@example.com', name: 'Bob Commander' },
  environments: ['PRD'],
  platform: 'platform-FR',
  business_impact: 'About 1,900 orders failed; revenue loss estimated at 48 k€.',
  custom_ids: { zendesk_ticket_id: '88213' },
  key_events: [
    { kind: 'detected', time: '2026-11-19T10:05:00Z', message: 'Alertmanager: 5xx rate above 5%' },
    { kind: 'rollback', time: '2026-11-19T10:41:00Z', message: 'payment-gateway 4.12 rolled back' },
    { kind: 'recovered', time: '2026-11-19T10:58:00Z', message: null },
  ],
  status_history: [
    { status: 'OPEN', at: '2026-11-19T10:07:00Z' },
    { status: 'MITIGATING', at: '2026-11-19T10:20:00Z' },
    { status: 'MITIGATED', at: '2026-11-19T11:00:00Z' },
    { status: 'POST_MORTEM', at: '2026-11-20T09:00:00Z' },
  ],
  created_at: '2026-11-19T10:07:00Z',
  updated_at: '2026-11-20T09:00:00Z',
  url: 'https://impact.example.com/incidents/INC-2042',
  version: 7,
};
