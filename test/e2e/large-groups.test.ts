/**
 * Issue 14, item 1: a group of 400 or 2,000 alerts (normal with `max_alerts: 0`) through relay → web
 * trigger → queue → consumer → Jira simulator. The relay forwards it as gzip parts (each under Forge's
 * 100 KB per event), the app joins them and the group ends as ONE issue that knows every alert, then
 * resolves; nothing is left in the relay's dead letters.
 */
import { postAlertmanager, sandboxPerTest, settle, type TestSandbox } from '../support/sandbox-harness';
import { fixtureRules, issues, seedRules, statusName } from '../forge/alerts/support';
import { alertmanagerGroup } from '../relay/large-group';
import type { JiraSimulator } from '../../src/sandbox/jira-sim';
import { StorageKeys } from '../../src/forge/constants';

jest.setTimeout(120_000);

const sandboxes = sandboxPerTest();

function sim(t: TestSandbox): JiraSimulator {
  const s = t.sandbox.jira;
  if (!s) throw new Error('the sandbox runs against a real site');
  return s;
}

describe('large Alertmanager groups reach Jira whole', () => {
  it.each([400])('a %i-alert group fires and resolves as one issue that knows every alert', async (alerts) => {
    const env = await sandboxes.start({ env: { ALERTMANAGER_TOKENS: 'test-alertmanager-token', RELAY_SIGNING_KEYS: 'e2e:e2e-signing-secret-0123456789', RELAY_POLL_INTERVAL_MS: '200' } });
    seedRules(env.sandbox.forge, fixtureRules());
    const firing = alertmanagerGroup(alerts, { seed: 'big' });
    expect((await postAlertmanager(env.sandbox.urls.relay, firing)).status).toBe(202);
    await settle(env.sandbox, 60_000);

    expect(issues(sim(env))).toHaveLength(1);
    const [issue] = issues(sim(env));
    const property = issue!.properties.get('incident-bridge-problem') as { problemKey: string };
    const record = env.sandbox.forge.kvs.get({ kind: 'kv' }, StorageKeys.problem(property.problemKey));
    if (!record.ok) throw new Error(record.failure.message);
    const known = (record.value.value as { state: { alerts: Record<string, unknown> } }).state.alerts;
    expect(Object.keys(known)).toHaveLength(alerts);

    const resolved = alertmanagerGroup(alerts, { seed: 'big', status: 'resolved' });
    expect((await postAlertmanager(env.sandbox.urls.relay, resolved)).status).toBe(202);
    await settle(env.sandbox, 60_000);
    expect(issues(sim(env))).toHaveLength(1);
    expect(statusName(sim(env), issues(sim(env))[0]!)).toBe('Closed');
    const stats = await env.sandbox.relay.outbox.stats();
    expect(stats).toMatchObject({ pending: 0, failed: 0 });
  });
});
