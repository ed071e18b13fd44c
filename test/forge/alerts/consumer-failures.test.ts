/**
 * The consumer against the Jira simulator when things go wrong: concurrent creators, a deleted issue, lost
 * state, rate limits, an outage past the last retry, and a request Jira refuses.
 */
import { StorageKeys } from '../../../src/forge/constants';
import type { FailedDeliverySummary, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { DeliveryRecord } from '../../../src/forge/delivery/delivery-record';
import { compileRules, groupIdentity, problemKey } from '../../../src/forge/domain/alerts';
import { applyNotification } from '../../../src/forge/alerts/apply-notification';
import { createForgeKvsStore } from '../../../src/forge/adapters/forge-kvs-store';
import { createJiraRestPort } from '../../../src/forge/adapters/jira-rest';
import { systemClock } from '../../../src/forge/adapters/system-clock';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost();
  seedRules(t.host, fixtureRules());
});
afterEach(() => t.close());

const CHECKOUT_KEY = () => problemKey({ grouping: 'group', source: groupIdentity('checkout', fixtureBody('01-checkout-first-firing.json')['groupLabels'] as Record<string, string>) });

function deliveries(): DeliveryRecord[] {
  const page = t.host.kvs.query(StorageKeys.deliveryPrefix, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.map((i) => i.value as DeliveryRecord);
}

/** Every call since an index of the call log (injected faults answer before authentication, so no actor filter). */
function calls(since = 0): string[] {
  return t.sim.callLog.entries().slice(since).map((c) => `${c.method} ${c.route} ${c.status}`);
}

describe('alert consumer failure handling', () => {
  it('makes exactly one issue for three HA replicas’ notifications posted at once (queue concurrency key)', async () => {
    const body = fixtureBody('01-checkout-first-firing.json');
    const replicas = ['http://am-0:9093', 'http://am-1:9093', 'http://am-2:9093'].map((externalURL) => relayEvent({ ...body, externalURL }));
    await Promise.all(replicas.map((e) => t.post([e])));
    await t.advance(60_000);
    await t.advance(60_000);
    expect(issues(t.sim)).toHaveLength(1);
    expect(issues(t.sim)[0]!.comments).toHaveLength(0);
    // The two replicas that changed nothing fold into one line counting both.
    expect(deliveries().map((d) => d.count ?? 1).sort()).toEqual([1, 2]);
    expect(t.host.queue.stats().failed).toBe(0);
  });

  it('makes exactly one issue when three invocations apply the same notification truly in parallel (creation marker + JQL)', async () => {
    const body = fixtureBody('01-checkout-first-firing.json');
    const rules = compileRules(fixtureRules());
    const deps = { store: createForgeKvsStore(), jira: createJiraRestPort(systemClock), clock: systemClock, logger: { info() {}, warn() {}, error() {} } };
    const events = ['http://am-0:9093', 'http://am-1:9093', 'http://am-2:9093'].map((externalURL) => relayEvent({ ...body, externalURL }));
    const results = await Promise.all(events.map((e) => applyNotification(e, rules, deps)));
    // Whoever lost the marker race either adopted the issue (JQL) or was told to come back later.
    for (const r of results) if (!r.ok) expect(r.failure.kind).toBe('busy');
    // The losers did search Jira by the entity property before deciding.
    expect(t.sim.callLog.count((c) => c.route === '/rest/api/3/search/jql')).toBe(2);
    const retried = await Promise.all(events.map((e, i) => (results[i]!.ok ? results[i]! : applyNotification(e, rules, deps))));
    expect(retried.every((r) => r.ok)).toBe(true);
    expect(issues(t.sim)).toHaveLength(1);
    expect(issues(t.sim)[0]!.comments).toHaveLength(0);
    expect(t.sim.callLog.count((c) => c.method === 'POST' && c.route === '/rest/api/3/issue')).toBe(1);
  });

  it('forgets an issue deleted in Jira and creates a new one', async () => {
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    const [first] = issues(t.sim);
    t.sim.state.issues.delete(first!.id);
    t.sim.state.issueKeys.delete(first!.key);
    const before = t.sim.callLog.entries().length;
    await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
    expect(calls(before)).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 404', 'POST /rest/api/3/issue 201']);
    expect(issues(t.sim)).toHaveLength(1);
    expect(issues(t.sim)[0]!.key).not.toBe(first!.key);
  });

  it('finds the issue by its entity property when the KVS state was lost, without a duplicate', async () => {
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    t.host.kvs.delete({ kind: 'kv' }, StorageKeys.problem(CHECKOUT_KEY()));
    const before = t.sim.callLog.entries().length;
    await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
    expect(calls(before)).toEqual(['POST /rest/api/3/search/jql 200', 'POST /rest/api/3/issue/{issueIdOrKey}/comment 201']);
    expect(issues(t.sim)).toHaveLength(1);
    // The state is back: the next unchanged notification costs nothing.
    const again = t.sim.callLog.entries().length;
    await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
    expect(calls(again)).toEqual([]);
  });

  it('retries through a 429 storm, honouring Retry-After, then succeeds', async () => {
    t.sim.faults.inject('POST /rest/api/3/issue', { kind: 'status', status: 429, times: 3 });
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    expect(issues(t.sim)).toHaveLength(0);
    // Without a Retry-After header the app waits at least 10 s; nothing runs before that.
    await t.advance(9_000);
    expect(calls().filter((c) => c.endsWith('429'))).toHaveLength(1);
    for (let i = 0; i < 6; i += 1) await t.advance(30_000);
    expect(issues(t.sim)).toHaveLength(1);
    expect(calls().filter((c) => c.endsWith('429'))).toHaveLength(3);
    expect(deliveries()[0]!.outcome).toMatchObject({ kind: 'applied', problems: [{ kind: 'created' }] });
    expect(t.host.invocations.counters().byOutcome['retry-requested']).toBe(3);
  });

  it('retries on the simulator’s own burst limit (Retry-After header) and creates every issue once', async () => {
    t.sim.rateLimits.configure({ burstPerSecond: { GET: 100, POST: 1, PUT: 50, DELETE: 50 } });
    // Three groups: group_by [alertname, shard], so their group labels differ.
    const bodies = [1, 2, 3].map((n) => ({ ...fixtureBody('01-checkout-first-firing.json'), groupKey: `{}:{alertname="HighErrorRate", shard="${n}"}`, groupLabels: { alertname: 'HighErrorRate', shard: String(n) } }));
    await t.post(bodies.map((b) => relayEvent(b)));
    for (let i = 0; i < 8; i += 1) await t.advance(5_000);
    expect(issues(t.sim)).toHaveLength(3);
    expect(t.sim.callLog.entries().some((c) => c.status === 429 && c.rateLimitReason === 'jira-burst-based')).toBe(true);
  });

  it('records a failed delivery after the last retry of an outage, and the retry resolver succeeds once it clears', async () => {
    const fault = t.sim.faults.inject('POST /rest/api/3/issue', { kind: 'status', status: 503, times: Infinity });
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    for (let i = 0; i < 6; i += 1) await t.advance(900_000);
    expect(calls().filter((c) => c.endsWith('503'))).toHaveLength(5);
    const failed = await t.resolver<{ items: FailedDeliverySummary[] }>('listFailedDeliveries', {}, '5b10a2844c20165700ede21a');
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ attempts: 5, failureKind: 'unavailable' });
    expect(failed.items[0]!.reason).toContain('503');
    expect(deliveries()[0]!.outcome.kind).toBe('failed');

    t.sim.faults.remove(fault);
    const retried = await t.resolver<ResolverResult<{ eventId: string }>>('retryFailedDelivery', { key: failed.items[0]!.key }, '5b10a2844c20165700ede21a');
    expect(retried.ok).toBe(true);
    await t.host.queue.drain();
    expect(issues(t.sim)).toHaveLength(1);
    expect((await t.resolver<{ items: unknown[] }>('listFailedDeliveries', {}, '5b10a2844c20165700ede21a')).items).toHaveLength(0);
    expect(deliveries()[0]!.outcome).toMatchObject({ kind: 'applied', problems: [{ kind: 'created' }] });
  });

  it('records a failed delivery with Jira’s own error text when Jira refuses the request', async () => {
    seedRules(t.host, fixtureRules({ checkout: { target: { projectKey: 'NOPE', issueType: 'Incident' } } }));
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    expect(calls()).toEqual(['POST /rest/api/3/issue 400']);
    const failed = await t.resolver<{ items: FailedDeliverySummary[] }>('listFailedDeliveries', {}, '5b10a2844c20165700ede21a');
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ attempts: 1, failureKind: 'rejected' });
    expect(failed.items[0]!.reason).toContain('project: Specify a valid project ID or key');
    expect(t.host.queue.stats()).toMatchObject({ failed: 0, retries: 0 });
  });
});
