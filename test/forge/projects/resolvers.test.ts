/**
 * Projects & metrics resolvers through the local Forge host's Custom UI endpoint, as alice (administers
 * every project), bob (OPS only) and dave (nothing): listing, tracking with the admin check, sync now
 * through the real queue and consumer, metrics, and Impact ⇄ Jira user matching against the simulator
 * (carol hides her email, so only her display name can match).
 */
import type { ProjectMetrics, ProjectRow, ResolverResult, UserMatchList } from '../../../src/forge/entry/resolvers/contract';
import { mulberry32, seedBulkIssues } from '../../../src/sandbox/jira-sim';
import { startAlertHost, type AlertHost } from '../alerts/host-harness';
import { IncidentKeys } from '../../../src/forge/incidents/incident-store';

jest.setTimeout(30_000);

const ALICE = '5b10a2844c20165700ede21a';
const BOB = '5b10ac8d82e05b22cc7d4ef5';
const CAROL = '5d53f3cbc6b9320d9ea5bdc2';
const DAVE = '60e5a86ab7c1a0006a3f9b12';

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost({ rateLimits: false });
});
afterEach(() => t.close());

async function projects(accountId = DAVE): Promise<ProjectRow[]> {
  const result = await t.resolver<ResolverResult<ProjectRow[]>>('listProjects', {}, accountId);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function project(key: string): Promise<ProjectRow> {
  const row = (await projects()).find((p) => p.key === key);
  if (!row) throw new Error(`no project ${key}`);
  return row;
}

describe('project resolvers', () => {
  it('lists the projects the app sees, untracked at first', async () => {
    const rows = await projects();
    expect(rows.map((p) => p.key)).toEqual(expect.arrayContaining(['OPS', 'PM']));
    expect(rows.every((p) => !p.tracked && p.issueCount === 0)).toBe(true);
  });

  it('tracks a project for an admin, syncs it through the queue, and answers its metrics', async () => {
    const seeded = seedBulkIssues(t.sim.state, { projectKey: 'OPS', count: 30, startMs: Date.now() - 90 * 86_400_000, spanMs: 60 * 86_400_000, random: mulberry32(7), authorId: DAVE, assigneeIds: [ALICE, BOB] });
    const ops = await project('OPS');
    const tracked = await t.resolver<ResolverResult<{ projectId: string }>>('trackProject', { projectId: ops.id, projectKey: 'OPS', name: ops.name }, BOB);
    expect(tracked).toEqual({ ok: true, value: { projectId: ops.id } });
    await t.advance(0);
    const synced = await project('OPS');
    expect(synced).toMatchObject({ tracked: true, status: 'complete' });
    expect(synced.issueCount).toBe(seeded.length);
    expect(synced.lastSyncEndMs).toEqual(expect.any(Number));

    const again = await t.resolver<ResolverResult<{ queued: boolean }>>('syncProjectNow', { projectId: ops.id }, BOB);
    expect(again).toEqual({ ok: true, value: { queued: true } });
    await t.advance(0);
    const metrics = await t.resolver<ResolverResult<ProjectMetrics>>('getProjectMetrics', { projectId: ops.id }, DAVE);
    expect(metrics).toMatchObject({ ok: true, value: { issues: synced.issueCount } });
  });

  it('refuses track, untrack and sync now from non-admins and unsigned callers; validates input', async () => {
    const pm = await project('PM');
    expect(await t.resolver('trackProject', { projectId: pm.id, projectKey: 'PM' }, BOB)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('PM') } });
    const ops = await project('OPS');
    expect(await t.resolver('trackProject', { projectId: ops.id, projectKey: 'OPS' }, DAVE)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('trackProject', { projectId: ops.id, projectKey: 'OPS' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('trackProject', { projectId: 'x', projectKey: 'ops' }, ALICE)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await projects()).some((p) => p.tracked)).toBe(false);

    await t.resolver('trackProject', { projectId: ops.id, projectKey: 'OPS' }, ALICE);
    await t.advance(0);
    expect(await t.resolver('syncProjectNow', { projectId: ops.id }, DAVE)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('untrackProject', { projectId: ops.id, projectKey: 'OPS' }, DAVE)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('syncProjectNow', { projectId: '99999' }, ALICE)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await t.resolver('untrackProject', { projectId: ops.id, projectKey: 'OPS' }, ALICE)).toMatchObject({ ok: true });
    expect((await project('OPS')).tracked).toBe(false);
  });

  it('saves sync settings only for an admin of the page project', async () => {
    expect(await t.resolver('saveProjectSyncSettings', { intervalHours: 6 }, DAVE)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('saveProjectSyncSettings', { intervalHours: 6 }, BOB)).toMatchObject({ ok: true, value: { intervalHours: 6 } });
    expect(await t.resolver('getProjectSyncSettings', {}, DAVE)).toMatchObject({ ok: true, value: { intervalHours: 6 } });
  });
});

