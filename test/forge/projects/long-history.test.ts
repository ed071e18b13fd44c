/**
 * Issues with long histories: Jira's search embeds only their newest 40 changelog entries, so the first move
 * into In Progress may be missing (or a later one taken for it). The sync reads those issues' status history
 * from the bulk changelog endpoint: one extra call per search page holding such issues, none otherwise.
 */
import { createWorld, DAY, giveLongHistory, NOW0, type Seeded, type SyncWorld } from './harness';
import { getProject, ProjectKeys } from '../../../src/forge/projects/project-store';
import { trackProject } from '../../../src/forge/projects/project-admin';
import type { SyncedIssue } from '../../../src/forge/domain/projects';
import type { IssueRecord } from '../../../src/sandbox/jira-sim';

const PER_PROJECT = 250;
const PAGE = 100;
const HOUR = 3_600_000;

/** Independent of the app's code: the earliest move into an indeterminate status in the simulator's records. */
function trueStart(world: SyncWorld, issue: IssueRecord): number | null {
  const statuses = world.sim.state.findProject(issue.projectKey)!.workflow.statuses;
  const starts = issue.changelog
    .filter((c) => c.items.some((i) => i.field === 'status' && statuses.find((s) => s.id === i.to)?.category === 'indeterminate'))
    .map((c) => c.created);
  return starts.length === 0 ? null : Math.min(...starts);
}

/** Search pages (ORDER BY updated ASC, 100 a page) that hold at least one of the given issues. */
function pagesHolding(issues: readonly IssueRecord[], ids: ReadonlySet<string>): number {
  const order = [...issues].sort((a, b) => a.updated - b.updated);
  let pages = 0;
  for (let i = 0; i < order.length; i += PAGE) if (order.slice(i, i + PAGE).some((x) => ids.has(x.id))) pages += 1;
  return pages;
}

type World = SyncWorld & Seeded;
const dev = (world: World) => world.projects[2]!;

/**
 * DEV with three long-history issues: one of the oldest (first page) and two of the newest (last page);
 * one went back to To Do, so the newest 40 entries show only its second, later, start.
 */
function withLongHistories(world: World): Map<string, number> {
  const issues = dev(world).issues;
  const first = issues[0]!;
  return new Map([
    [first.id, giveLongHistory(world.sim, first, { startMs: first.created + HOUR, edits: 45, bounce: false })],
    [issues[248]!.id, giveLongHistory(world.sim, issues[248]!, { startMs: NOW0 - 5 * DAY, edits: 60, bounce: true })],
    [issues[249]!.id, giveLongHistory(world.sim, issues[249]!, { startMs: NOW0 - 4 * DAY, edits: 39, bounce: true })],
  ]);
}

async function syncDev(world: World): Promise<void> {
  const p = dev(world);
  await trackProject(world.store, world.queue, { id: p.id, key: p.key, name: p.key });
  await world.drain(200);
}

const stored = (world: World, issueId: string) => world.store.peek<SyncedIssue>(ProjectKeys.issue(dev(world).id, issueId));

function expectTrueStarts(world: World): void {
  const wrong = dev(world).issues.filter((i) => stored(world, i.id)?.inProgressMs !== trueStart(world, i));
  expect(wrong.map((i) => i.key)).toEqual([]);
}

describe('project sync of issues whose embedded changelog Jira cuts', () => {
  let plain: World;
  let long: World;
  let starts: Map<string, number>;

  beforeAll(async () => {
    plain = createWorld({ perProject: PER_PROJECT });
    await syncDev(plain);
    long = createWorld({ perProject: PER_PROJECT });
    starts = withLongHistories(long);
    await syncDev(long);
  }, 30_000);

  it('makes no extra call when no changelog is cut', async () => {
    expect((await getProject(plain.store, dev(plain).id))!.status).toBe('complete');
    expect(plain.searchCalls()).toBe(Math.ceil(PER_PROJECT / PAGE));
    expect(plain.changelogCalls()).toBe(0);
    expectTrueStarts(plain);
  });

  it('stores the first In Progress moment of long histories, which the embedded changelog lacks', async () => {
    expect((await getProject(long.store, dev(long).id))!.status).toBe('complete');
    for (const [id, start] of starts) expect(stored(long, id)?.inProgressMs).toBe(start);
    // Not what the newest 40 entries alone say: nothing (no status move among them) or the later restart.
    const cut = dev(long).issues[0]!;
    expect(cut.changelog.length).toBeGreaterThan(40);
    expect(cut.changelog.slice(-40).some((c) => c.items.some((i) => i.field === 'status'))).toBe(false);
    expectTrueStarts(long);
  });

  it('spends exactly one bulk changelog call per search page holding cut issues', () => {
    // 250 issues ordered by update: the old long issue is on page 1, the two recent ones on page 3 (of 3).
    expect(pagesHolding(dev(long).issues, new Set(starts.keys()))).toBe(2);
    expect(long.changelogCalls()).toBe(2);
    expect(long.searchCalls()).toBe(plain.searchCalls());
    expect(long.jiraCalls() - plain.jiraCalls()).toBe(2);
  });
});

describe('failures of the bulk changelog call', () => {
  it('waits out a 429 and reads the page again', async () => {
    const world = createWorld({ perProject: PER_PROJECT });
    const starts = withLongHistories(world);
    world.sim.faults.inject('POST /rest/api/3/changelog/bulkfetch', { kind: 'status', status: 429, retryAfterSeconds: 30, times: 1 });
    const started = world.clock.now();
    await syncDev(world);
    expect((await getProject(world.store, dev(world).id))!.status).toBe('complete');
    expect(world.sim.callLog.count((e) => e.route === '/rest/api/3/changelog/bulkfetch' && e.status === 429)).toBe(1);
    expect(world.changelogCalls()).toBe(2);
    // The refused call was for page 1: that page is searched again, nothing else.
    expect(world.searchCalls()).toBe(Math.ceil(PER_PROJECT / PAGE) + 1);
    expect(world.clock.now() - started).toBeGreaterThanOrEqual(30_000);
    for (const [id, start] of starts) expect(stored(world, id)?.inProgressMs).toBe(start);
    expectTrueStarts(world);
  });

  it('stops the sync with Jira’s words on a 400, without untracking the project', async () => {
    const world = createWorld({ perProject: PER_PROJECT });
    withLongHistories(world);
    world.sim.faults.inject('POST /rest/api/3/changelog/bulkfetch', { kind: 'status', status: 400, body: { errorMessages: ['bad changelog request'], errors: {} }, times: 1 });
    await syncDev(world);
    const tracked = (await getProject(world.store, dev(world).id))!;
    expect(tracked.status).toBe('error');
    expect(tracked.lastError).toBe('Jira refused the changelog request (HTTP 400): bad changelog request');
    // Nothing of the refused page was stored.
    expect(stored(world, dev(world).issues[0]!.id)).toBeUndefined();
  });
});
