/**
 * Issue 17 item 3: the metrics page reads the answer the sync precomputed (one KVS read per view, whatever the
 * project's size), and that answer stays equal to a recount of every record through syncs that change issues,
 * deletes by the trigger, a delete while a sync runs, and a delete while another writer holds the lease.
 * The real consumer against the Jira simulator (harness.ts).
 */
import { createWorld, type SyncWorld, type Seeded } from './harness';
import { getProject, saveProject } from '../../../src/forge/projects/project-store';
import { MAX_SCANNED_ISSUES, projectMetrics, scannedProjectMetrics, syncNow, trackProject, untrackProject } from '../../../src/forge/projects/project-admin';
import { projectDrillDownResolver, projectMetricsResolver, type ProjectResolverDeps } from '../../../src/forge/entry/resolvers/projects';
import { MetricsKeys, PIECE_CHARS, readMetricsHead, takeMetricsLease } from '../../../src/forge/projects/metrics-store';
import { handleIssueDeleted } from '../../../src/forge/entry/trigger/issue-deleted';
import { SANDBOX_USERS, type IssueEvent } from '../../../src/sandbox/jira-sim';
import type { KeyValueStore } from '../../../src/forge/ports/key-value-store';
import type { Logger } from '../../../src/forge/ports/logger';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const PER_PROJECT = 300;

let world: SyncWorld & Seeded;
const dev = () => world.projects[2]!;

/** Counts the port calls a function makes (every method of the KVS port is one storage call or more). */
function counting(store: KeyValueStore): { store: KeyValueStore; calls: () => number } {
  let calls = 0;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls: () => calls };
}

const sameAsRecount = async () => {
  const now = world.clock.now();
  expect(await projectMetrics(world.store, dev().id, now)).toEqual(await scannedProjectMetrics(world.store, dev().id, now));
};

