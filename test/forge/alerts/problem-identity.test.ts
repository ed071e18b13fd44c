/**
 * A group problem is its rule plus the group's labels, not Alertmanager's groupKey (which carries the route
 * path): a routing-tree change that keeps group_by keeps the issue; a group_by change makes a new problem.
 */
import { StorageKeys } from '../../../src/forge/constants';
import { compileRules, groupIdentity, planNotification, problemKey } from '../../../src/forge/domain/alerts';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

/** The same group after a sub-route was added for it: Alertmanager's groupKey now names that route. */
const viaSubRoute = (body: Record<string, unknown>): Record<string, unknown> => ({ ...body, groupKey: `{}/{team="payments"}:${String(body['groupKey']).replace(/^\{\}:/, '')}` });

describe('problem identity (pure)', () => {
  const rules = compileRules(fixtureRules());
  const keyOf = (body: Record<string, unknown>): string | undefined => planNotification(body as never, rules).problems[0]?.problem.key;

  it('is the rule plus the group labels, whatever route path the groupKey holds', () => {
    const body = fixtureBody('01-checkout-first-firing.json');
    expect(keyOf(viaSubRoute(body))).toBe(keyOf(body));
    expect(keyOf(body)).toBe(problemKey({ grouping: 'group', source: 'checkout:{alertname="HighErrorRate", cluster="prod-eu"}' }));
    expect(groupIdentity('r', { b: '2', a: 'x"y' })).toBe('r:{a="x\\"y", b="2"}');
  });

  it('changes when group_by changes (other group labels) and stays the fingerprint for fingerprint rules', () => {
    const body = fixtureBody('01-checkout-first-firing.json');
    expect(keyOf({ ...body, groupLabels: { alertname: 'HighErrorRate' } })).not.toBe(keyOf(body));
    const disk = fixtureBody('02-disk-first-firing.json');
    const fp = (disk['alerts'] as { fingerprint: string }[])[0]!.fingerprint;
    expect(keyOf(disk)).toBe(problemKey({ grouping: 'fingerprint', source: fp }));
  });
});

describe('problem identity on the host', () => {
  let t: AlertHost;
  beforeEach(async () => {
    t = await startAlertHost();
    seedRules(t.host, fixtureRules());
  });
  afterEach(() => t.close());

  it('a routing-tree change that keeps group_by keeps the one issue', async () => {
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    await t.post([relayEvent(viaSubRoute(fixtureBody('03-checkout-group-grows.json')))]);
    await t.post([relayEvent(viaSubRoute(fixtureBody('06-checkout-all-resolved.json')))]);
    expect(issues(t.sim)).toHaveLength(1);
    expect(issues(t.sim)[0]!.comments).toHaveLength(2);
  });

  it('carries a record stored under the groupKey-based key of earlier versions over, once', async () => {
    const body = fixtureBody('01-checkout-first-firing.json');
    await t.post([relayEvent(body)]);
    const key = problemKey({ grouping: 'group', source: groupIdentity('checkout', body['groupLabels'] as Record<string, string>) });
    const legacy = problemKey({ grouping: 'group', source: String(body['groupKey']) });
    const stored = t.host.kvs.get({ kind: 'kv' }, StorageKeys.problem(key));
    if (!stored.ok) throw new Error('no record');
    const record = stored.value.value as { state: Record<string, unknown> };
    t.host.kvs.set({ kind: 'kv' }, StorageKeys.problem(legacy), { ...record, state: { ...record.state, problemKey: legacy } });
    t.host.kvs.delete({ kind: 'kv' }, StorageKeys.problem(key));
    t.host.kvs.delete({ kind: 'kv' }, StorageKeys.creating(key));

    await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
    expect(issues(t.sim)).toHaveLength(1);
    expect(issues(t.sim)[0]!.comments).toHaveLength(1);
    expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.problem(legacy)).ok).toBe(false);
    expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.problem(key))).toMatchObject({ ok: true, value: { value: { state: { problemKey: key } } } });
  });

  it('an install made with this identity looks no legacy key up (its KVS started empty): one read less per new problem', async () => {
    t.host.kvs.set({ kind: 'kv' }, StorageKeys.installRecord, { installedAt: new Date().toISOString(), stateLost: false, problemIdentity: 'rule-labels' });
    const body = fixtureBody('01-checkout-first-firing.json');
    const legacy = problemKey({ grouping: 'group', source: String(body['groupKey']) });
    // A record under the old key could only come from an install of an earlier version: here it is not carried over.
    t.host.kvs.set({ kind: 'kv' }, StorageKeys.problem(legacy), { version: 1, state: { version: 1, problemKey: legacy, issue: { key: 'OPS-999', statusCategory: 'new' }, previousIssueKeys: [], alerts: {}, firstSeen: '2026-11-23T06:00:00Z', updatedAt: '2026-11-23T06:00:00Z' }, issueId: null });
    await t.post([relayEvent(body)]);
    expect(issues(t.sim)).toHaveLength(1);
    expect(t.host.kvs.get({ kind: 'kv' }, StorageKeys.problem(legacy)).ok).toBe(true);
  });
});
