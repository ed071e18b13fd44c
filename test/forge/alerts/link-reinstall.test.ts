/**
 * An issue linked to an alert group by hand carries the same entity property as the issues the app creates, so
 * after a reinstall (KVS wiped, Jira keeps the issues) the reinstall-safe lookup finds it: the next notification
 * comments on the linked issue instead of opening a duplicate.
 */
import { SecretKeys, StorageKeys } from '../../../src/forge/constants';
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

let t: AlertHost;
afterEach(() => t.close());

const asPerson = async (email: string, method: string, path: string, body?: unknown): Promise<Response> =>
  t.sim.app.fetch(
    new Request(`http://jira.test${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}`, accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

async function panel<T>(functionKey: string, issueKey: string, payload: Record<string, unknown>): Promise<T> {
  const response = await t.host.request(
    new Request('http://host.local/api/invoke/bridge-issue-panel', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.alice.accountId },
      body: JSON.stringify({ functionKey, payload, extension: { issue: { key: issueKey }, project: { key: 'OPS' } } }),
    }),
  );
  return ((await response.json()) as { result: T }).result;
}

it('after a reinstall the next notification finds the issue linked by hand by its property', async () => {
  t = await startAlertHost();
  await t.host.installApp();
  seedRules(t.host, fixtureRules());
  await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  const [created] = issues(t.sim);
  if (!created) throw new Error('no issue created');
  // A person closes the app's issue while the alert still fires, and an admin links their own issue instead.
  const offered = (await (await asPerson('bob@example.com', 'GET', `/rest/api/3/issue/${created.key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const close = offered.transitions.find((x) => x.to.name === 'Closed');
  expect((await asPerson('bob@example.com', 'POST', `/rest/api/3/issue/${created.key}/transitions`, { transition: { id: close?.id } })).status).toBe(204);
  await t.host.queue.drain();
  const mine = (await (await asPerson('alice@example.com', 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'by hand' } })).json()) as { key: string };
  const search = await panel<{ ok: true; value: { hits: { problemKey: string }[] } }>('searchAlertGroups', mine.key, { query: 'checkout' });
  const problemKey = search.value.hits[0]?.problemKey;
  expect(await panel('linkIssueAlertGroup', mine.key, { problemKey })).toMatchObject({ ok: true, value: { problemKey, previousIssueKey: created.key, outcome: 'pending' } });
  await t.host.queue.drain();
  expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.problem(problemKey ?? ''))).toMatchObject({ ok: true, value: { value: { state: { issue: { key: mine.key } } } } });

  await t.host.installApp({ reinstall: true });
  t.host.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, [{ id: 'test', secret: 'test-signing-secret-0123456789' }]);
  seedRules(t.host, fixtureRules());
  await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
  expect(issues(t.sim)).toHaveLength(2);
  expect(t.sim.state.findIssue(mine.key)?.comments).toHaveLength(1);
  expect(t.sim.state.findIssue(created.key)?.comments).toHaveLength(0);
  expect(t.host.queue.stats().failed).toBe(0);
});
