/** Contract revision 3: an incident's category, set when it is declared, on every read and webhook. */
import { getIncidentResponseSchema, ImpactApiPaths, impactIncidentSchema, impactWebhookSchema } from '../../../src/shared/impact';
import { api, testSim } from './helpers';

describe('incident category (contract revision 3)', () => {
  it('is on the API read and the created webhook; null when the incident has none', async () => {
    const sim = testSim();
    const security = sim.admin.createIncident({ title: 'Token leak', category: 'Security' }).incident.id;
    const plain = sim.admin.createIncident({ title: 'Slow search' }).incident.id;
    const read = getIncidentResponseSchema.parse(await (await api(sim, 'GET', ImpactApiPaths.incident(security))).json());
    expect(read.incident.category).toBe('Security');
    expect(getIncidentResponseSchema.parse(await (await api(sim, 'GET', ImpactApiPaths.incident(plain))).json()).incident.category).toBeNull();
    const created = sim.webhooks.deliveries().find((d) => d.event === 'incident.created' && d.incidentId === security);
    expect(impactWebhookSchema.parse(JSON.parse(created?.rawBody ?? '{}')).incident.category).toBe('Security');
  });

  it('cannot be changed afterwards (the contract reports no category change)', () => {
    const sim = testSim();
    const id = sim.admin.createIncident({ title: 'Token leak', category: 'Security' }).incident.id;
    expect(() => sim.admin.updateIncident(id, { category: 'Database' } as never)).toThrow();
    expect(sim.store.get(id)?.category).toBe('Security');
  });

  it('readers accept an incident from a sender before revision 3 (no category) and refuse a bad one', () => {
    const base = impactIncidentSchema.parse({
      id: 'INC-1', title: 't', description: '', status: 'OPEN', priority: 3, commander: null, environments: [], platform: null, business_impact: null,
      custom_ids: {}, key_events: [], status_history: [{ status: 'OPEN', at: '2026-12-06T09:00:00Z' }], created_at: '2026-12-06T09:00:00Z',
      updated_at: '2026-12-06T09:00:00Z', url: null, version: 1,
    });
    expect(base.category).toBeUndefined();
    expect(impactIncidentSchema.safeParse({ ...base, category: '' }).success).toBe(false);
    expect(impactIncidentSchema.safeParse({ ...base, category: 'x'.repeat(65) }).success).toBe(false);
  });
});
