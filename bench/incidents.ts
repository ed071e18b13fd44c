/**
 * Incident sync through the whole sandbox (relay, Forge host, Jira simulator, Impact simulator).
 * 1. Impact → Jira status changes: Jira and Impact calls per status change. Targets: 1 Jira transition call
 *    per workflow step, 0 echo writes (no Impact write caused by an Impact change).
 * 2. Conflicts: a person edits the title in Jira and another in Impact 0–50 ms apart, either order. Jira and
 *    Impact calls per edit, Impact 409s and the reads they cost (target ≤ 1 extra read per conflict), and the
 *    time from the second edit until both sides show the last person's value (p50/p99).
 */
import { settleWithImpact, startTestSandbox } from '../test/support/sandbox-harness';
import { jiraRequest } from '../test/support/jira-as-person';
import { startIncidentBenchSandbox } from './incident-sandbox';
import type { ImpactStatus } from '../src/shared/impact';

/** Status, and the workflow steps the sandbox's OPS workflow needs to reach it from the previous one. */
const MOVES: readonly [ImpactStatus, number][] = [
  ['INVESTIGATING', 1], // Incoming → in progress
  ['MITIGATED', 1], // → Reporter validation
  ['MITIGATING', 1], // → in progress
  ['CLOSED', 1], // → Closed
];

export async function benchIncidents(incidents = 10): Promise<void> {
  const { env, impact, appCalls, apiCalls, settleAll } = await startIncidentBenchSandbox();
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
    await benchConflicts(env, incidents);
  } finally {
    await env.close();
  }
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function benchConflicts(env: Awaited<ReturnType<typeof startTestSandbox>>, incidents: number, rounds = 60): Promise<void> {
  const impact = env.sandbox.impact!;
  const jira = env.sandbox.jira!;
  const keyOf = (id: string): string => {
    const issue = [...jira.state.issues.values()].find((i) => i.properties.has('impact-incident') && JSON.stringify(i.properties.get('impact-incident')).includes(`"${id}"`));
    if (!issue) throw new Error(`no issue for ${id}`);
    return issue.key;
  };
  const summaryOf = (key: string): string => jira.state.issues.get(jira.state.issueKeys.get(key)!)!.summary;
  const appCalls = () => jira.callLog.entries().filter((e) => e.actorIsApp).length;
  const api = () => impact.callLog.entries().filter((e) => e.surface === 'api');
  const keys = Array.from({ length: Math.min(incidents, 8) }, (_, i) => keyOf(`BENCH-${i}`));
  let seed = 15;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const jiraBefore = appCalls();
  const apiBefore = api().length;
  const converge: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const i = round % keys.length;
    const id = `BENCH-${i}`;
    const key = keys[i]!;
    const gap = Math.floor(random() * 51);
    const jiraFirst = random() < 0.5;
    const jiraTitle = `Bench ${round} from Jira`;
    const impactTitle = `Bench ${round} from Impact`;
    const edits = [
      async () => void (await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: jiraTitle } })),
      async () => void impact.admin.updateIncident(id, { title: impactTitle }),
    ];
    const [first, second] = jiraFirst ? [edits[0]!, edits[1]!] : [edits[1]!, edits[0]!];
    await first();
    await new Promise((r) => setTimeout(r, gap));
    await second();
    const last = jiraFirst ? impactTitle : jiraTitle;
    const started = performance.now();
    while (!(impact.store.get(id)?.title === last && summaryOf(key) === last)) {
      if (performance.now() - started > 10_000) throw new Error(`round ${round} did not converge`);
      await new Promise((r) => setTimeout(r, 2));
    }
    converge.push(performance.now() - started);
    await settleWithImpact(env.sandbox);
  }
  const calls = api().slice(apiBefore);
  const conflicts = calls.filter((c) => c.status === 409).length;
  const reads = calls.filter((c) => c.method === 'GET').length;
  const edits = rounds * 2;
  converge.sort((a, b) => a - b);
  console.log(`conflict rounds ${rounds} (title edited in Jira and Impact 0-50 ms apart, either order)`);
  console.log(`Jira calls per person edit        ${((appCalls() - jiraBefore) / edits).toFixed(2)}`);
  console.log(`Impact calls per person edit      ${(calls.length / edits).toFixed(2)}`);
  console.log(`Impact 409 conflicts              ${conflicts}   (extra reads per conflict ${conflicts === 0 ? '0.00' : (reads / conflicts).toFixed(2)}; target <= 1.00)`);
  console.log(`time to converge p50 / p99        ${percentile(converge, 50).toFixed(0)} ms / ${percentile(converge, 99).toFixed(0)} ms`);
}
