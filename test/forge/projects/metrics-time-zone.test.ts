/**
 * Lead time, cycle time and weekly throughput as a Jira user in Los Angeles would count them: a data set built
 * through Jira REST over 12 back-dated weeks (the simulator's `/_sim/clock`), with resolutions on both sides of
 * local Monday midnight and weeks without any, synced by the real consumer and compared with figures computed
 * here independently from the issues' changelogs.
 */
import { createWorld, NOW0, type SyncWorld, type Seeded } from './harness';
import { projectMetrics, trackProject } from '../../../src/forge/projects/project-admin';

const ZONE = 'America/Los_Angeles';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let world: SyncWorld & Seeded;

async function sim(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'x-forge-sim-actor': 'app' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return world.sim.app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function control(method: string, path: string, body: unknown): Promise<void> {
  const res = await world.sim.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

/** Jira's time at `ms`: the clock control moves the simulator there. */
const at = (ms: number) => control('PUT', '/_sim/clock', { now: new Date(ms).toISOString() });

async function transition(key: string, name: string): Promise<void> {
  const list = (await (await sim('GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; name: string }[] };
  const t = list.transitions.find((x) => x.name === name);
  if (!t) throw new Error(`${key}: no transition ${name}`);
  expect((await sim('POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } })).status).toBe(204);
}

const nearestRank = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
};
const round = (h: number) => Math.round(h * 100) / 100;
/** The local Monday of a date, computed with toLocaleDateString (not the app's code). */
function localMonday(ms: number): string {
  const local = new Date(`${new Date(ms).toLocaleDateString('en-CA', { timeZone: ZONE })}T00:00:00Z`);
  local.setUTCDate(local.getUTCDate() - ((local.getUTCDay() + 6) % 7));
  return local.toISOString().slice(0, 10);
}

it('matches lead and cycle time from the changelog and buckets resolutions into local weeks, empty weeks as 0', async () => {
  world = createWorld({ perProject: 0 });
  await control('PATCH', `/_sim/users/${world.sim.state.appAccountId}`, { timeZone: ZONE });
  await control('POST', '/_sim/projects', { key: 'TZ', name: 'Time zones', workflow: 'software', issueTypes: [{ name: 'Story' }] });
  const project = world.sim.state.findProject('TZ')!;

  // Monday 2026-08-31 00:00 in Los Angeles (UTC-7 in summer) is 07:00 UTC; 12 weeks of work from there.
  const firstMonday = Date.UTC(2026, 7, 31, 7, 0);
  const plan: { created: number; started?: number; resolved?: number; how?: string }[] = [];
  for (let week = 0; week < 12; week += 1) {
    if (week === 4 || week === 5 || week === 9) continue; // weeks with no resolution
    const monday = firstMonday + week * 7 * DAY;
    // Created the Wednesday before, started Friday, resolved Sunday 23:30 local (still this week's Sunday).
    plan.push({ created: monday - 5 * DAY + 10 * HOUR, started: monday - 3 * DAY, resolved: monday - 30 * 60_000 });
    // Resolved Monday 00:30 local (07:30 UTC): the new week.
    plan.push({ created: monday - 2 * DAY, started: monday - DAY, resolved: monday + 30 * 60_000, how: "Won't do" });
    // Never started (no cycle time), resolved as a duplicate on Tuesday.
    plan.push({ created: monday, resolved: monday + DAY + 3 * HOUR, how: 'Mark as duplicate' });
  }
  plan.push({ created: firstMonday + 80 * DAY }); // still open
  plan.sort((a, b) => a.created - b.created);

  // Build the history through REST, moving Jira's clock to each moment (events in time order).
  const steps: { at: number; run: () => Promise<void> }[] = [];
  const keys: string[] = [];
  plan.forEach((p, i) => {
    steps.push({
      at: p.created,
      run: async () => {
        const res = await sim('POST', '/rest/api/3/issue', { fields: { project: { key: 'TZ' }, issuetype: { name: 'Story' }, summary: `story ${i}` } });
        keys[i] = ((await res.json()) as { key: string }).key;
      },
    });
    if (p.started !== undefined) steps.push({ at: p.started, run: () => transition(keys[i]!, 'Start progress') });
    if (p.resolved !== undefined) steps.push({ at: p.resolved, run: () => transition(keys[i]!, p.how ?? 'Done') });
  });
  steps.sort((a, b) => a.at - b.at);
  for (const step of steps) {
    await at(step.at);
    await step.run();
  }
  await control('PUT', '/_sim/clock', { offsetMs: 0 });

  await trackProject(world.store, world.queue, { id: project.id, key: 'TZ', name: 'Time zones' });
  await world.drain();
  const metrics = await projectMetrics(world.store, project.id, NOW0);

  // Independently: from the simulator's records (created, changelog), not the app's code.
  const issues = [...world.sim.state.issues.values()].filter((i) => i.projectKey === 'TZ');
  const lead: number[] = [];
  const cycle: number[] = [];
  const weekly = new Map<string, number>();
  for (const issue of issues) {
    if (issue.resolutionDate === null) continue;
    lead.push(round((issue.resolutionDate - issue.created) / HOUR));
    const started = issue.changelog.find((c) => c.items.some((i) => i.field === 'status' && i.toString === 'In Progress'));
    if (started) cycle.push(round((issue.resolutionDate - started.created) / HOUR));
    weekly.set(localMonday(issue.resolutionDate), (weekly.get(localMonday(issue.resolutionDate)) ?? 0) + 1);
  }
  expect(lead).toHaveLength(27);
  expect(cycle).toHaveLength(18);
  const mean = (v: number[]) => round(v.reduce((a, b) => a + b, 0) / v.length);
  expect(metrics.leadTime).toEqual({ issues: 27, meanHours: mean(lead), p50Hours: nearestRank(lead, 50), p85Hours: nearestRank(lead, 85), p95Hours: nearestRank(lead, 95) });
  expect(metrics.cycleTime).toEqual({ issues: 18, meanHours: mean(cycle), p50Hours: nearestRank(cycle, 50), p85Hours: nearestRank(cycle, 85), p95Hours: nearestRank(cycle, 95) });
  expect(metrics.timeZone).toBe(ZONE);

  // Every week from the first resolution to now's week, in order, 7 days apart; the empty ones count 0.
  const series = metrics.weeklyThroughput;
  expect(series[0]?.weekStart).toBe([...weekly.keys()].sort()[0]);
  expect(series.at(-1)?.weekStart).toBe(localMonday(NOW0));
  for (let i = 1; i < series.length; i += 1) expect(Date.parse(series[i]!.weekStart) - Date.parse(series[i - 1]!.weekStart)).toBe(7 * DAY);
  for (const w of series) expect(w.resolved).toBe(weekly.get(w.weekStart) ?? 0);
  expect(series.reduce((n, w) => n + w.resolved, 0)).toBe(27);
  // Sunday 23:30 in Los Angeles is Monday 06:30 UTC: it counts in the local week that is ending, not the next.
  expect(series.find((w) => w.weekStart === '2026-08-24')?.resolved).toBe(1);
  // Week of Aug 31: Monday 00:30 and Tuesday of week 0, plus week 1's Sunday 23:30.
  expect(series.find((w) => w.weekStart === '2026-08-31')?.resolved).toBe(3);
  // No resolution in the local week of Sep 28 (plans 4 and 5 skipped) nor yet in now's week: both shown as 0.
  expect(series.filter((w) => w.resolved === 0).map((w) => w.weekStart)).toEqual(['2026-09-28', '2026-11-23']);
});
