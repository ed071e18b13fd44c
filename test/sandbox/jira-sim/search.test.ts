import fc from 'fast-check';
import { call, createIncident, seededSim, testClock, T0 } from './helpers';
import type { JiraSimulator } from '../../../src/sandbox/jira-sim';

interface SearchPage {
  issues: { id: string; key: string; fields?: Record<string, unknown> }[];
  isLast: boolean;
  nextPageToken?: string;
}

async function search(sim: JiraSimulator, body: Record<string, unknown>): Promise<SearchPage> {
  const res = await call(sim, 'POST', '/rest/api/3/search/jql', body);
  if (res.status !== 200) throw new Error(`search ${res.status}: ${await res.text()}`);
  return (await res.json()) as SearchPage;
}

async function keys(sim: JiraSimulator, jql: string): Promise<string[]> {
  return (await search(sim, { jql, fields: ['key'], maxResults: 100 })).issues.map((i) => i.key);
}

async function transition(sim: JiraSimulator, key: string, statusName: string): Promise<void> {
  const list = (await (await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const t = list.transitions.find((x) => x.to.name === statusName);
  await call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t?.id } });
}

describe('JQL search pagination', () => {
  it('visits every issue exactly once across pages, even when issues change between pages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 7 }), async (count, pageSize) => {
        const clock = testClock();
        const sim = seededSim(clock);
        const created: string[] = [];
        for (let i = 0; i < count; i++) {
          clock.advance(1000);
          created.push((await createIncident(sim, { summary: `n${i}` })).key);
        }
        const seen: string[] = [];
        let page = await search(sim, { jql: 'project = OPS ORDER BY updated ASC', fields: ['summary'], maxResults: pageSize });
        for (;;) {
          seen.push(...page.issues.map((i) => i.key));
          expect(page.issues.length).toBeLessThanOrEqual(pageSize);
          if (page.isLast) {
            expect(page.nextPageToken).toBeUndefined();
            break;
          }
          // Touch the first issue: under ORDER BY updated it would move to the end of a live result set.
          clock.advance(1000);
          if (created[0]) await call(sim, 'PUT', `/rest/api/3/issue/${created[0]}`, { fields: { summary: `touched ${clock.now()}` } });
          page = await search(sim, { nextPageToken: page.nextPageToken, fields: ['summary'], maxResults: pageSize });
        }
        expect([...seen].sort()).toEqual([...created].sort());
        expect(new Set(seen).size).toBe(seen.length);
      }),
      { numRuns: 25 },
    );
  });

  it('returns only ids by default and refuses a forged token', async () => {
    const sim = seededSim(testClock());
    await createIncident(sim);
    const page = await search(sim, { jql: 'project = OPS' });
    expect(page.issues[0]).toEqual({ expand: expect.any(String), id: expect.any(String), self: expect.any(String), key: 'OPS-1' });
    expect((await call(sim, 'POST', '/rest/api/3/search/jql', { nextPageToken: 'garbage' })).status).toBe(400);
  });
});

