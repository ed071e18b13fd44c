/**
 * The captured Alertmanager sequence 01→07 through relay → web trigger → queue → consumer → Jira simulator,
 * with the fixture rules: one issue per group for checkout (closed on resolve), one per fingerprint for the
 * disk alert (comment on resolve). Jira calls are counted per notification from the simulator's call log.
 */
import { alertmanagerSequence, consumerRecords, postAlertmanager, replayClock, sandboxPerTest, settle, type TestSandbox } from '../support/sandbox-harness';
import { appCalls, fixtureRules, issues, seedRules, statusName } from '../forge/alerts/support';
import type { JiraSimulator } from '../../src/sandbox/jira-sim';

jest.setTimeout(60_000);

const sandboxes = sandboxPerTest();

function sim(t: TestSandbox): JiraSimulator {
  const s = t.sandbox.jira;
  if (!s) throw new Error('the sandbox runs against a real site');
  return s;
}

/** Posts one body, waits until it is applied, returns the app's Jira calls it caused. */
async function deliver(t: TestSandbox, body: string): Promise<string[]> {
  const before = sim(t).callLog.entries().length;
  const response = await postAlertmanager(t.sandbox.urls.relay, body);
  expect(response.status).toBe(202);
  await settle(t.sandbox);
  return appCalls(sim(t), before).map((c) => `${c.method} ${c.route} ${c.status}`);
}

/** 01 again, as Prometheus sends a new activation of the same alert: a later startsAt. */
function refire(body: string): string {
  const parsed = JSON.parse(body) as { alerts: { startsAt: string }[] };
  for (const a of parsed.alerts) a.startsAt = '2026-11-23T06:20:00.000000000Z';
  return JSON.stringify(parsed);
}

describe('Alertmanager fixtures to Jira', () => {
  it('makes one issue per group or fingerprint, comments only on change and resolves per rule, within the call targets', async () => {
    const time = replayClock();
    const env = await sandboxes.start({ relayClock: time.clock });
    seedRules(env.sandbox.forge, fixtureRules());
    const sequence = alertmanagerSequence();
    const first = sequence[0]!.receivedAt;
    const calls: Record<string, string[]> = {};
    for (const delivery of sequence) {
      time.at(delivery.receivedAt - first);
      calls[delivery.file] = await deliver(env, delivery.body);
    }
    const s = sim(env);

    // One issue for the checkout group, one for the disk alert's fingerprint.
    expect(issues(s)).toHaveLength(2);
    const byRule = (id: string) => issues(s).filter((i) => (i.properties.get('incident-bridge-problem') as { ruleId?: string } | undefined)?.ruleId === id);
    const [checkout] = byRule('checkout');
    const [disk] = byRule('disk');
    expect(checkout).toBeDefined();
    expect(disk).toBeDefined();
    expect(checkout!.summary).toMatch(/^\[Critical\] /);
    // Checkout: grew (03), one resolved (04), all resolved (06) → three comments, then Closed.
    expect(checkout!.comments).toHaveLength(3);
    expect(statusName(s, checkout!)).toBe('Closed');
    // Disk: the unchanged repeat (05) adds nothing; resolved (07) comments, status untouched.
    expect(disk!.comments).toHaveLength(1);
    expect(statusName(s, disk!)).toBe('Incoming');
    expect(checkout!.properties.get('incident-bridge-problem')).toMatchObject({ problemKey: expect.stringMatching(/^am:grp:/), grouping: 'group', ruleId: 'checkout' });
    expect(disk!.properties.get('incident-bridge-problem')).toMatchObject({ problemKey: expect.stringMatching(/^am:fp:/), grouping: 'fingerprint', ruleId: 'disk' });

    expect(calls['01-checkout-first-firing.json']).toEqual(['POST /rest/api/3/issue 201']);
    expect(calls['02-disk-first-firing.json']).toEqual(['POST /rest/api/3/issue 201']);
    expect(calls['03-checkout-group-grows.json']).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 201']);
    expect(calls['04-checkout-one-resolved.json']).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 201']);
    expect(calls['05-disk-repeat-unchanged.json']).toEqual([]);
    // First resolve in this project and status: one transitions lookup, cached from then on. OPS's closing
    // transitions carry the app's workflow validator, which Jira invokes with the issue key only; the key → id pair
    // the app wrote at create tells it the issue is no incident's without reading the issue.
    expect(calls['06-checkout-all-resolved.json']).toEqual([
      'POST /rest/api/3/issue/{issueIdOrKey}/comment 201',
      'GET /rest/api/3/issue/{issueIdOrKey}/transitions 200',
      'POST /rest/api/3/issue/{issueIdOrKey}/transitions 204',
    ]);
    const validatorRuns = () => env.sandbox.forge.invocations.list({ moduleKey: 'incident-closure' }).length;
    expect(validatorRuns()).toBe(1);
    expect(calls['07-disk-resolved.json']).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 201']);

    // Re-fire after Done: a new issue linked to the closed one (2 calls), then resolve again with the cache warm (2 calls).
    time.at(60_000);
    const refired = await deliver(env, refire(sequence[0]!.body));
    expect(refired).toEqual(['POST /rest/api/3/issue 201', 'POST /rest/api/3/issueLink 201']);
    const again = byRule('checkout').find((i) => i !== checkout);
    expect(again).toBeDefined();
    expect(s.state.links).toHaveLength(1);
    const resolvedAgain = JSON.parse(refire(sequence[5]!.body)) as { alerts: { endsAt: string }[] };
    time.at(70_000);
    expect(await deliver(env, JSON.stringify(resolvedAgain))).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 201', 'POST /rest/api/3/issue/{issueIdOrKey}/transitions 204']);
    expect(validatorRuns()).toBe(2);
    expect(statusName(s, again!)).toBe('Closed');

    // The delivery log says what happened to each notification.
    const outcomes = consumerRecords(env.sandbox).map((r) => r.outcome);
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(9);
    expect(JSON.stringify(outcomes)).toContain('"kind":"created"');
    expect(JSON.stringify(outcomes)).toContain('nothing changed since the last notification');
  });
});
