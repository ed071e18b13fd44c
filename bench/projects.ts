/**
 * Project sync: a full sync of 3 × 7,000 seeded issues through the real consumer, REST adapter and the
 * in-process Jira simulator (in-memory KVS), then an incremental sync with nothing changed.
 * Targets: Jira calls per issue ≤ 1/100 (100-issue pages), 1 call for an unchanged incremental sync.
 */
import { createWorld } from '../test/forge/projects/harness';
import { syncNow, trackProject } from '../src/forge/projects/project-admin';

export async function benchProjects(perProject = 7_000): Promise<void> {
  const world = createWorld({ perProject, sync: { maxPagesPerInvocation: 25 } });
  const total = perProject * world.projects.length;
  const jiraCalls = () => world.sim.callLog.count(() => true);
  const started = performance.now();
  for (const p of world.projects) await trackProject(world.store, world.queue, { id: p.id, key: p.key, name: p.key });
  await world.drain();
  const seconds = (performance.now() - started) / 1000;
  const fullCalls = jiraCalls();
  console.log(`full sync: ${total} issues in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} issues/s, ${world.invocations} invocations`);
  console.log(`Jira calls: ${fullCalls} (${world.searchCalls()} searches) = ${(fullCalls / total).toFixed(4)} per issue (target ≤ 0.0100)`);

  world.clock.advance(3_600_000);
  const before = jiraCalls();
  await syncNow(world.store, world.queue, world.projects[0]!.id);
  await world.drain();
  console.log(`incremental sync, nothing changed: ${jiraCalls() - before} Jira call(s) (target 1)`);
}
