/**
 * Link by hand to an Impact incident against the sync's own creation guard: the link takes the creation marker, so
 * an Impact event that finds no link looks the issue up instead of creating one; a fresh marker of the sync (it is
 * creating an issue right now) refuses the link and takes the property back.
 */
import { CREATION_GRACE_MS } from '../../../src/forge/constants';
import { IncidentKeys, loadRecord } from '../../../src/forge/incidents/incident-store';
import { linkIncident } from '../../../src/forge/incidents/link-incident';
import { InMemoryStore } from '../../support/in-memory-store';
import { incident as impactIncident } from '../domain/incidents/fixtures';

const NOW = Date.parse('2026-12-06T10:00:00Z');
// Not CLOSED, so the link is allowed; its id, title and url are what the link copies.
const incident = impactIncident({ id: 'INC-7', title: 'Checkout 502s', status: 'INVESTIGATING', url: 'https://impact.example.com/incidents/INC-7' });
const issue = { id: '10077', key: 'INC-77' }; // the default incident project is INC

function setup() {
  const store = new InMemoryStore();
  const properties = new Map<string, unknown>();
  const deps = {
    store,
    clock: { now: () => NOW },
    impact: { getIncident: async (id: string) => (id === incident.id ? { ok: true as const, value: incident } : { ok: false as const, failure: { kind: 'not-found' as const, message: id } }) },
    setIncidentProperty: async (id: string, value: unknown) => void properties.set(id, value),
    deleteIncidentProperty: async (id: string) => void properties.delete(id),
  };
  return { store, properties, deps };
}

test('links, and leaves the creation marker so an Impact event finds this issue instead of creating one', async () => {
  const { store, properties, deps } = setup();
  expect(await linkIncident(issue, null, 'INC-7', deps)).toEqual({ ok: true, incidentId: 'INC-7', title: 'Checkout 502s' });
  expect(properties.get('10077')).toMatchObject({ incidentId: 'INC-7', url: incident.url });
  expect((await loadRecord(store, 'INC-7')).link).toEqual({ incidentId: 'INC-7', issueId: '10077', issueKey: 'INC-77', postMortem: null });
  expect(await store.get(IncidentKeys.byIssue('10077'))).toBe('INC-7');
  expect(await store.get(IncidentKeys.creating('INC-7'))).toEqual({ at: NOW });
});

test('refuses while the sync is creating an issue for the incident, and takes the property back', async () => {
  const { store, properties, deps } = setup();
  await store.set(IncidentKeys.creating('INC-7'), { at: NOW - CREATION_GRACE_MS / 2 });
  expect(await linkIncident(issue, null, 'INC-7', deps)).toEqual({ ok: false, error: { code: 'conflict', message: 'the sync is creating an issue for Impact incident INC-7 right now; try again in a minute' } });
  expect(properties.size).toBe(0);
  expect((await loadRecord(store, 'INC-7')).link).toBeNull();
  expect(await store.get(IncidentKeys.byIssue('10077'))).toBeUndefined();
});

test('an old marker of a create that never stored a link does not block the link', async () => {
  const { store, deps } = setup();
  await store.set(IncidentKeys.creating('INC-7'), { at: NOW - 2 * CREATION_GRACE_MS });
  expect(await linkIncident(issue, null, 'INC-7', deps)).toMatchObject({ ok: true });
});
