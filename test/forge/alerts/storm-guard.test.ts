/**
 * The storm guard on the local Forge host (consumer + KVS + Jira simulator), events with chosen receivedAt so
 * windows are exact: with "≤ 1 new issue / 60 min", the first new group gets its own issue and the next two roll
 * into one storm issue; the storm resolves (comment + transition, the rule's policy) only when both rolled
 * groups have; a rolled group firing again after its storm issue is Done, in a later window, is a new problem
 * (its own issue, linked to the storm issue it was in).
 */
import { describeOutcome, type DeliveryRecord } from '../../../src/forge/delivery/delivery-record';
import { StorageKeys } from '../../../src/forge/constants';
import { issues, seedRules, statusName } from './support';
import { relayEvent, startAlertHost, type AlertHost } from './host-harness';
import { hostStormRule, serviceGroupNotification } from './service-group';
import type { DryRunReport, ResolverResult } from '../../../src/forge/entry/resolvers/contract';

jest.setTimeout(60_000);

let t: AlertHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3_600_000;
/** An OPS administrator of the sandbox site (the Dry run needs Administer Projects). */
const DRY_RUN_USER = '5b10a2844c20165700ede21a';
const W0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const at = (ms: number) => new Date(W0 + ms).toISOString();

const notification = (group: number, status: 'firing' | 'resolved', startsAt: string) => serviceGroupNotification({ alertname: 'HostStorm', group, status, startsAt, fingerprintBase: 0xb000 });

function lines(host: AlertHost): string[] {
  const page = host.host.kvs.query(StorageKeys.deliveryPrefix, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.map((i) => describeOutcome((i.value as DeliveryRecord).outcome));
}

describe('storm guard on the Forge host', () => {
  it('rolls, resolves together, and a re-fire after the storm in a later window is a new linked issue', async () => {
    t = await startAlertHost();
    const { sim } = t;
    seedRules(t.host, [hostStormRule()]);
    const start = at(60_000);
    for (const g of [1, 2, 3]) await t.post([relayEvent(notification(g, 'firing', start), at(120_000 + g * 1000))]);
    const storm = issues(sim).find((i) => i.summary.startsWith('[Storm] Host storm'));
    expect(storm).toBeDefined();
    expect(issues(sim)).toHaveLength(2);
    expect(storm!.comments).toHaveLength(2);
    expect(lines(t).filter((l) => l === `rolled into storm issue ${storm!.key}`)).toHaveLength(2);

    // The Dry run says what the guard would do now, executing nothing.
    const dryRun = async (group: number, receivedAt: string) => {
      const report = await t!.resolver<ResolverResult<DryRunReport>>('dryRunAlerts', { notification: notification(group, 'firing', start), receivedAt }, DRY_RUN_USER);
      if (!report.ok) throw new Error(report.error.message);
      return report.value.problems[0]!;
    };
    const calls = sim.callLog.entries().length;
    const fourth = await dryRun(4, at(30 * 60_000));
    expect(fourth.storm).toMatchObject({ guard: '≤ 1 new issue / 60 min', used: 1, maxNewIssues: 1, verdict: 'rolled', stormIssueKey: storm!.key });
    expect(fourth.jiraCalls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST /rest/api/3/issue/${storm!.key}/comment`]);
    const later = await dryRun(4, at(90 * 60_000));
    expect(later.storm).toMatchObject({ used: 0, verdict: 'own-issue', stormIssueKey: null });
    expect(later.jiraCalls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /rest/api/3/issue']);
    expect((await dryRun(2, at(30 * 60_000))).storm).toMatchObject({ verdict: 'rolled', stormIssueKey: storm!.key });
    expect(sim.callLog.entries().slice(calls).filter((c) => c.actorIsApp)).toHaveLength(0);
    expect(issues(sim)).toHaveLength(2);

    // One rolled group resolves: a comment, the storm stays open.
    await t.post([relayEvent(notification(2, 'resolved', start), at(20 * 60_000))]);
    expect(storm!.comments).toHaveLength(3);
    expect(statusName(sim, storm!)).not.toBe('Closed');
    expect(lines(t)).toContain(`commented on storm issue ${storm!.key}`);

    // The last one resolves: its comment, "Storm over", and the rule's transition.
    await t.post([relayEvent(notification(3, 'resolved', start), at(21 * 60_000))]);
    expect(storm!.comments).toHaveLength(5);
    expect(JSON.stringify(storm!.comments.at(-1))).toContain('Storm over');
    expect(statusName(sim, storm!)).toBe('Closed');
    expect(lines(t)).toContain(`commented on storm issue ${storm!.key} (all its problems resolved: storm resolved)`);

    // Group 2 fires again two hours later (a new window): its own issue, linked to the storm issue it was in.
    await t.post([relayEvent(notification(2, 'firing', at(2 * HOUR)), at(2 * HOUR + 1000))]);
    expect(issues(sim)).toHaveLength(3);
    const fresh = issues(sim).find((i) => i.key !== storm!.key && i.summary.includes('svc-2'));
    expect(fresh).toBeDefined();
    expect(lines(t)).toContain(`created ${fresh!.key} (linked to ${storm!.key})`);
  });
});
