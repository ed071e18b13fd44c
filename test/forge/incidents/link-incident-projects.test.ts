/**
 * Link by hand with per-project incident settings: an issue may be linked in the site default's project, in a
 * project the category mapping routes to, or in one with settings of its own; elsewhere the status map would
 * not be meant for its workflow, so the link is refused.
 */
import { IncidentKeys } from '../../../src/forge/incidents/incident-store';
import { linkIncident } from '../../../src/forge/incidents/link-incident';
import { InMemoryStore } from '../../support/in-memory-store';
import { incident as impactIncident } from '../domain/incidents/fixtures';

const incident = impactIncident({ id: 'INC-9', title: 'Token leak', url: null });

function deps(store: InMemoryStore) {
  return {
    store,
    clock: { now: () => Date.parse('2026-12-06T10:00:00Z') },
    impact: { getIncident: async () => ({ ok: true as const, value: incident }) },
    setIncidentProperty: async () => undefined,
    deleteIncidentProperty: async () => undefined,
  };
}

test.each([
  ['the site default project (INC by default)', 'INC-1', async () => undefined, true],
  ['a project the category mapping routes to', 'SEC-1', async (s: InMemoryStore) => s.set(IncidentKeys.routing, { enabled: true, categories: [{ category: 'Security', projectKey: 'SEC', issueTypeName: null, label: null }] }), true],
  ['a project with settings of its own', 'SEC-1', async (s: InMemoryStore) => s.set(IncidentKeys.projectConfig('SEC'), { statuses: { impactToJira: {}, jiraToImpact: {} } }), true],
  ['a project whose settings were cleared', 'SEC-1', async (s: InMemoryStore) => s.set(IncidentKeys.projectConfig('SEC'), { rev: 3 }), false],
  ['any other project', 'DEV-1', async () => undefined, false],
])('%s: %s', async (_what, key, arrange, linked) => {
  const store = new InMemoryStore();
  await arrange(store);
  const result = await linkIncident({ id: '100', key }, null, 'INC-9', deps(store));
  if (linked) expect(result).toMatchObject({ ok: true, incidentId: 'INC-9' });
  else expect(result).toEqual({ ok: false, error: { code: 'conflict', message: `incident issues live in project INC (Mappings tab), and ${key} is in ${key.split('-')[0]}: its statuses would not match the mapping` } });
});
