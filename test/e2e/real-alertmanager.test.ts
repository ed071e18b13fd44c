/**
 * A real Prometheus Alertmanager 0.25 (Debian prometheus-alertmanager) drives the sandbox relay with the
 * scenario the fixtures were captured from (one checkout instance fires, a second joins and a disk alert fires,
 * the second instance resolves, everything resolves). A loopback recorder between them attributes each webhook
 * call to its replica and keeps the relay's answer; the consumer's completed queue jobs show what was applied,
 * and the Jira simulator (with its rate limits on) shows the result: one issue per problem, a comment for each
 * change, none for an unchanged repeat, resolution as each rule says, and no failed delivery.
 *
 * Replicas either share one external URL (as behind a load balancer: byte-identical bodies, the relay keeps
 * one) or keep their own (bodies differ, so only the app can deduplicate). Each run asserts both the relay /
 * consumer side and the Jira outcome, so the scenario runs once per rig.
 */
import { execFileSync } from 'node:child_process';
import { alertmanagerWebhookSchema } from '../../src/shared/alertmanager-webhook';
import type { RelayEvent } from '../../src/shared/relay-envelope';
import {
  ALERTMANAGER_TOKEN,
  alertmanagerSequence,
  consumerDeliveryCounts,
  loggedDeliveries,
  settle,
  startTestSandbox,
  type TestSandbox,
} from '../support/sandbox-harness';
import {
  FIXTURE_ALERTS,
  notificationState,
  progression,
  runFixtureScenario,
  startAlertmanager,
  startWebhookRecorder,
  stateKey,
  withoutTimes,
  type RecordedDelivery,
  type RunningAlertmanager,
  type WebhookRecorder,
  waitUntil,
} from '../support/alertmanager';
import { fixtureRules, issues, seedRules, statusName } from '../forge/alerts/support';
import { StorageKeys } from '../../src/forge/constants';
import type { JiraSimulator } from '../../src/sandbox/jira-sim';

jest.setTimeout(90_000);

const EXTERNAL_URL = 'http://alertmanager.example.com:9093';
const CHECKOUT_KEY = '{}:{alertname="HighErrorRate", cluster="prod-eu"}';
const DISK_KEY = '{}:{alertname="DiskFilling", cluster="prod-us"}';

interface Rig {
  readonly env: TestSandbox;
  readonly recorder: WebhookRecorder;
  readonly am: RunningAlertmanager;
}

let rig: Partial<{ -readonly [K in keyof Rig]: Rig[K] }> = {};

afterEach(async () => {
  const { am, recorder, env } = rig;
  rig = {};
  await am?.stop();
  await recorder?.close();
  await env?.close();
  if (am) expect(strays(am.workDir)).toEqual([]);
});

/** Processes still running from this Alertmanager's temp dir (read-only check: pgrep exits 1 when none). */
function strays(workDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', workDir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** `sharedUrl`: one external URL for all replicas (byte-identical bodies); otherwise each keeps its own. */
async function startRig(replicas: 1 | 3, clustered = true, urls: 'shared' | 'own' = 'shared'): Promise<Rig> {
  const env = await startTestSandbox({ jiraRateLimits: true });
  rig.env = env;
  seedRules(env.sandbox.forge, fixtureRules());
  const recorder = await startWebhookRecorder({ targetUrl: `${env.sandbox.urls.relay}/v1/alertmanager` });
  rig.recorder = recorder;
  const externalUrl = urls === 'shared' ? { externalUrl: EXTERNAL_URL } : {};
  const am = await startAlertmanager({ webhookUrl: (i) => recorder.urlFor(i), bearerToken: ALERTMANAGER_TOKEN, replicas, clustered, ...externalUrl });
  rig.am = am;
  return { env, recorder, am };
}

function jiraOf(env: TestSandbox): JiraSimulator {
  const sim = env.sandbox.jira;
  if (!sim) throw new Error('the sandbox runs the Jira simulator');
  return sim;
}

/** What Jira shows after the scenario, however many replicas sent it. */
function expectJiraOutcome(env: TestSandbox): void {
  const sim = jiraOf(env);
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
  // Every app call succeeded eventually; nothing is left as a failed delivery (the app's own key prefix).
  expect(env.sandbox.forge.kvs.query(StorageKeys.failedDeliveryPrefix, 20, undefined)).toMatchObject({ ok: true, value: { items: [] } });
}

interface RelayAnswer {
  readonly accepted: boolean;
  readonly id: string;
  readonly duplicate: boolean;
}

function answer(delivery: RecordedDelivery): RelayAnswer {
  return delivery.answer as RelayAnswer;
}

/** Alertmanager bodies the consumer completed, in the order the relay received them. */
function consumedBodies(env: TestSandbox): unknown[] {
  const events = env.sandbox.forge.queue.completedEvents().flatMap((job) => (job.body as { events?: RelayEvent[] }).events ?? []);
  return events.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)).map((e) => e.body);
}

