/**
 * Project sync: a full sync of 3 × 7,000 seeded issues through the real consumer, REST adapter and the
 * in-process Jira simulator (in-memory KVS), then an incremental sync with nothing changed, then a full
 * sync where 1 issue in 100 has a history longer than the 40 entries Jira's search embeds.
 * Targets: Jira calls per issue ≤ 1/100 (100-issue pages), 1 call for an unchanged incremental sync,
 * 0 changelog calls when no changelog is cut, at most 1 per search page otherwise.
 */
import { createWorld, giveLongHistory } from '../test/forge/projects/harness';
import { syncNow, trackProject } from '../src/forge/projects/project-admin';

export async function benchProjects(perProject = 7_000): Promise<void> {
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