describe('user matching', () => {
  const seedPeople = () => {
    // Commanders the incident sync could not pair when it met them (names known; Jira shows dave's email now) …
    const unmatched = (email: string, name: string) => ({ email, name, reason: 'unmatched', candidates: [], checkedAt: 1 });
    t.host.kvs.set({ kind: 'kv' }, 'incident-unmatched-users', [
      unmatched('Bob@Example.com', 'Someone Else'),
      unmatched('carol@example.com', 'Carol  Private'),
      unmatched('zed@example.com', 'Zed Nobody'),
      unmatched('dave@example.com', 'Dave R.'),
    ]);
    // … and a commander seen only by email on an incident record; hiding her email, she cannot match.
    t.host.kvs.set({ kind: 'kv' }, IncidentKeys.record('inc-1'), { link: null, guard: {}, known: { status: 'open', priority: 'P1', title: 'x', commander: { email: 'erin@example.com' }, updatedAt: 1 } });
  };

  it('matches by visible email, then by display name for hidden emails, and reports the rest', async () => {
    seedPeople();
    const result = await t.resolver<ResolverResult<UserMatchList>>('listUserMatches', {}, DAVE);
    if (!result.ok) throw new Error(result.error.message);
    const { matched, unmatched, impactUsersSeen } = result.value;
    expect(impactUsersSeen).toBe(5);
    expect(matched).toEqual(
      expect.arrayContaining([
        { email: 'bob@example.com', name: 'Someone Else', accountId: BOB, by: 'email' },
        { email: 'carol@example.com', name: 'Carol  Private', accountId: CAROL, by: 'display-name' },
        { email: 'dave@example.com', name: 'Dave R.', accountId: DAVE, by: 'email' },
      ]),
    );
    expect(matched).toHaveLength(3);
    expect(unmatched.map((u) => [u.email, u.reason, u.source]).sort()).toEqual([
      ['erin@example.com', 'unmatched', 'incident-commander'],
      ['zed@example.com', 'unmatched', 'incident-sync-unmatched'],
    ]);
  });

  it('answers from the KVS cache until asked to refresh', async () => {
    seedPeople();
    const first = await t.resolver<ResolverResult<UserMatchList>>('listUserMatches', {}, DAVE);
    const searches = () => t.sim.callLog.count((c) => c.path.startsWith('/rest/api/3/user/search'));
    const before = searches();
    expect(before).toBeGreaterThan(0);
    t.host.kvs.set({ kind: 'kv' }, 'incident-unmatched-users', [{ email: 'alice@example.com', name: 'Alice Admin', reason: 'unmatched', candidates: [], checkedAt: 1 }]);
    const cached = await t.resolver<ResolverResult<UserMatchList>>('listUserMatches', {}, DAVE);
    expect(cached).toEqual(first);
    expect(searches()).toBe(before);
    const refreshed = await t.resolver<ResolverResult<UserMatchList>>('listUserMatches', { refresh: true }, DAVE);
    expect(first.ok && first.value.matched.map((m) => m.accountId)).not.toContain(ALICE);
    expect(refreshed.ok && refreshed.value.matched.map((m) => m.accountId)).toContain(ALICE);
    expect(searches()).toBeGreaterThan(before);
  });
});
