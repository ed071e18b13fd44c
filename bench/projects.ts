/**
 * Project sync and metrics at scale (issue 17 item 3), through the real consumer, REST adapter and the
 * in-process Jira simulator, with a latency model: every KVS call (counted as the Forge adapter makes them,
 * batches of ≤ 20 keys) costs 50 ms and every Jira call 150 ms (the p50 the local host's latency profile
 * assumes, [A]: Atlassian publishes neither). Sync waits are charged on the harness's fake clock (which also
 * drives the sync's time budget), so "time" = modelled waits + the CPU time measured; a page view sleeps its
 * 50 ms per KVS call for real.
 *
 * Prints: first (full) sync of 50,000 issues, incremental syncs with nothing / 1 % changed (time, Jira calls
 * per issue, storage calls), the metrics page's storage calls and time per view (target < 2 s), the old
 * read-every-record view for comparison, and the earlier 3 × 7,000 and cut-changelog figures.
 */
import { createWorld, giveLongHistory, type LatencyModel } from '../test/forge/projects/harness';
import { scannedProjectMetrics, syncNow, trackProject } from '../src/forge/projects/project-admin';
import { projectDrillDownResolver, projectMetricsResolver, type ProjectResolverDeps } from '../src/forge/entry/resolvers/projects';
import { readMetricsHead } from '../src/forge/projects/metrics-store';
import type { KeyValueStore, StoredEntry } from '../src/forge/ports/key-value-store';

const LATENCY: LatencyModel = { kvsMs: 50, jiraMs: 150 };

/** Sleeps `ms` per Forge-shaped KVS call for real, and counts the calls. */
function sleepingStore(inner: KeyValueStore, ms: number): { store: KeyValueStore; calls: () => number } {
  let calls = 0;
  const wait = async (n: number) => {
    calls += n;
    await new Promise((resolve) => setTimeout(resolve, n * ms));
  };
  const store: KeyValueStore = {
    get: async <T>(key: string) => (await wait(1), inner.get<T>(key)),
    getMany: async <T>(keys: readonly string[]) => (await wait(Math.ceil(keys.length / 20)), inner.getMany<T>(keys)),
    set: async <T>(key: string, value: T) => (await wait(1), inner.set(key, value)),
    setMany: async <T>(entries: readonly StoredEntry<T>[]) => (await wait(Math.ceil(entries.length / 20)), inner.setMany(entries)),
    setIfAbsent: async <T>(key: string, value: T) => (await wait(1), inner.setIfAbsent(key, value)),
    delete: async (key: string) => (await wait(1), inner.delete(key)),
    listByPrefix: async <T>(prefix: string, page: { limit: number; cursor?: string | undefined }) => (await wait(1), inner.listByPrefix<T>(prefix, page)),
  };
  return { store, calls: () => calls };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function benchAtScale(issues: number): Promise<void> {
  const world = createWorld({ perProject: issues, projectKeys: ['DEV'], latency: LATENCY });
  const dev = world.projects[0]!;
  const run = async (label: string, start: () => Promise<unknown>, changed: number) => {
    const clock0 = world.clock.now();
    const cpu0 = performance.now();
    const jira0 = world.jiraCalls();
    const kvs0 = world.storageCalls();
    const inv0 = world.invocations;
    await start();
    await world.drain();
    const cpu = performance.now() - cpu0;
    const modelled = world.clock.now() - clock0;
    const jira = world.jiraCalls() - jira0;
    console.log(
      `${label}: ${s(modelled + cpu)} (${s(modelled)} modelled waits + ${s(cpu)} CPU), ${world.invocations - inv0} invocation(s), ` +
        `Jira calls ${jira} = ${(jira / issues).toFixed(4)} per issue${changed > 0 ? ` (${(jira / changed).toFixed(3)} per changed issue)` : ''}, storage calls ${world.storageCalls() - kvs0}`,
    );
  };
  console.log(`-- ${issues.toLocaleString('en-US')} issues in one project, latency model: KVS ${LATENCY.kvsMs} ms/call, Jira ${LATENCY.jiraMs} ms/call`);
  await run('first sync (full, with sweep and metrics recount)', () => trackProject(world.store, world.queue, { id: dev.id, key: dev.key, name: dev.key }), issues);
  world.clock.advance(3_600_000);
  await run('incremental sync, nothing changed', () => syncNow(world.store, world.queue, dev.id), 0);
  world.clock.advance(3_600_000);
  const edited = dev.issues.filter((_, i) => i % 100 === 7);
  for (const issue of edited) {
    issue.summary = `${issue.summary} (edited)`;
    issue.updated = world.clock.now() - 60_000;
  }
  await run(`incremental sync, ${edited.length} issues (1 %) changed (with metrics recount)`, () => syncNow(world.store, world.queue, dev.id), edited.length);

  const deps = (store: KeyValueStore): ProjectResolverDeps => ({ store, now: () => world.clock.now() }) as unknown as ProjectResolverDeps;
  const views: number[] = [];
  let viewCalls = 0;
  for (let i = 0; i < 5; i += 1) {
    const sleeping = sleepingStore(world.store, LATENCY.kvsMs);
    const t0 = performance.now();
    const answer = await projectMetricsResolver({ projectId: dev.id }, deps(sleeping.store));
    views.push(performance.now() - t0);
    viewCalls = sleeping.calls();
    if (!answer.ok || answer.value.issues !== issues) throw new Error('the metrics view did not answer the project');
  }
  views.sort((a, b) => a - b);
  console.log(`metrics page view (resolver getProjectMetrics, real 50 ms sleeps): ${viewCalls} storage calls, ${Math.round(views[0]!)}–${Math.round(views.at(-1)!)} ms over 5 views (target < 2,000 ms)`);

  const head = await readMetricsHead(world.store, dev.id);
  const drills: number[] = [];
  let drillCalls = 0;
  for (const p of [50, 85, 95] as const) {
    const sleeping = sleepingStore(world.store, LATENCY.kvsMs);
    const t0 = performance.now();
    const answer = await projectDrillDownResolver({ projectId: dev.id, query: { kind: 'percentile', measure: 'lead', p, side: 'beyond' }, limit: 50 }, deps(sleeping.store));
    drills.push(performance.now() - t0);
    drillCalls = sleeping.calls();
    if (!answer.ok || answer.value.issues.length !== Math.min(50, answer.value.total)) throw new Error('the drill-down did not answer a page');
  }
  drills.sort((a, b) => a - b);
  console.log(`drill-down page (50 issues beyond lead p50/p85/p95, real 50 ms sleeps): ${drillCalls} storage calls, ${Math.round(drills[0]!)}–${Math.round(drills.at(-1)!)} ms (aggregate in ${head?.pieces} piece(s) of ≤ 180,000 chars)`);

  let scanCalls = 0;
  const counting: KeyValueStore = new Proxy(world.store as KeyValueStore, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (...args: unknown[]) => ((scanCalls += 1), (value as (...a: unknown[]) => unknown).apply(target, args)) : value;
    },
  });
  const t0 = performance.now();
  await scannedProjectMetrics(counting, dev.id, world.clock.now());
  const cpu = performance.now() - t0;
  const scanMs = scanCalls * LATENCY.kvsMs + cpu;
  console.log(`before (every record read per view): ${scanCalls} storage calls ≈ ${s(scanMs)} per view (modelled${scanMs > 25_000 ? ', over the 25 s resolver limit' : ''})`);
}

