import api, { route } from '@forge/api';
import { z } from 'zod';
import { callJira, type JiraHttpResponse } from './jira-response';
import type { JiraUser } from '../domain/incidents';
import type { Clock } from '../ports/clock';
import type { JiraResult } from '../ports/jira';
import type { JiraRequester } from './jira-projects-rest';
import type { JiraUserSearchPort } from '../ports/jira-projects';
import type { JiraUserDirectoryPort } from '../ports/people';

/** GET /rest/api/3/user/search as the app (scope read:jira-user), written literally for the manifest check. */
const userSchema = z
  .object({ accountId: z.string(), displayName: z.string().default(''), emailAddress: z.string().nullable().optional(), active: z.boolean().optional(), accountType: z.string().optional() })
  .loose();

const toJiraUser = (u: z.infer<typeof userSchema>): JiraUser => ({
  accountId: u.accountId,
  displayName: u.displayName,
  emailAddress: u.emailAddress ?? null,
  ...(u.active === undefined ? {} : { active: u.active }),
  ...(u.accountType === undefined ? {} : { accountType: u.accountType }),
});

/** Both user endpoints answer a bare array of users; one call, one parse, one mapping. */
async function usersOf(send: () => Promise<JiraHttpResponse>, clock: Clock): Promise<JiraResult<readonly JiraUser[]>> {
  const parsed = await callJira(send, z.array(userSchema), () => clock.now());
  return parsed.ok ? { ok: true, value: parsed.value.map(toJiraUser) } : parsed;
}

export function createJiraUserSearchPort(clock: Clock, asApp: () => JiraRequester = () => api.asApp()): JiraUserSearchPort {
  return {
    async searchUsers(query: string, startAt: number, maxResults: number): Promise<JiraResult<readonly JiraUser[]>> {
      return usersOf(() => asApp().requestJira(route`/rest/api/3/user/search?query=${query}&startAt=${startAt}&maxResults=${maxResults}`, { method: 'GET', headers: { Accept: 'application/json' } }), clock);
    },
  };
}

/** GET /rest/api/3/users/search as the app (scope read:jira-user): every user, one page at a time. */
export function createJiraUserDirectoryPort(clock: Clock, asApp: () => JiraRequester = () => api.asApp()): JiraUserDirectoryPort {
  return {
    async usersPage(startAt: number, maxResults: number): Promise<JiraResult<readonly JiraUser[]>> {
      return usersOf(() => asApp().requestJira(route`/rest/api/3/users/search?startAt=${startAt}&maxResults=${maxResults}`, { method: 'GET', headers: { Accept: 'application/json' } }), clock);
    },
  };
}
