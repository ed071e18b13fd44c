/**
 * A reinstall empties the app's storage while Jira keeps the issues: the next notification of a problem
 * that is still open must find its issue (one JQL search), not open a duplicate; and a first install
 * searches nothing.
 */
import { StorageKeys, SecretKeys } from '../../../src/forge/constants';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

let t: AlertHost;
afterEach(() => t.close());

const searches = (since = 0): number => t.sim.callLog.entries().slice(since).filter((c) => c.route === '/rest/api/3/search/jql').length;

/** What an admin does after reinstalling: the relay's signing key and the rules, again. */
function reconfigure(): void {
  t.host.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, [{ id: 'test', secret: 'test-signing-secret-0123456789' }]);
  seedRules(t.host, fixtureRules());
}

it('after a reinstall (KVS wiped) an open problem keeps its issue: one JQL search, then none', async () => {
  t = await startAlertHost();
  await t.host.installApp();
  expect(searches()).toBe(1); // the install asks Jira once whether issues of an earlier install exist
  seedRules(t.host, fixtureRules());
  await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  await t.post([relayEvent(fixtureBody('02-disk-first-firing.json'))]);
  expect(issues(t.sim)).toHaveLength(2);
  expect(searches()).toBe(1); // first install: Jira had none of our issues, so first fires look nothing up

  await t.host.installApp({ reinstall: true });
  expect(searches()).toBe(2); // the reinstall's check found our issues
  expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.installRecord)).toMatchObject({ ok: true, value: { value: { stateLost: true } } });
  reconfigure();
  const before = t.sim.callLog.entries().length;
  await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
  expect(issues(t.sim)).toHaveLength(2);
  expect(searches(before)).toBe(1); // this problem's one lookup by its entity property
  expect(t.sim.callLog.entries().slice(before).filter((c) => c.method === 'POST' && c.route === '/rest/api/3/issue')).toHaveLength(0);

  // Steady state again: the next notifications of that problem search nothing.
  const after = t.sim.callLog.entries().length;
  await t.post([relayEvent(fixtureBody('04-checkout-one-resolved.json'))]);
  await t.post([relayEvent(fixtureBody('06-checkout-all-resolved.json'))]);
  expect(searches(after)).toBe(0);
  expect(issues(t.sim)).toHaveLength(2);
  expect(t.host.queue.stats().failed).toBe(0);
});