export async function benchProjects(perProject = 7_000): Promise<void> {
  const scale = Number(process.env['BENCH_PROJECT_ISSUES'] ?? 50_000);
  await benchAtScale(scale);

  console.log(`-- 3 × ${perProject.toLocaleString('en-US')} issues, no latency model`);
  const world = createWorld({ perProject, sync: { maxPagesPerInvocation: 25 } });
  const total = perProject * world.projects.length;
  const started = performance.now();
  for (const p of world.projects) await trackProject(world.store, world.queue, { id: p.id, key: p.key, name: p.key });
  await world.drain();
  const seconds = (performance.now() - started) / 1000;
  const fullCalls = world.jiraCalls();
  console.log(`full sync: ${total} issues in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} issues/s, ${world.invocations} invocations`);
  console.log(`Jira calls: ${fullCalls} (${world.searchCalls()} searches, ${world.changelogCalls()} changelog) = ${(fullCalls / total).toFixed(4)} per issue (target ≤ 0.0100)`);

  world.clock.advance(3_600_000);
  const before = world.jiraCalls();
  await syncNow(world.store, world.queue, world.projects[0]!.id);
  await world.drain();
  console.log(`incremental sync, nothing changed: ${world.jiraCalls() - before} Jira call(s) (target 1)`);

  const long = createWorld({ perProject, sync: { maxPagesPerInvocation: 25 } });
  let cut = 0;
  for (const p of long.projects) {
    for (let i = 50; i < p.issues.length; i += 100) {
      const issue = p.issues[i]!;
      giveLongHistory(long.sim, issue, { startMs: issue.created + 3_600_000, edits: 45, bounce: false });
      cut += 1;
    }
  }
  const longStarted = performance.now();
  for (const p of long.projects) await trackProject(long.store, long.queue, { id: p.id, key: p.key, name: p.key });
  await long.drain();
  const longSeconds = (performance.now() - longStarted) / 1000;
  const longCalls = long.jiraCalls();
  console.log(
    `full sync, ${cut} issues (1 %) with cut changelogs: ${longSeconds.toFixed(2)} s, Jira calls: ${longCalls} (${long.searchCalls()} searches, ${long.changelogCalls()} changelog) = ${(longCalls / total).toFixed(4)} per issue, ${long.changelogCalls()} extra for ${long.searchCalls()} pages (target ≤ 1 per page)`,
  );
}
