/**
 * The two halves of a link by hand to an alert problem: the resolver's (decide on the record as stored, property,
 * mirror, pending request) and the job's in the group's queue lane (decide again on the record as it is then).
 */
import { StorageKeys } from '../../../src/forge/constants';
import { applyAlertLink, linkProblem } from '../../../src/forge/alerts/link-problem';
import { saveProblem, type ProblemRecord } from '../../../src/forge/alerts/problem-store';
import type { ProblemProperty } from '../../../src/forge/domain/alerts';
import type { IssueStatus } from '../../../src/forge/ports/jira';
import { InMemoryStore } from '../../support/in-memory-store';

const KEY = 'am:grp:0123456789abcdef0123456789abcdef';
const NOW = '2026-12-06T10:00:00.000Z';
const issue: IssueStatus = { id: '10042', key: 'OPS-42', status: { id: '1', name: 'Incoming', category: 'new' } };
const record = (issueKey: string, category: 'new' | 'done', groupKey?: string): ProblemRecord => ({
  version: 1,
  state: { version: 1, problemKey: KEY, issue: { key: issueKey, statusCategory: category }, previousIssueKeys: [], alerts: { fp: { status: 'firing', startsAt: 'a', endsAt: 'b' } }, firstSeen: 'a', updatedAt: 'a' },
  issueId: '10001',
  origin: { ruleId: 'checkout', grouping: 'group', identity: 'checkout:{}', ...(groupKey ? { groupKey } : {}) },
});

function setup() {
  const store = new InMemoryStore();
  const properties = new Map<string, ProblemProperty>();
  const deps = {
    store,
    setProblemProperty: async (key: string, value: ProblemProperty) => void properties.set(key, value),
    deleteProblemProperty: async (key: string) => void properties.delete(key),
  };
  return { store, properties, deps };
}

test('a record that names its group is prepared here and stored by the job in its lane', async () => {
  const { store, properties, deps } = setup();
  await saveProblem(store, record('OPS-1', 'done', '{}:{alertname="X"}'));
  const asked = await linkProblem(issue, null, KEY, [], NOW, 'req-00000001', deps);
  expect(asked).toMatchObject({ ok: true, outcome: 'queued', groupKey: '{}:{alertname="X"}', previousIssueKey: 'OPS-1' });
  expect(properties.get('OPS-42')).toEqual({ problemKey: KEY, source: 'alertmanager', grouping: 'group', identity: 'checkout:{}', ruleId: 'checkout' });
  // Not stored yet: only the job in the group's lane writes the record.
  expect((await store.get<ProblemRecord>(StorageKeys.problem(KEY)))?.state.issue?.key).toBe('OPS-1');
  expect(await applyAlertLink({ problemKey: KEY, issue, requestId: 'req-00000001' }, [], NOW, deps)).toBe('linked');
  expect((await store.get<ProblemRecord>(StorageKeys.problem(KEY)))?.state).toMatchObject({ issue: { key: 'OPS-42', statusCategory: 'new' }, previousIssueKeys: ['OPS-1'] });
  expect(await store.get(StorageKeys.alertLink('OPS-42'))).toMatchObject({ outcome: 'linked', detail: null });
});

test('the job refuses, and takes property and mirror back, when a notification gave the group an open issue meanwhile', async () => {
  const { store, properties, deps } = setup();
  await saveProblem(store, record('OPS-1', 'done', 'g'));
  await linkProblem(issue, null, KEY, [], NOW, 'req-00000002', deps);
  expect(await store.get(StorageKeys.issueStatus('10042'))).toBeDefined();
  // A re-fire opened OPS-50 before the job ran.
  await saveProblem(store, record('OPS-50', 'new', 'g'));
  expect(await applyAlertLink({ problemKey: KEY, issue, requestId: 'req-00000002' }, [], NOW, deps)).toBe('refused');
  expect((await store.get<ProblemRecord>(StorageKeys.problem(KEY)))?.state.issue?.key).toBe('OPS-50');
  expect(properties.has('OPS-42')).toBe(false);
  expect(await store.get(StorageKeys.issueStatus('10042'))).toBeUndefined();
  expect(await store.get(StorageKeys.alertLink('OPS-42'))).toMatchObject({ outcome: 'refused', detail: 'that alert group already has an open issue, OPS-50; unlink OPS-50 first' });
});

test('a job whose request was unlinked meanwhile stores nothing', async () => {
  const { store, deps } = setup();
  await saveProblem(store, record('OPS-1', 'done', 'g'));
  await linkProblem(issue, null, KEY, [], NOW, 'req-00000003', deps);
  await store.delete(StorageKeys.alertLink('OPS-42'));
  expect(await applyAlertLink({ problemKey: KEY, issue, requestId: 'req-00000003' }, [], NOW, deps)).toBe('refused');
  expect((await store.get<ProblemRecord>(StorageKeys.problem(KEY)))?.state.issue?.key).toBe('OPS-1');
});

test('a record stored before records named their group is linked at once', async () => {
  const { store, deps } = setup();
  await saveProblem(store, record('OPS-1', 'done'));
  expect(await linkProblem(issue, null, KEY, [], NOW, 'req-00000004', deps)).toEqual({ ok: true, problemKey: KEY, previousIssueKey: 'OPS-1', outcome: 'linked' });
  expect((await store.get<ProblemRecord>(StorageKeys.problem(KEY)))?.state.issue?.key).toBe('OPS-42');
});
