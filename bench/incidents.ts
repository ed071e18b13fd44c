/**
 * Impact → Jira incident status changes through the whole sandbox (relay, Forge host, Jira simulator, an
 * Impact stand-in): Jira and Impact calls per status change. Targets: 1 Jira transition call per workflow
 * step, 0 echo writes (no Impact write caused by an Impact change).
 */
import { SecretKeys } from '../src/forge/constants';
import { settle, startTestSandbox } from '../test/support/sandbox-harness';
import { startImpactStandIn } from '../test/support/impact-standin';
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
  const impact = await startImpactStandIn({ relayUrl: env.sandbox.urls.relay, secret: 'dev-impact-secret' });
  env.sandbox.forge.kvs.set({ kind: 'secret' }, SecretKeys.impactApi, { baseUrl: impact.url, token: impact.token });
  const jira = env.sandbox.jira!;
  const appCalls = () => jira.callLog.entries().filter((e) => e.actorIsApp);
  try {
    for (let i = 0; i < incidents; i += 1) await impact.create({ id: `BENCH-${i}`, title: `Bench incident ${i}` });
    await settle(env.sandbox);
    const before = appCalls().length;
    const transitionsBefore = appCalls().filter((e) => e.method === 'POST' && e.route.endsWith('/transitions')).length;
    const impactBefore = impact.calls.length;
    const started = performance.now();
    let steps = 0;
    for (const [status, n] of MOVES) {
      for (let i = 0; i < incidents; i += 1) await impact.update(`BENCH-${i}`, { status });
      steps += n * incidents;
      await settle(env.sandbox);
    }
    const ms = performance.now() - started;
    const changes = MOVES.length * incidents;
    const transitions = appCalls().filter((e) => e.method === 'POST' && e.route.endsWith('/transitions')).length - transitionsBefore;
    const impactWrites = impact.calls.slice(impactBefore).filter((c) => c.method !== 'GET').length;
    console.log(`incidents ${incidents}, status changes ${changes}, workflow steps ${steps}, ${ms.toFixed(0)} ms`);
    console.log(`Jira calls per status change      ${((appCalls().length - before) / changes).toFixed(2)}`);
    console.log(`Jira transition calls per step    ${(transitions / steps).toFixed(2)}   (target 1.00)`);
    console.log(`Impact calls per status change    ${((impact.calls.length - impactBefore) / changes).toFixed(2)}`);
    console.log(`echo writes to Impact             ${impactWrites}   (target 0)`);
  } finally {
    await impact.close();
    await env.close();
  }
}
