/**
 * Three HA Alertmanager replicas send the same notification at once; their bodies differ only in
 * externalURL, so the relay stores three events. Through the whole sandbox that makes exactly one issue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTMANAGER_FIXTURES, consumerRecords, postAlertmanager, settle, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { fixtureRules, issues, seedRules } from '../forge/alerts/support';

jest.setTimeout(60_000);

let env: TestSandbox | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('HA Alertmanager replicas', () => {
  it('three concurrent identical notifications (distinct bodies) make exactly one issue and one Jira call', async () => {
    env = await startTestSandbox();
    seedRules(env.sandbox.forge, fixtureRules());
    const body = JSON.parse(readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8')) as Record<string, unknown>;
    const responses = await Promise.all([0, 1, 2].map((i) => postAlertmanager(env!.sandbox.urls.relay, JSON.stringify({ ...body, externalURL: `http://alertmanager-${i}:9093` }))));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string; duplicate: boolean })));
    expect(ids.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(ids.map((r) => r.id)).size).toBe(3);
    await settle(env.sandbox);
    const sim = env.sandbox.jira!;
    expect(issues(sim)).toHaveLength(1);
    expect(sim.callLog.count((c) => c.actorIsApp)).toBe(1);
    // The two replicas that changed nothing fold into one line with count 2.
    expect(consumerRecords(env.sandbox).map((r) => [r.outcome.kind, r.count ?? 1]).sort()).toEqual([
      ['applied', 1],
      ['applied', 2],
    ]);
  });
});
