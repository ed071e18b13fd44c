/**
 * The status mirror: a person moves the issue in Jira, the issue-updated trigger records its status, and
 * the next decision uses it without a GET; the resolve transition is looked up for the status it is in.
 */
import { StorageKeys } from '../../../src/forge/constants';
import { fixtureRules, issues, seedRules, statusName } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

const ALICE = '5b10a2844c20165700ede21a';
let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost();
  seedRules(t.host, fixtureRules());
});
afterEach(() => t.close());

async function humanTransition(issueKey: string, transitionId: string): Promise<void> {
  const response = await t.sim.app.fetch(
    new Request(`http://jira.local/rest/api/3/issue/${issueKey}/transitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-sim-actor': `user:${ALICE}` },
      body: JSON.stringify({ transition: { id: transitionId } }),
    }),
  );
  expect(response.status).toBe(204);
  // The trigger runs asynchronously after Jira's event; wait until it has written the mirror.
  for (let i = 0; i < 100 && !(t.host.invocations.counters().byFunction['issue-updated-fn'] ?? 0); i += 1) await new Promise((r) => setTimeout(r, 10));
}

it('follows a human transition through the mirror and resolves from the status the issue is in', async () => {
  await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  const [issue] = issues(t.sim);
  await humanTransition(issue!.key, '21'); // Incoming → in progress ("Start progress")
  const mirror = t.host.kvs.get({ kind: 'kv' }, StorageKeys.issueStatus(issue!.id));
  expect(mirror.ok && mirror.value.value).toMatchObject({ statusName: 'in progress', statusCategory: 'indeterminate', statusId: '10003' });

  const before = t.sim.callLog.entries().length;
  await t.post([relayEvent(fixtureBody('06-checkout-all-resolved.json'))]);
  const calls = t.sim.callLog.entries().slice(before).map((c) => `${c.method} ${c.route}`);
  expect(calls).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment', 'GET /rest/api/3/issue/{issueIdOrKey}/transitions', 'POST /rest/api/3/issue/{issueIdOrKey}/transitions']);
  expect(statusName(t.sim, issue!)).toBe('Closed');
  expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.transitions('OPS', '10003')).ok).toBe(true);
});

it('asks Jira for the status once when the mirror is missing, then uses it again', async () => {
  await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  const [issue] = issues(t.sim);
  t.host.kvs.delete({ kind: 'kv' }, StorageKeys.issueStatus(issue!.id));
  const before = t.sim.callLog.entries().length;
  await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
  expect(t.sim.callLog.entries().slice(before).map((c) => `${c.method} ${c.route}`)).toEqual(['GET /rest/api/3/issue/{issueIdOrKey}', 'POST /rest/api/3/issue/{issueIdOrKey}/comment']);
  const again = t.sim.callLog.entries().length;
  await t.post([relayEvent(fixtureBody('04-checkout-one-resolved.json'))]);
  expect(t.sim.callLog.entries().slice(again).map((c) => `${c.method} ${c.route}`)).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment']);
});
