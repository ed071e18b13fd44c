/**
 * A follow-up event the queue runs before the incident's issue exists is not dropped: it fails as an outage
 * would (the consumer retries it; on the last attempt it is a failed delivery saying why) and writes nothing.
 * An echo of the app's own follow-up write is dropped without a call.
 */
import fixture from '../../shared/impact/fixtures/follow-up-updated.json';
import { applyImpactFollowUpEvent } from '../../../src/forge/incidents/follow-ups-sync';
import type { ImpactPort } from '../../../src/forge/ports/impact';
import type { JiraIncidentPort } from '../../../src/forge/ports/jira-incidents';
import { InMemoryStore } from '../../support/in-memory-store';

const calls: string[] = [];
/** Any call is recorded and refused: these cases must decide without one. */
const refusing = <T extends object>(name: string): T =>
  new Proxy({} as T, { get: (_t, method) => () => (calls.push(`${name}.${String(method)}`), Promise.reject(new Error('unexpected call'))) });
const deps = () => ({
  store: new InMemoryStore(),
  clock: { now: () => Date.parse('2025-11-20T09:00:01Z') },
  logger: { info() {}, warn() {}, error() {} },
  jira: refusing<JiraIncidentPort>('jira'),
  impact: refusing<ImpactPort>('impact'),
});
const byPerson = { ...fixture, origin: { type: 'user', user: { email: 'jane.doe@example.com', name: 'Jane Doe' }, marker: null }, updated_fields: { title: { previous: 'Old' } } };

beforeEach(() => calls.splice(0));

test('a person’s follow-up change before the incident has an issue: retryable, nothing written', async () => {
  const result = await applyImpactFollowUpEvent(byPerson, deps());
  expect(result).toMatchObject({ ok: false, kind: 'jira', failure: { kind: 'unavailable' }, reason: expect.stringContaining('has no Jira issue yet') });
  expect(calls).toEqual([]);
});

test('the echo of the app’s own follow-up write is dropped without a call', async () => {
  const result = await applyImpactFollowUpEvent(fixture, deps());
  expect(result).toMatchObject({ ok: true, summary: expect.stringContaining('own change') });
  expect(calls).toEqual([]);
});

test('a follow-up deleted before its incident had an issue leaves a tombstone and no retry', async () => {
  const d = deps();
  const deleted = { ...byPerson, event: 'incident.follow_up_deleted', updated_fields: {}, follow_up: { ...fixture.follow_up, deleted_at: '2025-11-20T09:00:00+00:00' } };
  expect(await applyImpactFollowUpEvent(deleted, d)).toMatchObject({ ok: true });
  expect(calls).toEqual([]);
});
