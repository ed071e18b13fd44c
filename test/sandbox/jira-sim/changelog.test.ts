/**
 * Changelogs as Jira serves them: search embeds only the newest 40 histories (GET issue the newest 100)
 * with `total` counting all, and the bulk changelog endpoint pages every history, oldest first. Every
 * response is checked against the pinned spec.
 */
import fc from 'fast-check';
import { call, createIncident, seededSim, testClock } from './helpers';
import { jiraSpecValidator, type OpenApiValidator } from './openapi-validator';
import { INCIDENT_STATUS, type JiraSimulator } from '../../../src/sandbox/jira-sim';

let spec: OpenApiValidator;
beforeAll(() => {
  spec = jiraSpecValidator();
});

interface History {
  id: string;
  created: string;
  items: { field: string; fieldId?: string; to?: string }[];
}
interface BulkPage {
  issueChangeLogs: { issueId: string; changeHistories: History[] }[];
  nextPageToken?: string;
}

async function checked(sim: JiraSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await call(sim, method, path, body);
  const status = res.status;
  return { status, json: await spec.check(method, path, res) };
}

async function transition(sim: JiraSimulator, key: string, statusName: string): Promise<void> {
  const list = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const t = list.transitions.find((x) => x.to.name === statusName);
  if (!t) throw new Error(`no transition of ${key} to ${statusName}`);
  const res = await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } });
  if (res.status !== 204) throw new Error(`transition ${res.status}`);
}

