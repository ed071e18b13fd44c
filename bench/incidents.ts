/**
 * Impact → Jira incident status changes through the whole sandbox (relay, Forge host, Jira simulator, Impact
 * simulator): Jira and Impact calls per status change. Targets: 1 Jira transition call per workflow
 * step, 0 echo writes (no Impact write caused by an Impact change).
 */
import { settle, startTestSandbox } from '../test/support/sandbox-harness';
import type { ImpactStatus } from '../src/shared/impact';

/** Status, and the workflow steps the sandbox's OPS workflow needs to reach it from the previous one. */
const MOVES: readonly [ImpactStatus, number][] = [
  ['INVESTIGATING', 1], // Incoming → in progress
  ['MITIGATED', 1], // → Reporter validation
  ['MITIGATING', 1], // → in progress
  ['CLOSED', 1], // → Closed
];

export async function benchIncidents(incidents = 10): Promise<void> {
  const env = await startTestSandbox();
  const impact = env.sandbox.impact!;
  const jira = env.sandbox.jira!;
  const appCalls = () => jira.callLog.entries().filter((e) => e.actorIsApp);
  const apiCalls = () => impact.callLog.entries().filter((e) => e.surface === 'api');
  const settleAll = async () => {
    await impact.webhooks.settle();
    await settle(env.sandbox);
  };
  try {
    for (let i = 0; i < incidents; i += 1) impact.admin.createIncident({ id: `BENCH-${i}`, title: `Bench incident ${i}` });
    await settleAll();
    const before = appCalls().length;
    const transitionsBefore = appCalls().filter((e) => e.method === 'POST' && e.route.endsWith('/transitions')).length;
    const impactBefore = apiCalls().length;
    const webhooksBefore = impact.webhooks.deliveries().length;
    const started = performance.now();
    let steps = 0;
    for (const [status, n] of MOVES) {
      for (let i = 0; i < incidents; i += 1) impact.admin.updateIncident(`BENCH-${i}`, { status });
      steps += n * incidents;
      await settleAll();
    }
    const ms = performance.now() - started;
    const changes = MOVES.length * incidents;
    const transitions = appCalls().filter((e) => e.method === 'POST' && e.route.endsWith('/transitions')).length - transitionsBefore;
    const impactApi = apiCalls().slice(impactBefore);
    const impactWrites = impactApi.filter((c) => c.method !== 'GET').length;
    const sent = impact.webhooks.deliveries().slice(webhooksBefore);
    const undelivered = sent.filter((d) => d.state !== 'delivered').length;
    console.log(`incidents ${incidents}, status changes ${changes}, workflow steps ${steps}, ${ms.toFixed(0)} ms`);
    console.log(`Jira calls per status change      ${((appCalls().length - before) / changes).toFixed(2)}`);
    console.log(`Jira transition calls per step    ${(transitions / steps).toFixed(2)}   (target 1.00)`);
    console.log(`Impact calls per status change    ${(impactApi.length / changes).toFixed(2)}`);
    console.log(`echo writes to Impact             ${impactWrites}   (target 0)`);
    console.log(`Impact webhooks sent              ${sent.length}   (${undelivered} not delivered; target ${changes}, 0)`);
  } finally {
    await env.close();
  }
}
