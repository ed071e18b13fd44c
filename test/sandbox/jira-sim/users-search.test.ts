/**
 * GET /rest/api/3/users/search (getAllUsers): every user, paged, privacy applied; responses validated against
 * the pinned platform spec.
 */
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { call, seededSim, testClock } from './helpers';
import { jiraSpecValidator } from './openapi-validator';

async function page(sim: ReturnType<typeof seededSim>, query: string): Promise<{ status: number; json: unknown }> {
  const res = await call(sim, 'GET', `/rest/api/3/users/search${query}`);
  return { status: res.status, json: await jiraSpecValidator().check('GET', '/rest/api/3/users/search', res) };
}

describe('GET /rest/api/3/users/search', () => {
  it('pages through every user (app accounts included) in a stable order, hiding emails people hide', async () => {
    const sim = seededSim(testClock());
    const first = await page(sim, '?startAt=0&maxResults=3');
    const second = await page(sim, '?startAt=3&maxResults=3');
    expect(first.status).toBe(200);
    const all = [...(first.json as { accountId: string }[]), ...(second.json as { accountId: string }[])];
    expect(all).toHaveLength(5);
    expect(new Set(all.map((u) => u.accountId)).size).toBe(5);
    const carol = all.find((u) => u.accountId === SANDBOX_USERS.carol.accountId) as Record<string, unknown>;
    expect(carol).toMatchObject({ displayName: 'Carol Private', accountType: 'atlassian' });
    expect(carol).not.toHaveProperty('emailAddress');
    expect(all.find((u) => u.accountId === SANDBOX_USERS.bob.accountId)).toMatchObject({ emailAddress: 'bob@example.com' });
    expect(all.filter((u) => (u as { accountType?: string }).accountType === 'app')).toHaveLength(1);
    expect((await page(sim, '?startAt=5')).json).toEqual([]);
  });

  it('defaults to 50 per page and caps maxResults at 1000; a bad startAt is a 400', async () => {
    const sim = seededSim(testClock());
    expect(((await page(sim, '')).json as unknown[]).length).toBe(5);
    expect(((await page(sim, '?maxResults=5000')).json as unknown[]).length).toBe(5);
    expect((await call(sim, 'GET', '/rest/api/3/users/search?startAt=-1')).status).toBe(400);
  });
});