/** An incident moved to In Progress, then edited `edits` times, each a second apart. */
async function longHistory(sim: JiraSimulator, clock: ReturnType<typeof testClock>, edits: number): Promise<{ id: string; key: string }> {
  const issue = await createIncident(sim);
  clock.advance(1000);
  await transition(sim, issue.key, INCIDENT_STATUS.inProgress.name);
  for (let i = 0; i < edits; i++) {
    clock.advance(1000);
    const res = await call(sim, 'PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: `edit ${i}` } });
    if (res.status !== 204) throw new Error(`edit ${res.status}`);
  }
  return issue;
}

describe('embedded changelogs are cut like Jira cuts them', () => {
  const clock = testClock();
  const sim = seededSim(clock);
  let long = { id: '', key: '' };
  let short = { id: '', key: '' };
  beforeAll(async () => {
    long = await longHistory(sim, clock, 120); // 121 histories: the status move, then 120 edits
    short = await longHistory(sim, clock, 3);
  });

  it('search embeds the newest 40 histories, total counts all 121', async () => {
    const { status, json } = await checked(sim, 'POST', '/rest/api/3/search/jql', { jql: `key in (${long.key}, ${short.key}) ORDER BY key ASC`, fields: ['status'], expand: 'changelog', maxResults: 10 });
    expect(status).toBe(200);
    const [a, b] = (json as { issues: { key: string; changelog: { startAt: number; maxResults: number; total: number; histories: History[] } }[] }).issues;
    const record = sim.state.issues.get(long.id)!;
    expect(a?.changelog).toMatchObject({ startAt: 0, maxResults: 40, total: 121 });
    expect(a?.changelog.histories.map((h) => h.id)).toEqual(record.changelog.slice(81).map((c) => c.id));
    // The move into In Progress is the oldest history: it is the one left out.
    expect(a?.changelog.histories.some((h) => h.items.some((i) => i.field === 'status'))).toBe(false);
    expect(b?.changelog).toMatchObject({ startAt: 0, maxResults: 4, total: 4 });
    expect(b?.changelog.histories).toHaveLength(4);
  });

  it('GET issue embeds the newest 100', async () => {
    const { json } = await checked(sim, 'GET', `/rest/api/3/issue/${long.key}?expand=changelog`);
    const changelog = (json as { changelog: { total: number; histories: History[] } }).changelog;
    expect(changelog.total).toBe(121);
    expect(changelog.histories).toHaveLength(100);
    expect(changelog.histories[99]?.id).toBe(sim.state.issues.get(long.id)!.changelog[120]!.id);
  });
});

describe('POST /rest/api/3/changelog/bulkfetch', () => {
  const clock = testClock();
  const sim = seededSim(clock);
  const issues: { id: string; key: string }[] = [];
  beforeAll(async () => {
    // Interleaved histories of three issues: moves and edits at increasing times.
    for (let n = 0; n < 3; n++) issues.push(await createIncident(sim, { summary: `bulk ${n}` }));
    for (let round = 0; round < 4; round++) {
      for (const issue of issues) {
        clock.advance(1000);
        await call(sim, 'PUT', `/rest/api/3/issue/${issue.key}`, { fields: { summary: `r${round}` } });
      }
    }
    for (const issue of issues) {
      clock.advance(1000);
      await transition(sim, issue.key, INCIDENT_STATUS.inProgress.name);
      clock.advance(1000);
      await transition(sim, issue.key, INCIDENT_STATUS.closed.name);
    }
  });

  async function allPages(body: Record<string, unknown>): Promise<{ pages: BulkPage[]; entries: { issueId: string; h: History }[] }> {
    const pages: BulkPage[] = [];
    let token: string | undefined;
    do {
      const { status, json } = await checked(sim, 'POST', '/rest/api/3/changelog/bulkfetch', { ...body, ...(token ? { nextPageToken: token } : {}) });
      expect(status).toBe(200);
      const page = json as BulkPage;
      pages.push(page);
      token = page.nextPageToken;
      if (pages.length > 100) throw new Error('endless paging');
    } while (token !== undefined);
    return { pages, entries: pages.flatMap((p) => p.issueChangeLogs.flatMap((l) => l.changeHistories.map((h) => ({ issueId: l.issueId, h })))) };
  }

  it('is checked against the spec: a non-conforming body would fail', () => {
    expect(spec.validate('POST', '/rest/api/3/changelog/bulkfetch', 200, { issueChangeLogs: [{ issueId: 1 }] }).ok).toBe(false);
    expect(spec.validate('POST', '/rest/api/3/changelog/bulkfetch', 200, { issueChangeLogs: [], total: 3 }).ok).toBe(false);
  });

  it('filters to the status field and returns every status move, oldest first, per issue', async () => {
    const { pages, entries } = await allPages({ issueIdsOrKeys: issues.map((i) => i.key), fieldIds: ['status'] });
    expect(pages).toHaveLength(1);
    expect(entries).toHaveLength(6);
    expect(entries.every(({ h }) => h.items.length === 1 && h.items[0]?.field === 'status' && h.items[0]?.fieldId === 'status')).toBe(true);
    const times = entries.map(({ h }) => Date.parse(h.created.replace(/(\d{2})(\d{2})$/, '$1:$2')));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(pages[0]?.issueChangeLogs.map((l) => l.issueId)).toEqual(issues.map((i) => i.id));
    expect(entries.filter(({ issueId }) => issueId === issues[0]!.id).map(({ h }) => h.items[0]?.to)).toEqual([INCIDENT_STATUS.inProgress.id, INCIDENT_STATUS.closed.id]);
  });

  it('pages visit every history exactly once, in global date order, for any page size', async () => {
    const everything = (await allPages({ issueIdsOrKeys: issues.map((i) => i.id) })).entries.map(({ issueId, h }) => `${issueId}/${h.id}`);
    // 3 issues × (4 edits + 2 moves); unknown ids are left out.
    expect(everything).toHaveLength(18);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (maxResults) => {
        const { pages, entries } = await allPages({ issueIdsOrKeys: [...issues.map((i) => i.id), '999999'], maxResults });
        expect(pages).toHaveLength(Math.ceil(18 / maxResults));
        expect(entries.map(({ issueId, h }) => `${issueId}/${h.id}`).sort()).toEqual([...everything].sort());
        const pageTimes = pages.map((p) => p.issueChangeLogs.flatMap((l) => l.changeHistories.map((h) => h.created)));
        for (let i = 1; i < pageTimes.length; i++) expect(pageTimes[i - 1]!.every((t) => pageTimes[i]!.every((u) => t <= u))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    ['no issues', { issueIdsOrKeys: [] }],
    ['more than 1000 issues', { issueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => String(i)) }],
    ['more than 10 field ids', { issueIdsOrKeys: ['OPS-1'], fieldIds: Array.from({ length: 11 }, (_, i) => `f${i}`) }],
    ['repeated field ids', { issueIdsOrKeys: ['OPS-1'], fieldIds: ['status', 'status'] }],
    ['maxResults 0', { issueIdsOrKeys: ['OPS-1'], maxResults: 0 }],
    ['an unknown property', { issueIdsOrKeys: ['OPS-1'], expand: 'x' }],
    ['a forged page token', { issueIdsOrKeys: ['OPS-1'], nextPageToken: 'bm9wZQ' }],
  ])('refuses %s with 400', async (_name, body) => {
    const { status } = await checked(sim, 'POST', '/rest/api/3/changelog/bulkfetch', body);
    expect(status).toBe(400);
  });
});
