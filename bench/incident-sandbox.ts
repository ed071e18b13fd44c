/**
 * The sandbox the incident benches run on: Jira and Impact simulators with the app, and the counters they read.
 * The benches pack hours of incident work into seconds: the install's KVS write quota (4,000 a minute,
 * forge-host/kvs-quota.ts) would measure the squeeze, not the sync, so it is lifted here.
 */
import { settle, startTestSandbox } from '../test/support/sandbox-harness';

export async function startIncidentBenchSandbox() {
  const env = await startTestSandbox({ kvsQuota: false });
  const impact = env.sandbox.impact!;
  const jira = env.sandbox.jira!;
  return {
    env,
    impact,
    jira,
    /** Jira calls the app made (not people). */
    appCalls: () => jira.callLog.entries().filter((e) => e.actorIsApp),
    /** Impact API calls (not webhooks). */
    apiCalls: () => impact.callLog.entries().filter((e) => e.surface === 'api'),
    /** Impact's webhooks delivered and the sandbox idle. */
    settleAll: async () => {
      await impact.webhooks.settle();
      await settle(env.sandbox);
    },
  };
}
