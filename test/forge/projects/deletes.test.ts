/**
 * Deleted issues leave the tracked project's records: at once through the `avi:jira:deleted:issue` trigger
 * handler, and, for deletes the trigger never saw, by the sweep that ends a full sync (bounded: no Jira call,
 * one KVS query per 20 records). Runs the real consumer against the Jira simulator (see harness.ts).
 */
import { createWorld, type SyncWorld, type Seeded } from './harness';
import { getProject, ProjectKeys } from '../../../src/forge/projects/project-store';
import { projectMetrics, syncNow, trackProject } from '../../../src/forge/projects/project-admin';
import { handleIssueDeleted } from '../../../src/forge/entry/trigger/issue-deleted';
import { SANDBOX_USERS, type IssueEvent } from '../../../src/sandbox/jira-sim';
import type { Logger } from '../../../src/forge/ports/logger';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const PER_PROJECT = 250;

let world: SyncWorld & Seeded;
const ops = () => world.projects[0]!;

async function storedIds(projectId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await world.store.listByPrefix<{ id: string }>(ProjectKeys.issuePrefix(projectId), { limit: 20, cursor });
    ids.push(...page.results.map((r) => r.value.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort();
}

const jiraIds = (projectKey: string) => [...world.sim.state.issues.values()].filter((i) => i.projectKey === projectKey).map((i) => i.id).sort();

beforeEach(async () => {
  world = createWorld({ perProject: PER_PROJECT });
  await trackProject(world.store, world.queue, { id: ops().id, key: 'OPS', name: 'Operations' });
  await world.drain();
  expect(await storedIds(ops().id)).toEqual(jiraIds('OPS'));
});

it('removes a deleted issue at once when its delete event arrives', async () => {
  const events: IssueEvent[] = [];
  world.sim.onIssueEvent((e) => events.push(e));
  const victim = ops().issues[7]!;
  const res = await world.sim.app.request(`/rest/api/3/issue/${victim.key}`, { method: 'DELETE', headers: { 'x-forge-sim-actor': `user:${SANDBOX_USERS.alice.accountId}` } });
  expect(res.status).toBe(204);
  const event = events.find((e) => e.eventType === 'avi:jira:deleted:issue');
  expect(await handleIssueDeleted(event, { store: world.store, logger: quiet })).toBe('removed');
  expect(await storedIds(ops().id)).toEqual(jiraIds('OPS'));
  expect((await getProject(world.store, ops().id))?.issueCount).toBe(PER_PROJECT - 1);
  expect((await projectMetrics(world.store, ops().id)).issues).toBe(PER_PROJECT - 1);
  // Again, or for an untracked project: nothing to do.
  expect(await handleIssueDeleted(event, { store: world.store, logger: quiet })).toBe('not-stored');
  const pm = world.projects[1]!.issues[0]!;
  expect(await handleIssueDeleted({ eventType: 'avi:jira:deleted:issue', issue: { id: pm.id, key: pm.key, fields: { project: { id: world.projects[1]!.id } } } }, { store: world.store, logger: quiet })).toBe('not-tracked');
  expect(await handleIssueDeleted({ eventType: 'avi:jira:deleted:issue' }, { store: world.store, logger: quiet })).toBe('ignored');
  // A payload without the issue's fields: every tracked project is checked.
  const other = ops().issues[8]!;
  expect(await handleIssueDeleted({ eventType: 'avi:jira:deleted:issue', issue: { id: other.id, key: other.key } }, { store: world.store, logger: quiet })).toBe('removed');
  expect(await world.store.get(ProjectKeys.issue(ops().id, other.id))).toBeUndefined();
});

it('a full sync sweeps the records of issues deleted while nobody listened; an incremental one does not', async () => {
  // Deletes the app never heard of (no trigger delivered).
  const gone = [ops().issues[0]!, ops().issues[100]!, ops().issues[249]!];
  for (const issue of gone) {
    world.sim.state.issues.delete(issue.id);
    world.sim.state.issueKeys.delete(issue.key);
  }
  await syncNow(world.store, world.queue, ops().id, 'incremental');
  await world.drain();
  expect(await storedIds(ops().id)).toHaveLength(PER_PROJECT);

  await syncNow(world.store, world.queue, ops().id, 'full');
  await world.drain();
  expect(await storedIds(ops().id)).toEqual(jiraIds('OPS'));
  const project = await getProject(world.store, ops().id);
  expect(project?.status).toBe('complete');
  expect(project?.issueCount).toBe(PER_PROJECT - gone.length);
  expect((await projectMetrics(world.store, ops().id)).issues).toBe(PER_PROJECT - gone.length);
  // The run's seen lists are gone too.
  expect((await world.store.listByPrefix(ProjectKeys.seenPrefix(ops().id), { limit: 20 })).results).toEqual([]);
});

it('a full sync split over several invocations still sees every issue and sweeps only the deleted ones', async () => {
  const small = createWorld({ perProject: PER_PROJECT, sync: { maxPagesPerInvocation: 1 } });
  world = small;
  await trackProject(world.store, world.queue, { id: ops().id, key: 'OPS', name: 'Operations' });
  await world.drain();
  const victim = ops().issues[42]!;
  world.sim.state.issues.delete(victim.id);
  world.sim.state.issueKeys.delete(victim.key);
  await syncNow(world.store, world.queue, ops().id, 'full');
  await world.drain();
  expect(world.invocations).toBeGreaterThan(3);
  expect(await storedIds(ops().id)).toEqual(jiraIds('OPS'));
  expect((await getProject(world.store, ops().id))?.issueCount).toBe(PER_PROJECT - 1);
});