describe('JQL filters', () => {
  async function site(): Promise<{ sim: JiraSimulator; clock: ReturnType<typeof testClock> }> {
    const clock = testClock();
    const sim = seededSim(clock);
    await createIncident(sim, { summary: 'a' }); // OPS-1 at T0
    clock.advance(10 * 60_000);
    await createIncident(sim, { summary: 'b' }); // OPS-2 at T0+10m
    clock.advance(10 * 60_000);
    await createIncident(sim, { summary: 'c' }); // OPS-3 at T0+20m
    await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'PM' }, issuetype: { name: 'Post-mortem' }, summary: 'pm' } });
    await transition(sim, 'OPS-2', 'in progress');
    await transition(sim, 'OPS-3', 'Closed');
    await call(sim, 'PUT', '/rest/api/3/issue/OPS-1/properties/bridge', { impact: { id: 'imp-7' }, source: 'impact' });
    await call(sim, 'PUT', '/rest/api/3/issue/OPS-2/properties/bridge', { impact: { id: 'imp-8' }, source: 'alertmanager' });
    return { sim, clock };
  }

  it('project, key and statusCategory clauses', async () => {
    const { sim } = await site();
    expect(await keys(sim, 'project = OPS ORDER BY key ASC')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(await keys(sim, 'project in (OPS, PM) ORDER BY key DESC')).toEqual(['PM-1', 'OPS-3', 'OPS-2', 'OPS-1']);
    expect(await keys(sim, 'key in (OPS-1, OPS-3) ORDER BY key')).toEqual(['OPS-1', 'OPS-3']);
    expect(await keys(sim, 'project = OPS AND statusCategory = Done')).toEqual(['OPS-3']);
    expect(await keys(sim, 'project = OPS AND statusCategory = "In Progress"')).toEqual(['OPS-2']);
    expect(await keys(sim, 'project = OPS AND statusCategory = "To Do"')).toEqual(['OPS-1']);
    expect(await keys(sim, 'project = OPS AND statusCategory != Done ORDER BY key')).toEqual(['OPS-1', 'OPS-2']);
    expect(await keys(sim, 'project = OPS AND status = "in progress"')).toEqual(['OPS-2']);
  });

  it('updated with absolute and relative dates', async () => {
    const { sim, clock } = await site();
    // Transitions happened at T0+20m: OPS-2, OPS-3 were updated then; OPS-1 only at T0.
    expect(await keys(sim, 'project = OPS AND updated >= "2026-11-23 06:20" ORDER BY key')).toEqual(['OPS-2', 'OPS-3']);
    expect(await keys(sim, 'project = OPS AND updated < "2026-11-23 06:20" ORDER BY key')).toEqual(['OPS-1']);
    clock.set(T0 + 30 * 60_000);
    expect(await keys(sim, 'project = OPS AND updated >= -15m ORDER BY key')).toEqual(['OPS-2', 'OPS-3']);
    expect(await keys(sim, 'project = OPS AND updated >= "-45m" ORDER BY key')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(await keys(sim, 'project = OPS ORDER BY updated ASC, key DESC')).toEqual(['OPS-1', 'OPS-3', 'OPS-2']);
  });

  it('issue.property[...] clauses', async () => {
    const { sim } = await site();
    expect(await keys(sim, 'issue.property[bridge].impact.id = "imp-7"')).toEqual(['OPS-1']);
    expect(await keys(sim, 'project = OPS AND issue.property[bridge].source != "impact"')).toEqual(['OPS-2']);
    expect(await keys(sim, 'issue.property[bridge].source = nothing')).toEqual([]);
  });

  it.each([
    ['project = OPS OR project = PM'],
    ['summary ~ "checkout"'],
    ['project = NOPE'],
    ['key in (OPS-1, OPS-99)'],
    ['updated >= "yesterday"'],
    ['project = OPS ORDER BY rank'],
    ['project = "OPS'],
    ['ORDER BY updated'],
    [''],
  ])('refuses unsupported or invalid JQL %p with a Jira-shaped 400', async (jql) => {
    const { sim } = await site();
    const res = await call(sim, 'POST', '/rest/api/3/search/jql', { jql });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errorMessages: string[]; errors: object };
    expect(body.errorMessages.length).toBe(1);
    expect(body.errors).toEqual({});
  });
});

describe('removed search endpoints', () => {
  it.each([
    ['GET', '/rest/api/2/search?jql=project%3DOPS'],
    ['POST', '/rest/api/2/search'],
    ['GET', '/rest/api/3/search?jql=project%3DOPS'],
    ['POST', '/rest/api/3/search'],
  ])('%s %s answers 410 Gone', async (method, path) => {
    const sim = seededSim(testClock());
    const res = await call(sim, method, path, method === 'POST' ? { jql: 'project = OPS' } : undefined);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { errorMessages: string[] }).errorMessages[0]).toContain('/rest/api/3/search/jql');
  });
});