function acceptedIds(deliveries: readonly RecordedDelivery[]): string[] {
  return deliveries.filter((d) => !answer(d).duplicate).map((d) => answer(d).id);
}

/** Every event the relay accepted reached the consumer exactly once, and nothing else did. */
function expectEachAcceptedEventConsumedOnce(env: TestSandbox, deliveries: readonly RecordedDelivery[]): void {
  const accepted = acceptedIds(deliveries);
  expect(new Set(accepted).size).toBe(accepted.length);
  const counts = consumerDeliveryCounts(env.sandbox);
  expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(accepted.map((id) => [id, 1])));
  // One delivery-log entry per event (unchanged repeats fold into one line with a count), none for anything else.
  const logged = loggedDeliveries(env.sandbox);
  expect(logged.total).toBe(accepted.length);
  expect(new Set(logged.knownIds).size).toBe(logged.knownIds.length);
  for (const id of logged.knownIds) expect(accepted).toContain(id);
}

const fixtureBodies = (): unknown[] => alertmanagerSequence().map((d) => JSON.parse(d.body) as unknown);

describe('real Alertmanager 0.25 → relay → consumer → Jira', () => {
  it('one Alertmanager: the fixture scenario yields the captured notifications, each consumed once', async () => {
    const { env, recorder, am } = await startRig(1);
    await runFixtureScenario(am, { deliveries: () => recorder.deliveries().map((d) => d.body), onStep: () => settle(env.sandbox) });
    await settle(env.sandbox);

    const deliveries = recorder.deliveries();
    for (const d of deliveries) {
      expect(d.status).toBe(202);
      expect(d.headers).toEqual({ authorization: `Bearer ${ALERTMANAGER_TOKEN}`, 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.25.0' });
      expect(alertmanagerWebhookSchema.safeParse(d.body).success).toBe(true);
    }
    expectEachAcceptedEventConsumedOnce(env, deliveries);

    const consumed = consumedBodies(env);
    const fixtures = fixtureBodies();
    for (const body of consumed) expect(alertmanagerWebhookSchema.safeParse(body).success).toBe(true);
    // Two groups, with the fixtures' group keys.
    expect(new Set(consumed.map((b) => alertmanagerWebhookSchema.parse(b).groupKey))).toEqual(new Set([CHECKOUT_KEY, DISK_KEY]));
    // checkout: firing → group grows → one resolved (in a firing group) → all resolved; disk: firing → resolved.
    expect(progression(consumed, 'HighErrorRate')).toEqual(progression(fixtures, 'HighErrorRate'));
    expect(progression(consumed, 'HighErrorRate')).toHaveLength(4);
    expect(progression(consumed, 'DiskFilling')).toEqual(progression(fixtures, 'DiskFilling'));
    // Apart from the times, every consumed body is byte-for-byte a captured one (same labels ⇒ same fingerprints).
    const fixtureByState = new Map(fixtures.map((b) => [stateKey(notificationState(b)), withoutTimes(b)]));
    for (const body of consumed) expect(withoutTimes(body)).toEqual(fixtureByState.get(stateKey(notificationState(body))));
    expectJiraOutcome(env);
  });

  it('three clustered replicas, alerts posted to all: every accepted notification is consumed exactly once', async () => {
    const { env, recorder, am } = await startRig(3);
    await runFixtureScenario(am, { deliveries: () => recorder.deliveries().map((d) => d.body) });
    await settle(env.sandbox);

    const deliveries = recorder.deliveries();
    for (const d of deliveries) {
      expect(d.status).toBe(202);
      expect(alertmanagerWebhookSchema.safeParse(d.body).success).toBe(true);
    }
    expectEachAcceptedEventConsumedOnce(env, deliveries);

    // Every state the fixtures show was sent and consumed; the checkout group ends resolved.
    const consumed = consumedBodies(env);
    const fixtureStates = new Set(fixtureBodies().map((b) => stateKey(notificationState(b))));
    expect(new Set(consumed.map((b) => stateKey(notificationState(b))))).toEqual(fixtureStates);
    expect(progression(consumed, 'HighErrorRate').at(-1)).toBe(progression(fixtureBodies(), 'HighErrorRate').at(-1));

    // A duplicate answer names an event the relay accepted earlier with the very same bytes.
    const firstBytes = new Map(deliveries.filter((d) => !answer(d).duplicate).map((d) => [answer(d).id, d.rawBody]));
    for (const d of deliveries.filter((x) => answer(x).duplicate)) expect(firstBytes.get(answer(d).id)).toBe(d.rawBody);

    // What HA dedup did: notifications per replica vs distinct states.
    const perReplica = [0, 1, 2].map((r) => deliveries.filter((d) => d.replica === r).length);
    const distinctStates = new Set(deliveries.map((d) => stateKey(notificationState(d.body)))).size;
    const report = {
      notifications: deliveries.length,
      perReplica,
      distinctStates,
      relayAccepted: acceptedIds(deliveries).length,
      relayDuplicates: deliveries.length - acceptedIds(deliveries).length,
      states: deliveries.map((d) => `+${d.receivedAt - (deliveries[0]?.receivedAt ?? 0)}ms r${d.replica} ${answer(d).duplicate ? 'dup' : 'new'} ${stateKey(notificationState(d.body))}`),
    };
    console.info(`HA Alertmanager dedup: ${JSON.stringify(report, null, 2)}`);
    expect(distinctStates).toBe(fixtureStates.size);
    expect(deliveries.length).toBeGreaterThanOrEqual(distinctStates);
    expectJiraOutcome(env);
  });

  it('three clustered replicas with their own URLs: exactly one issue per problem', async () => {
    const { env, recorder, am } = await startRig(3, true, 'own');
    await runFixtureScenario(am, { deliveries: () => recorder.deliveries().map((d) => d.body), onStep: () => settle(env.sandbox) });
    await settle(env.sandbox);
    expectEachAcceptedEventConsumedOnce(env, recorder.deliveries());
    expectJiraOutcome(env);
  });

  it('three replicas without gossip each notify: the relay keeps one of each byte-identical triple', async () => {
    const { env, recorder, am } = await startRig(3, false);
    await runFixtureScenario(am, { deliveries: () => recorder.deliveries().map((d) => d.body) });
    // Every replica sends every state; wait (bounded) for the stragglers before counting.
    const fixtureStates = new Set(fixtureBodies().map((b) => stateKey(notificationState(b))));
    await waitUntil(() => recorder.deliveries().length >= 3 * fixtureStates.size, { timeoutMs: 10_000, what: 'every replica to send every state', detail: () => am.logs(10) });
    await settle(env.sandbox);

    const deliveries = recorder.deliveries();
    expect([0, 1, 2].map((r) => deliveries.filter((d) => d.replica === r).length)).toEqual([6, 6, 6]);
    expectEachAcceptedEventConsumedOnce(env, deliveries);
    // Replicas sharing an external URL send the same bytes within seconds: one event per state survives.
    const accepted = deliveries.filter((d) => !answer(d).duplicate);
    expect(accepted.map((d) => stateKey(notificationState(d.body))).sort()).toEqual([...fixtureStates].sort());
    const consumed = consumedBodies(env);
    expect(progression(consumed, 'HighErrorRate')).toEqual(progression(fixtureBodies(), 'HighErrorRate'));
    expect(progression(consumed, 'DiskFilling')).toEqual(progression(fixtureBodies(), 'DiskFilling'));
    expectJiraOutcome(env);
  });

  it('three replicas that do not gossip, each with its own URL, send every notification: still exactly one issue per problem', async () => {
    const { env, recorder, am } = await startRig(3, false, 'own');
    await runFixtureScenario(am, { deliveries: () => recorder.deliveries().map((d) => d.body), onStep: () => settle(env.sandbox) });
    await waitUntil(() => recorder.deliveries().length >= 18, { timeoutMs: 10_000, what: 'every replica to send every notification', detail: () => am.logs(10) });
    await settle(env.sandbox);
    // Bodies differ per replica (external URL), so the relay keeps all of them; the app deduplicates.
    expect(recorder.deliveries().filter((d) => answer(d).duplicate)).toHaveLength(0);
    expectEachAcceptedEventConsumedOnce(env, recorder.deliveries());
    expectJiraOutcome(env);
  });
});

describe('real Alertmanager 0.25: a large group (issue 14)', () => {
  it.each([400, 2000])('a %i-alert group fires and resolves as one issue that knows every alert; nothing failed', async (count) => {
    const { env, recorder, am } = await startRig(1);
    const base = FIXTURE_ALERTS.checkoutA;
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alerts = Array.from({ length: count }, (_, i) => ({ labels: { ...base.labels, instance: `checkout-${i}:8080` }, annotations: base.annotations, generatorURL: base.generatorURL, startsAt }));
    await am.postAlerts(alerts);
    const sim = jiraOf(env);
    const known = () => {
      const issue = issues(sim)[0];
      const property = issue?.properties.get('incident-bridge-problem') as { problemKey: string } | undefined;
      if (!property) return 0;
      const head = env.sandbox.forge.kvs.get({ kind: 'kv' }, StorageKeys.problem(property.problemKey));
      if (!head.ok) return 0;
      const value = head.value.value as { state?: { alerts: Record<string, unknown> }; chunked?: { generation: string; count: number } };
      if (value.state) return Object.keys(value.state.alerts).length;
      if (!value.chunked) return 0;
      const { generation, count: chunks } = value.chunked;
      const json = Array.from({ length: chunks }, (_, i) => {
        const chunk = env.sandbox.forge.kvs.get({ kind: 'kv' }, StorageKeys.problemChunk(property.problemKey, generation, i));
        return chunk.ok ? (chunk.value.value as string) : '';
      }).join('');
      return Object.keys((JSON.parse(json) as { state: { alerts: Record<string, unknown> } }).state.alerts).length;
    };
    await waitUntil(async () => { await settle(env.sandbox); return known() === count; }, { timeoutMs: 60_000, what: `one issue knowing all ${count} alerts`, detail: () => am.logs(10) });
    expect(issues(sim)).toHaveLength(1);

    const endsAt = new Date(Date.now() - 1_000).toISOString();
    await am.postAlerts(alerts.map((a) => ({ ...a, endsAt })));
    await waitUntil(async () => { await settle(env.sandbox); return statusName(sim, issues(sim)[0]!) === 'Closed'; }, { timeoutMs: 60_000, what: 'the issue to be resolved', detail: () => am.logs(10) });
    expect(issues(sim)).toHaveLength(1);
    for (const d of recorder.deliveries()) expect(d.status).toBe(202);
    expect(await env.sandbox.relay.outbox.stats()).toMatchObject({ pending: 0, failed: 0 });
  });
});

describe('real Alertmanager 0.25: the routing tree changes under a firing alert (issue 13)', () => {
  it('a sub-route with the same receiver and group_by keeps the one issue, which ends resolved when the alert resolves', async () => {
    const { env, recorder, am } = await startRig(1);
    const sim = jiraOf(env);
    const alert = { ...FIXTURE_ALERTS.checkoutA, startsAt: new Date(Date.now() - 60_000).toISOString() };
    const groupKeys = () => new Set(recorder.deliveries().map((d) => alertmanagerWebhookSchema.parse(d.body).groupKey));
    await am.postAlerts([alert]);
    await waitUntil(async () => { await settle(env.sandbox); return issues(sim).length === 1; }, { timeoutMs: 30_000, what: 'the first issue', detail: () => am.logs(10) });
    expect(groupKeys()).toEqual(new Set([CHECKOUT_KEY]));
    const issueKey = issues(sim)[0]!.key;

    // The operator adds a child route for the same alerts, same receiver, same group_by: Alertmanager's group key
    // now holds the route path, so the group is a new one to Alertmanager and it notifies again.
    await am.reload([{ matchers: ['alertname="HighErrorRate"'], groupBy: ['alertname', 'cluster'] }]);
    await am.postAlerts([alert]);
    const routedKey = '{}/{alertname="HighErrorRate"}:{alertname="HighErrorRate", cluster="prod-eu"}';
    await waitUntil(async () => { await settle(env.sandbox); return groupKeys().has(routedKey); }, { timeoutMs: 30_000, what: 'a notification under the new route', detail: () => am.logs(10) });
    await settle(env.sandbox);
    expect(issues(sim).map((i) => i.key)).toEqual([issueKey]);
    expect(statusName(sim, issues(sim)[0]!)).not.toBe('Closed');

    // The alert resolves: Alertmanager reports it under the new route only, and that closes the same issue.
    await am.postAlerts([{ ...alert, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
    await waitUntil(async () => { await settle(env.sandbox); return statusName(sim, issues(sim)[0]!) === 'Closed'; }, { timeoutMs: 30_000, what: 'the issue to be resolved', detail: () => am.logs(10) });
    expect(issues(sim).map((i) => i.key)).toEqual([issueKey]);
    for (const d of recorder.deliveries()) expect(d.status).toBe(202);
    const resolvedUnder = recorder.deliveries().map((d) => alertmanagerWebhookSchema.parse(d.body)).filter((b) => b.status === 'resolved').map((b) => b.groupKey);
    expect(resolvedUnder).toEqual([routedKey]);
    expect(env.sandbox.forge.kvs.query(StorageKeys.failedDeliveryPrefix, 20, undefined)).toMatchObject({ ok: true, value: { items: [] } });
  });
});
