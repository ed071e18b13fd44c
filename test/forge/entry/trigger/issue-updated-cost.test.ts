/**
 * `issue-updated` runs for every issue update on the site. Updates of issues that are not the app's must
 * cost (almost) nothing: at most one KVS write in all (the once-a-minute "Jira events arrive" marker).
 */
import { handleIssueUpdated, mayConcernApp } from '../../../../src/forge/entry/trigger/issue-updated';
import { fixtureRules, seedRules } from '../../alerts/support';
import { startAlertHost, type AlertHost } from '../../alerts/host-harness';

jest.setTimeout(120_000);

let t: AlertHost;
afterEach(() => t.close());

async function asPerson(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await t.sim.app.fetch(
    new Request(`http://jira.local${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from('bob@example.com:token').toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

async function settled(count: () => number, expected: number): Promise<void> {
  for (let i = 0; i < 2000 && count() < expected; i += 1) await new Promise((r) => setTimeout(r, 5));
}

it('1,000 updates of issues that are not the app’s (summary, description, status) make at most 1 KVS write', async () => {
  // The person's 1,000 edits would meet the simulator's per-issue write limit; the app's own calls are not measured here.
  t = await startAlertHost({ rateLimits: false });
  seedRules(t.host, fixtureRules());
  const keys: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const created = (await (await asPerson('POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: `Someone's task ${i}` } })).json()) as { key: string };
    keys.push(created.key);
  }
  const invocations = () => t.host.invocations.counters().byFunction['issue-updated-fn'] ?? 0;
  const before = { writes: t.host.kvs.writes(), invocations: invocations() };
  for (let n = 0; n < 1000; n += 1) {
    const key = keys[n % keys.length] as string;
    if (n % 5 === 4) {
      const offered = (await (await asPerson('GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string }[] };
      await asPerson('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: offered.transitions[n % offered.transitions.length]!.id } });
    } else if (n % 5 < 2) {
      await asPerson('PUT', `/rest/api/3/issue/${key}`, { fields: { summary: `Someone's task, edit ${n}` } });
    } else {
      await asPerson('PUT', `/rest/api/3/issue/${key}`, { fields: { description: adf(`edit ${n}`) } });
    }
  }
  await settled(invocations, before.invocations + 1000);
  expect(invocations() - before.invocations).toBe(1000);
  expect(t.host.kvs.writes() - before.writes).toBeLessThanOrEqual(1);
});

describe('deciding from the event alone', () => {
  const change = (items: Record<string, unknown>[]) => ({ changelog: { items: items as never } });

  it('only a change of status, priority, assignee, summary or a custom field can concern the app', () => {
    expect(mayConcernApp(change([{ field: 'description', fieldId: 'description' }]))).toBe(false);
    expect(mayConcernApp(change([{ field: 'labels', fieldId: 'labels' }]))).toBe(false);
    expect(mayConcernApp({})).toBe(false);
    expect(mayConcernApp(change([{ field: 'status', fieldId: 'status' }]))).toBe(true);
    expect(mayConcernApp(change([{ field: 'Severity', fieldId: 'customfield_10042', fieldtype: 'custom' }]))).toBe(true);
    expect(mayConcernApp(change([{ field: 'summary' }]))).toBe(true);
  });

  it('a description edit concerns the app only on a follow-up issue (the changelog text holds the app’s line)', () => {
    const line = 'Follow-up of Impact incident INC-1 (OPS-1).';
    expect(mayConcernApp(change([{ field: 'description', fieldId: 'description', fromString: `Add alerts\n${line}`, toString: 'Add alerts and a runbook' }]))).toBe(true);
    expect(mayConcernApp(change([{ field: 'description', fieldId: 'description', fromString: null, toString: `x\n${line}` }]))).toBe(true);
    expect(mayConcernApp(change([{ field: 'description', fieldId: 'description', fromString: 'Someone’s notes', toString: 'Someone’s notes, edited' }]))).toBe(false);
  });

  it('returns before any storage call when nothing the app reads changed', async () => {
    const calls: string[] = [];
    const store = new Proxy({}, { get: (_t, name) => () => { calls.push(String(name)); throw new Error('no storage call expected'); } });
    const result = await handleIssueUpdated(
      { eventType: 'avi:jira:updated:issue', issue: { id: '1', key: 'X-1' }, changelog: { items: [{ field: 'description', fieldId: 'description' }] } },
      { store: store as never, queue: store as never, clock: { now: () => 0 }, logger: { info() {}, warn() {}, error() {} } },
    );
    expect(result).toBe('ignored');
    expect(calls).toEqual([]);
  });
});
