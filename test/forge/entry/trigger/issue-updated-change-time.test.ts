/**
 * The change time of an `avi:jira:updated:issue` event: Forge's Jira events reference
 * (https://developer.atlassian.com/platform/forge/events-reference/jira/) documents no `timestamp` on it, so the
 * trigger takes the issue's `updated` field of the event (Jira's format, e.g. `2021-01-20T15:58:12.797+1100` in
 * the reference's example), and its own clock only when that is missing or unreadable.
 */
import { handleIssueUpdated } from '../../../../src/forge/entry/trigger/issue-updated';
import { IncidentKeys } from '../../../../src/forge/incidents/incident-store';
import type { JobToPush } from '../../../../src/forge/ports/job-queue';
import { InMemoryStore } from '../../../support/in-memory-store';

const NOW = Date.parse('2026-12-06T10:00:00Z');

async function occurredAt(fields: Record<string, unknown>): Promise<unknown> {
  const store = new InMemoryStore();
  await store.set(IncidentKeys.byIssue('10077'), 'INC-7');
  const pushed: JobToPush[] = [];
  const deps = {
    store,
    clock: { now: () => NOW },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    queue: { push: async (jobs: readonly JobToPush[]) => void pushed.push(...jobs) },
  };
  const event = {
    eventType: 'avi:jira:updated:issue',
    issue: { id: '10077', key: 'INC-77', fields },
    changelog: { items: [{ field: 'priority', fieldId: 'priority', from: '3', fromString: 'Medium', to: '1', toString: 'Highest' }] },
  };
  expect(await handleIssueUpdated(event, deps)).toBe('incident-queued');
  const body = pushed[0]?.body as { kind: string; change?: { occurredAt?: unknown } } | undefined;
  expect(body?.kind).toBe('jira-change');
  return body?.change?.occurredAt;
}

it.each([
  ['the issue’s updated field, with a +hhmm offset', { updated: '2021-01-20T15:58:12.797+1100' }, Date.parse('2021-01-20T15:58:12.797+11:00')],
  ['the issue’s updated field, UTC', { updated: '2026-12-06T09:59:58.106+0000' }, Date.parse('2026-12-06T09:59:58.106Z')],
  ['the trigger’s clock when updated is missing', {}, NOW],
  ['the trigger’s clock when updated is unreadable', { updated: 'yesterday' }, NOW],
])('occurredAt is %s', async (_what, fields, expected) => {
  expect(await occurredAt(fields)).toBe(expected);
});

it('ignores a timestamp field (not in Forge’s payload): the issue’s updated field decides', async () => {
  const store = new InMemoryStore();
  await store.set(IncidentKeys.byIssue('10077'), 'INC-7');
  const pushed: JobToPush[] = [];
  const deps = { store, clock: { now: () => NOW }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, queue: { push: async (jobs: readonly JobToPush[]) => void pushed.push(...jobs) } };
  await handleIssueUpdated({ eventType: 'avi:jira:updated:issue', timestamp: 1, issue: { id: '10077', key: 'INC-77', fields: { updated: '2026-12-06T09:59:58.106+0000' } }, changelog: { items: [{ field: 'summary', from: null, to: null, fromString: 'a', toString: 'b' }] } }, deps);
  expect((pushed[0]?.body as { change: { occurredAt: number } }).change.occurredAt).toBe(Date.parse('2026-12-06T09:59:58.106Z'));
});
