/**
 * The project sync against the Jira simulator seeded with 21,000 issues across 3 projects, through the
 * real consumer and REST adapter. Metrics are recomputed here straight from the simulator's records.
 */
import { createWorld, DAY, STORY_POINTS, type SyncWorld, type Seeded } from './harness';
import { getProject, ProjectKeys } from '../../../src/forge/projects/project-store';
import { listProjects, projectMetrics, syncNow, trackProject } from '../../../src/forge/projects/project-admin';
import { createJiraProjectsRestPort } from '../../../src/forge/adapters/jira-projects-rest';
import type { IssueRecord } from '../../../src/sandbox/jira-sim';

const PER_PROJECT = 7_000;
const PAGES = Math.ceil(PER_PROJECT / 100);

function nearestRank(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
}

/** Independent of the app's code: categories come from the simulator's workflow records. */
function expectedCycleTimes(world: SyncWorld, issues: readonly IssueRecord[]): number[] {
  const out: number[] = [];
  for (const issue of issues) {
    const project = world.sim.state.findProject(issue.projectKey)!;
    const started = issue.changelog.find((c) => c.items.some((i) => i.field === 'status' && project.workflow.statuses.find((s) => s.id === i.to)?.category === 'indeterminate'));
    if (started && issue.resolutionDate !== null) out.push(Math.round(((issue.resolutionDate - started.created) / 3_600_000) * 100) / 100);
  }
  return out;
}

