import api, { route } from '@forge/api';
import { z } from 'zod';
import type { Clock } from '../ports/clock';
import type { JiraPickerPort } from '../ports/jira-pickers';
import type { JiraRequester } from './jira-projects-rest';
import { callJira, statusSchema } from './jira-response';

const ACCEPT = { Accept: 'application/json' } as const;

/** Pinned spec: PageBeanProject (GET /rest/api/3/project/search, maxResults at most 100); scope read:jira-work. */
const projectPageSchema = z
  .object({
    total: z.number().optional(),
    values: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() }).loose()).default([]),
  })
  .loose();

/** Pinned spec: IssueTypeWithStatus[] (GET /rest/api/3/project/{projectIdOrKey}/statuses); scope read:jira-work. */
const statusesSchema = z.array(z.object({ id: z.string(), name: z.string(), statuses: z.array(statusSchema).default([]) }).loose());

/** The pickers' Jira reads, as the signed-in user (`api.asUser()`): the user sees only what they may browse. */
export function createJiraPickerPort(clock: Clock, asUser: () => JiraRequester = () => api.asUser()): JiraPickerPort {
  const now = () => clock.now();
  return {
    async searchProjects(query, maxResults) {
      const result = await callJira(
        () => asUser().requestJira(route`/rest/api/3/project/search?query=${query}&maxResults=${maxResults}&orderBy=key`, { method: 'GET', headers: ACCEPT }),
        projectPageSchema,
        now,
      );
      if (!result.ok) return result;
      const projects = result.value.values.map((p) => ({ id: p.id, key: p.key, name: p.name }));
      return { ok: true, value: { projects, total: result.value.total ?? projects.length } };
    },
    async projectStatuses(projectKey) {
      const result = await callJira(() => asUser().requestJira(route`/rest/api/3/project/${projectKey}/statuses`, { method: 'GET', headers: ACCEPT }), statusesSchema, now);
      if (!result.ok) return result;
      return { ok: true, value: result.value.map((t) => ({ issueTypeId: t.id, issueTypeName: t.name, statuses: t.statuses })) };
    },
  };
}
