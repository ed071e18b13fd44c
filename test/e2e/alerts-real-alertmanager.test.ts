/**
 * Issue 4 end to end with a real Prometheus Alertmanager 0.25: the fixture scenario (one checkout instance
 * fires, a second joins and a disk alert fires, the second instance resolves, everything resolves) goes
 * through relay → Forge host → Jira simulator, and the Jira simulator shows the result: one issue per
 * problem, a comment for each change, none for an unchanged repeat, resolution as each rule says.
 */
import { ALERTMANAGER_TOKEN, settle, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { runFixtureScenario, startAlertmanager, startWebhookRecorder, waitUntil, type RunningAlertmanager, type WebhookRecorder } from '../support/alertmanager';
import { fixtureRules, issues, seedRules, statusName } from '../forge/alerts/support';
import type { JiraSimulator } from '../../src/sandbox/jira-sim';

jest.setTimeout(90_000);

let env: TestSandbox | undefined;
let recorder: WebhookRecorder | undefined;
let am: RunningAlertmanager | undefined;

afterEach(async () => {
  await am?.stop();
  await recorder?.close();
  await env?.close();
  am = undefined;
  recorder = undefined;
  env = undefined;
});

/** Replicas keep their own external URLs here, so their bodies differ and only the app can deduplicate. */
async function start(replicas: 1 | 3, clustered = true): Promise<{ sim: JiraSimulator }> {
  env = await startTestSandbox({ jiraRateLimits: true });
  seedRules(env.sandbox.forge, fixtureRules());
  recorder = await startWebhookRecorder({ targetUrl: `${env.sandbox.urls.relay}/v1/alertmanager` });
  const target = recorder;
  am = await startAlertmanager({ webhookUrl: (i) => target.urlFor(i), bearerToken: ALERTMANAGER_TOKEN, replicas, clustered });
  const sim = env.sandbox.jira;
  if (!sim) throw new Error('the sandbox runs the Jira simulator');
  return { sim };
}

function expectJiraOutcome(sim: JiraSimulator): void {
  const created = issues(sim);
  // One issue per Alertmanager group for checkout (grouping: group), one per fingerprint for the disk.
  expect(created.map((i) => i.summary).sort()).toEqual(['[Critical] 5xx rate above 5% on checkout', '[Warning] Disk on db-3 will fill in 4h']);
  const checkout = created.find((i) => i.summary.includes('checkout'))!;
  const disk = created.find((i) => i !== checkout)!;
  // checkout: group grows, one resolved, all resolved → three comments; resolve policy closes it.
  expect(checkout.comments).toHaveLength(3);
  expect(statusName(sim, checkout)).toBe('Closed');
  // disk: the unchanged repeat adds nothing; resolve policy is comment only, so it stays open.
  expect(disk.comments).toHaveLength(1);
  expect(statusName(sim, disk)).not.toBe('Closed');
  // Every app call succeeded eventually; nothing is left as a failed delivery.
  expect(env!.sandbox.forge.kvs.query('failed-delivery:', 20, undefined)).toMatchObject({ ok: true, value: { items: [] } });
}

async function runScenario(): Promise<void> {
  const rec = recorder!;
  await runFixtureScenario(am!, { deliveries: () => rec.deliveries().map((d) => d.body), onStep: () => settle(env!.sandbox) });
  await settle(env!.sandbox);
}

describe('real Alertmanager → Jira', () => {
  it('one Alertmanager: one issue per problem, a comment per change, resolution per rule', async () => {
    const { sim } = await start(1);
    await runScenario();
    expectJiraOutcome(sim);
  });

  it('three clustered replicas with their own URLs: exactly one issue per problem', async () => {
    const { sim } = await start(3, true);
    await runScenario();
    expectJiraOutcome(sim);
  });

  it('three replicas that do not gossip each send every notification: still exactly one issue per problem', async () => {
    const { sim } = await start(3, false);
    await runScenario();
    await waitUntil(() => recorder!.deliveries().length >= 18, { timeoutMs: 10_000, what: 'every replica to send every notification', detail: () => am!.logs(10) });
    await settle(env!.sandbox);
    // Bodies differ per replica (external URL), so the relay keeps all of them; the app deduplicates.
    expect(recorder!.deliveries().filter((d) => (d.answer as { duplicate: boolean }).duplicate)).toHaveLength(0);
    expectJiraOutcome(sim);
  });
});