describe('tracked project sync (21,000 issues, 3 projects)', () => {
  let world: SyncWorld & Seeded;
  const ops = () => world.projects[0]!;

  beforeAll(async () => {
    world = createWorld({ perProject: PER_PROJECT, sync: { maxPagesPerInvocation: 25 } });
    // A malformed story points value on one OPS issue (as after a field type change).
    const bad = ops().issues[1234]!;
    bad.custom.set(STORY_POINTS, { kind: 'raw', value: 'three' });
    // Kill the invocation writing the 153rd page overall (jobs of the 3 projects interleave).
    world.store.killAfterSetMany = 30 * 5 + 2;
    for (const p of world.projects) await trackProject(world.store, world.queue, { id: p.id, key: p.key, name: p.key });
    await world.drain();
  }, 50_000);

  it('lists the projects with their tracked status', async () => {
    const jira = createJiraProjectsRestPort(world.clock, () => ({ requestJira: async (path, init) => world.sim.app.request(path.value, { ...init, headers: { ...init.headers, 'x-forge-sim-actor': 'app' } }) }));
    const rows = await listProjects(jira, world.store);
    if (!rows.ok) throw new Error('list failed');
    expect(rows.value.map((r) => [r.key, r.tracked, r.status])).toEqual([['DEV', true, 'complete'], ['OPS', true, 'complete'], ['PM', true, 'complete']]);
  });

  it('completes a full sync across several invocations, resuming a killed one from its cursor', async () => {
    expect(world.thrown).toBe(1);
    // 3 projects × 70 pages at 25 pages per invocation: at least 3 invocations each, plus the killed one.
    expect(world.invocations).toBeGreaterThanOrEqual(3 * Math.ceil(PAGES / 25) + 1);
    for (const p of world.projects) {
      const tracked = (await getProject(world.store, p.id))!;
      expect(tracked.status).toBe('complete');
      expect(tracked.issueCount).toBe(p.key === 'OPS' ? PER_PROJECT - 1 : PER_PROJECT);
    }
    // Every page read once, plus the one page whose invocation was killed before its cursor was saved.
    expect(world.searchCalls()).toBe(3 * PAGES + 1);
  });

  it('records the malformed issue as an error and syncs the rest', async () => {
    const tracked = (await getProject(world.store, ops().id))!;
    expect(tracked.lastRun?.issueErrors).toBe(1);
    expect(tracked.issueErrors[0]?.issueKey).toBe(ops().issues[1234]!.key);
    expect(tracked.issueErrors[0]?.error).toMatch(/story points/);
  });

  it('computes metrics equal to those computed from the seeded data', async () => {
    const dev = world.projects[2]!;
    const metrics = await projectMetrics(world.store, dev.id);
    const cycles = expectedCycleTimes(world, dev.issues);
    expect(metrics.issues).toBe(PER_PROJECT);
    expect(metrics.cycleTimeHoursP50).toBe(nearestRank(cycles, 50));
    expect(metrics.cycleTimeHoursP85).toBe(nearestRank(cycles, 85));
    const weekly = new Map<string, number>();
    for (const i of dev.issues) {
      if (i.resolutionDate === null) continue;
      const d = new Date(i.resolutionDate);
      const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      const k = new Date(monday).toISOString().slice(0, 10);
      weekly.set(k, (weekly.get(k) ?? 0) + 1);
    }
    expect(metrics.weeklyThroughput).toEqual([...weekly.entries()].sort().map(([weekStart, resolved]) => ({ weekStart, resolved })));
    const points = new Map<number, number>();
    for (const i of dev.issues) {
      const sp = i.custom.get('customfield_10020');
      const est = i.custom.get(STORY_POINTS);
      if (world.sim.state.statusOf(world.sim.state.findProject('DEV')!, i.statusId).category !== 'done') continue;
      if (sp?.kind !== 'sprint' || est?.kind !== 'number') continue;
      const s = sp.sprints[sp.sprints.length - 1]!;
      points.set(s.id, (points.get(s.id) ?? 0) + est.value);
    }
    expect(metrics.storyPointsPerSprint.map((s) => [s.sprintId, s.completedPoints])).toEqual([...points.entries()].sort((a, b) => a[0] - b[0]));
  });

  it('reads one page when nothing changed, and only the edited issues after 50 edits', async () => {
    world.clock.advance(2 * 3_600_000);
    let before = world.searchCalls();
    for (const p of world.projects) await syncNow(world.store, world.queue, p.id);
    await world.drain();
    expect(world.searchCalls() - before).toBe(3);
    expect((await getProject(world.store, ops().id))!.lastRun).toEqual({ pages: 1, issuesSeen: 0, issueErrors: 0 });

    world.clock.advance(3_600_000);
    const edited = ops().issues.slice(100, 150);
    for (const issue of edited) {
      const res = await world.sim.app.request(`/rest/api/3/issue/${issue.key}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-forge-sim-actor': 'app' }, body: JSON.stringify({ fields: { summary: `edited ${issue.key}` } }) });
      expect(res.status).toBe(204);
    }
    world.clock.advance(3_600_000);
    before = world.searchCalls();
    await syncNow(world.store, world.queue, ops().id);
    await world.drain();
    expect(world.searchCalls() - before).toBe(1);
    const tracked = (await getProject(world.store, ops().id))!;
    expect(tracked.lastRun?.issuesSeen).toBe(50);
    const stored = world.store.peek<{ summary: string }>(ProjectKeys.issue(ops().id, edited[7]!.id));
    expect(stored?.summary).toBe(`edited ${edited[7]!.key}`);
  });
});

describe('429 storm', () => {
  it('survives burst limits and a long run of 429s, honouring Retry-After', async () => {
    const world = createWorld({ perProject: 1_500, rateLimits: true, sync: { maxPagesPerInvocation: 1000 } });
    const pm = world.projects[1]!;
    await trackProject(world.store, world.queue, { id: pm.id, key: pm.key, name: pm.key });
    world.sim.faults.inject('POST /rest/api/3/search/jql', { kind: 'status', status: 429, times: 7 });
    const started = world.clock.now();
    await world.drain(500);
    const tracked = (await getProject(world.store, pm.id))!;
    expect(tracked.status).toBe('complete');
    expect(tracked.issueCount).toBe(1_500);
    const refused = world.sim.callLog.count((e) => e.route === '/rest/api/3/search/jql' && e.status === 429);
    expect(refused).toBeGreaterThanOrEqual(7 + 14);
    // Burst refusals say Retry-After: 1; injected ones carry none (10 s default): the clock moved accordingly.
    expect(world.clock.now() - started).toBeGreaterThanOrEqual(7 * 10_000);
    expect(world.clock.now() - started).toBeLessThan(DAY);
  }, 30_000);
});
