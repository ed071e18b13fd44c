/**
 * Storm guard (feature row 39) through relay → web trigger → queue → consumer → Jira simulator, with the
 * Forge host delivering as Forge does (any order, busy keys back off) plus chaos (duplicates, holds): a rule
 * allowing 50 new issues per 60 min gets 51 distinct groups at once and ends with 50 issues of their own and
 * ONE storm issue that lists the 51st; the 51st's later notification comments on the storm issue; when it
 * resolves, the storm issue resolves by the rule's policy. The Jira calls of the rolled problem are counted.
 */
import { consumerRecords, postAlertmanager, sandboxPerTest, settleWithRetries as settle } from '../support/sandbox-harness';
import { appCalls, issues, seedRules, statusName } from '../forge/alerts/support';
import { storedRuleSchema } from '../../src/forge/domain/alerts';
import { DEFAULT_CHAOS } from '../../src/sandbox/forge-host';
import { describeOutcome } from '../../src/forge/delivery/delivery-record';

jest.setTimeout(180_000);

const sandboxes = sandboxPerTest();
const WINDOW_MS = 60 * 60_000;

function notification(group: number, status: 'firing' | 'resolved', startsAt: string, extraAlert = false): string {
  const groupLabels = { alertname: 'StormAlert', service: `svc-${group}` };
  const alert = (i: number) => ({
    status,
    labels: { ...groupLabels, instance: `host-${i}:9100`, severity: 'critical', cluster: 'prod-eu' },
    annotations: { summary: `svc-${group} is failing on host-${i}` },
    startsAt,
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : new Date(Date.now()).toISOString(),
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: (group * 100 + i + 1).toString(16).padStart(16, '0'),
  });
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="StormAlert", service="svc-${group}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'jira',
    groupLabels,
    commonLabels: { ...groupLabels, severity: 'critical', cluster: 'prod-eu' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: extraAlert ? [alert(0), alert(1)] : [alert(0)],
  });
}

describe('storm guard', () => {
  it('51 new groups under "≤ 50 new issues / 60 min": 50 issues + 1 storm issue listing the 51st, updated and resolved there', async () => {
    // The window is fixed (epoch-aligned hours, by the relay's receivedAt): start well inside one.
    const intoWindow = Date.now() % WINDOW_MS;
    if (intoWindow > WINDOW_MS - 120_000) await new Promise((r) => setTimeout(r, WINDOW_MS - intoWindow + 1000));

    const env = await sandboxes.start({ forgeFidelity: { mode: 'forge', timeFactor: 0.02, chaos: DEFAULT_CHAOS } });
    const sim = env.sandbox.jira!;
    seedRules(env.sandbox.forge, [
      storedRuleSchema.parse({
        id: 'storm',
        name: 'Storm alerts',
        order: 10,
        target: { projectKey: 'OPS', issueType: 'Incident' },
        matchers: ['alertname="StormAlert"'],
        grouping: 'group',
        resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } },
        stormGuard: { maxNewIssues: 50, windowMinutes: 60 },
      }),
    ]);
    const startsAt = new Date().toISOString();
    const groups = Array.from({ length: 51 }, (_, g) => g);
    for (let i = 0; i < groups.length; i += 17) {
      const responses = await Promise.all(groups.slice(i, i + 17).map((g) => postAlertmanager(env.sandbox.urls.relay, notification(g, 'firing', startsAt))));
      expect(responses.every((r) => r.status === 202)).toBe(true);
    }
    await settle(env.sandbox, 120_000);

    const all = issues(sim);
    const storms = all.filter((i) => i.summary.startsWith('[Storm]'));
    const own = all.filter((i) => !i.summary.startsWith('[Storm]'));
    expect(storms).toHaveLength(1);
    expect(own).toHaveLength(50);
    const storm = storms[0]!;
    expect(storm.summary).toContain('Storm alerts: more than 50 new issues in 60 min');
    // Exactly one group has no issue of its own, and the storm issue lists exactly that one.
    const servicesWithIssue = new Set(own.map((i) => /svc-\d+/.exec(JSON.stringify(i.description))?.[0]));
    const rolled = groups.filter((g) => !servicesWithIssue.has(`svc-${g}`));
    expect(rolled).toHaveLength(1);
    const rolledGroup = rolled[0]!;
    const comments = () => storm.comments.map((c) => JSON.stringify(c));
    expect(comments()).toHaveLength(1);
    expect(comments()[0]).toContain('Rolled into this storm');
    expect(comments()[0]).toContain(`svc-${rolledGroup}`);
    // Exactly once despite duplicated and reordered deliveries: 51 creates (50 + the storm issue), one comment on it.
    const firstPhase = appCalls(sim);
    expect(firstPhase.filter((c) => c.method === 'POST' && c.route === '/rest/api/3/issue')).toHaveLength(51);
    expect(firstPhase.filter((c) => c.method === 'POST' && c.route === '/rest/api/3/issue/{issueIdOrKey}/comment')).toHaveLength(1);
    // The delivery log says so.
    const lines = consumerRecords(env.sandbox).map((r) => describeOutcome(r.outcome));
    expect(lines.filter((l) => l.includes(`rolled into storm issue ${storm.key}`))).toHaveLength(1);
    // A redelivery that changed nothing keeps its line's "created" (delivery-log.ts).
    expect(lines.filter((l) => /^created OPS-\d+$/.test(l))).toHaveLength(50);

    // The rolled group grows: its notification comments on the storm issue, no new issue.
    const before = sim.callLog.entries().length;
    expect((await postAlertmanager(env.sandbox.urls.relay, notification(rolledGroup, 'firing', startsAt, true))).status).toBe(202);
    await settle(env.sandbox, 60_000);
    const growCalls = appCalls(sim, before);
    expect(issues(sim)).toHaveLength(51);
    expect(comments()).toHaveLength(2);
    expect(statusName(sim, storm)).not.toBe('Closed');

    // It resolves: the last rolled problem resolved, so the storm issue resolves as the rule says (comment + transition).
    const beforeResolve = sim.callLog.entries().length;
    expect((await postAlertmanager(env.sandbox.urls.relay, notification(rolledGroup, 'resolved', startsAt, true))).status).toBe(202);
    await settle(env.sandbox, 60_000);
    const resolveCalls = appCalls(sim, beforeResolve);
    expect(issues(sim)).toHaveLength(51);
    const stormNow = issues(sim).find((i) => i.key === storm.key)!;
    expect(statusName(sim, stormNow)).toBe('Closed');
    expect(comments().some((c) => c.includes('Storm over'))).toBe(true);
    // The 50 own issues are untouched by the rolled group.
    for (const i of own) expect(i.comments).toHaveLength(0);
    // Nothing failed.
    expect(consumerRecords(env.sandbox).filter((r) => r.outcome.kind === 'failed')).toHaveLength(0);

    const fmt = (calls: { method: string; route: string }[]) => calls.map((c) => `${c.method} ${c.route}`).join(', ');
    console.log(`storm guard Jira calls: rolled-in update ${growCalls.length} (${fmt(growCalls)}); resolve ${resolveCalls.length} (${fmt(resolveCalls)})`);
    expect(growCalls).toHaveLength(1);
  });
});