async function jira(path: string, init: { method: string; body?: unknown }) {
  const res = await world.sim.app.request(path, {
    method: init.method,
    headers: { 'content-type': 'application/json', 'x-forge-sim-actor': `user:${SANDBOX_USERS.alice.accountId}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
}

/** Moves an issue through the workflow (as a user would) until it is in a done status. */
async function resolve(key: string) {
  for (let step = 0; step < 6; step += 1) {
    const { json } = await jira(`/rest/api/3/issue/${key}/transitions`, { method: 'GET' });
    const transitions = (json?.['transitions'] ?? []) as { id: string; to: { statusCategory: { key: string } } }[];
    const done = transitions.find((t) => t.to.statusCategory.key === 'done');
    const next = done ?? transitions.find((t) => t.to.statusCategory.key === 'indeterminate') ?? transitions[0];
    if (!next) throw new Error(`no transition for ${key}`);
    expect((await jira(`/rest/api/3/issue/${key}/transitions`, { method: 'POST', body: { transition: { id: next.id } } })).status).toBe(204);
    if (done) return;
  }
  throw new Error(`${key} never reached done`);
}

beforeEach(async () => {
  world = createWorld({ perProject: PER_PROJECT });
  await trackProject(world.store, world.queue, { id: dev().id, key: dev().key, name: dev().key });
  await world.drain();
});

it('the first sync stores the answer; a page view is one KVS read and equals a recount', async () => {
  const head = await readMetricsHead(world.store, dev().id);
  expect(head?.metrics.issues).toBe(PER_PROJECT);
  expect(head?.pieces).toBeGreaterThanOrEqual(1);
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeUndefined();
  expect(await world.store.get(MetricsKeys.lease(dev().id))).toBeUndefined();
  const counted = counting(world.store);
  const metrics = await projectMetrics(counted.store, dev().id, world.clock.now());
  expect(counted.calls()).toBe(1);
  expect(metrics.resolved).toBeGreaterThan(0);
  await sameAsRecount();
});

it('an incremental sync that resolves issues recounts; one that changes nothing leaves the answer alone', async () => {
  const before = (await projectMetrics(world.store, dev().id, world.clock.now())).resolved;
  const open = dev().issues.filter((i) => world.sim.state.statusOf(world.sim.state.findProject('DEV')!, i.statusId).category !== 'done').slice(0, 3);
  expect(open).toHaveLength(3);
  world.clock.advance(3_600_000);
  for (const issue of open) await resolve(issue.key);
  world.clock.advance(60_000);
  await syncNow(world.store, world.queue, dev().id);
  await world.drain();
  expect((await projectMetrics(world.store, dev().id, world.clock.now())).resolved).toBe(before + 3);
  await sameAsRecount();
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeUndefined();

  // Nothing changed: the end of the sync leaves the answer alone (same revision).
  const revision = (await readMetricsHead(world.store, dev().id))?.revision;
  world.clock.advance(3_600_000);
  await syncNow(world.store, world.queue, dev().id);
  await world.drain();
  expect((await readMetricsHead(world.store, dev().id))?.revision).toBe(revision);
});

it('a delete while a sync runs, or while the lease is held, marks the answer stale; the next sync end recounts', async () => {
  const events: IssueEvent[] = [];
  world.sim.onIssueEvent((e) => events.push(e));
  const resolvedIssue = dev().issues.find((i) => i.resolutionDate !== null)!;
  expect((await jira(`/rest/api/3/issue/${resolvedIssue.key}`, { method: 'DELETE' })).status).toBe(204);
  const project = (await getProject(world.store, dev().id))!;
  await saveProject(world.store, { ...project, status: 'syncing' });
  const deps = { store: world.store, logger: quiet, clock: world.clock };
  expect(await handleIssueDeleted(events.at(-1), deps)).toBe('removed');
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeDefined();
  await saveProject(world.store, project);

  // Another writer holds the lease: the delete does not wait, it marks.
  await world.store.delete(MetricsKeys.stale(dev().id));
  const second = dev().issues.find((i) => i.resolutionDate !== null && i.id !== resolvedIssue.id)!;
  expect((await jira(`/rest/api/3/issue/${second.key}`, { method: 'DELETE' })).status).toBe(204);
  expect(await takeMetricsLease(world.store, dev().id)).toBe(true);
  expect(await handleIssueDeleted(events.at(-1), deps)).toBe('removed');
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeDefined();
  await world.store.delete(MetricsKeys.lease(dev().id));

  // The stored answer still counts both; the next sync (nothing changed in Jira's search) recounts.
  expect((await projectMetrics(world.store, dev().id, world.clock.now())).issues).toBe(PER_PROJECT);
  world.clock.advance(3_600_000);
  await syncNow(world.store, world.queue, dev().id);
  await world.drain();
  expect((await projectMetrics(world.store, dev().id, world.clock.now())).issues).toBe(PER_PROJECT - 2);
  await sameAsRecount();
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeUndefined();
});

it('a delete by the trigger takes the issue out of every figure at once', async () => {
  const events: IssueEvent[] = [];
  world.sim.onIssueEvent((e) => events.push(e));
  const victims = dev().issues.filter((i) => i.resolutionDate !== null).slice(0, 5);
  for (const v of victims) {
    expect((await jira(`/rest/api/3/issue/${v.key}`, { method: 'DELETE' })).status).toBe(204);
    expect(await handleIssueDeleted(events.at(-1), { store: world.store, logger: quiet, clock: world.clock })).toBe('removed');
  }
  expect(await world.store.get(MetricsKeys.stale(dev().id))).toBeUndefined();
  await sameAsRecount();
  expect((await projectMetrics(world.store, dev().id, world.clock.now())).issues).toBe(PER_PROJECT - 5);
  expect(PIECE_CHARS).toBeLessThanOrEqual(200_000);
});

it('a sync whose last page comes late in its invocation sweeps and recounts in a finish job of its own', async () => {
  const slow = createWorld({ perProject: PER_PROJECT, projectKeys: ['DEV'], latency: { kvsMs: 50, jiraMs: 150 }, sync: { budgetMs: 4_000 } });
  const project = slow.projects[0]!;
  const modes: string[] = [];
  const push = slow.queue.push.bind(slow.queue);
  slow.queue.push = async (jobs) => {
    for (const j of jobs) modes.push(String((j.body as { mode?: string }).mode));
    return push(jobs);
  };
  // Deleted while nobody listened: only the full sync's sweep removes it.
  const gone = project.issues.find((i) => i.resolutionDate !== null)!;
  await trackProject(slow.store, slow.queue, { id: project.id, key: project.key, name: project.key });
  slow.sim.state.issues.delete(gone.id);
  slow.sim.state.issueKeys.delete(gone.key);
  await slow.drain();
  expect(modes).toEqual(['full', 'finish']);
  const now = slow.clock.now();
  const metrics = await projectMetrics(slow.store, project.id, now);
  expect(metrics.issues).toBe(PER_PROJECT - 1);
  expect(metrics).toEqual(await scannedProjectMetrics(slow.store, project.id, now));
  expect((await getProject(slow.store, project.id))?.issueCount).toBe(PER_PROJECT - 1);
});

it('before any answer is stored, the view counts a small project and refuses to scan a large one; untrack forgets the answer', async () => {
  const deps = { store: world.store, now: () => world.clock.now() } as unknown as ProjectResolverDeps;
  await world.store.delete(MetricsKeys.head(dev().id));
  const small = await projectMetricsResolver({ projectId: dev().id }, deps);
  expect(small).toMatchObject({ ok: true, value: { issues: PER_PROJECT } });
  const project = (await getProject(world.store, dev().id))!;
  await saveProject(world.store, { ...project, issueCount: MAX_SCANNED_ISSUES + 1 });
  expect(await projectMetricsResolver({ projectId: dev().id }, deps)).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('end of the project') } });
  expect(await projectDrillDownResolver({ projectId: dev().id, query: { kind: 'week', weekStart: '2026-01-05' } }, deps)).toMatchObject({ ok: false, error: { code: 'not-found' } });

  await syncNow(world.store, world.queue, dev().id);
  await world.drain();
  expect(await readMetricsHead(world.store, dev().id)).toBeDefined();
  await untrackProject(world.store, dev().id);
  expect([...world.store.values.keys()].filter((k) => k.startsWith('pj:metrics'))).toEqual([]);
});
