import api, { route, type Route } from '@forge/api';
import { z } from 'zod';
import { categoryKey, parseJiraTime, statusChangesOf, type FieldInfo, type StatusCategoryKey, type StatusChange } from '../domain/projects';
import { callJira, type JiraHttpResponse } from './jira-response';
import type { Clock } from '../ports/clock';
import type { JiraResult } from '../ports/jira';
import type { IssueSearchPage, IssueSearchRequest, JiraProjectsPort, ProjectPage, StatusHistoryPage, StatusHistoryRequest } from '../ports/jira-projects';

/** requestJira calls of the project sync, each written out literally so the manifest check sees its scope. */
const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' } as const;

const projectPageSchema = z.object({
  values: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() }).loose()),
  isLast: z.boolean().optional(),
  total: z.number().optional(),
  startAt: z.number().optional(),
}).loose();
const myselfSchema = z.object({ timeZone: z.string().optional() }).loose();
const fieldsSchema = z.array(
  z.object({ id: z.string(), name: z.string(), custom: z.boolean().optional(), schema: z.object({ type: z.string().optional(), custom: z.string().optional() }).loose().optional() }).loose(),
);
const statusesSchema = z.array(
  z.object({ statuses: z.array(z.object({ id: z.string(), statusCategory: z.object({ key: z.string() }).loose().optional() }).loose()) }).loose(),
);
const searchSchema = z.object({ issues: z.array(z.unknown()), nextPageToken: z.string().optional(), isLast: z.boolean().optional() }).loose();

/** The spec says `created` is a date-time string; its example shows epoch milliseconds: both are read. */
const changeTime = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseJiraTime(v);
  if (ms === undefined || !Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a changelog time: ${String(v).slice(0, 40)}` });
    return z.NEVER;
  }
  return ms;
});
const bulkChangelogSchema = z.object({
  issueChangeLogs: z.array(
    z.object({
      issueId: z.string(),
      changeHistories: z.array(z.object({ created: changeTime, items: z.array(z.object({ field: z.string(), fieldId: z.string().optional(), to: z.string().nullish() }).loose()).optional() }).loose()).optional(),
    }).loose(),
  ).optional(),
  nextPageToken: z.string().nullish(),
}).loose();

/** Status moves per issue from a bulk changelog page (an issue may appear in several groups of one page). */
function statusMoves(page: z.infer<typeof bulkChangelogSchema>): Map<string, StatusChange[]> {
  const out = new Map<string, StatusChange[]>();
  for (const log of page.issueChangeLogs ?? []) out.set(log.issueId, [...(out.get(log.issueId) ?? []), ...statusChangesOf(log.changeHistories ?? [])]);
  return out;
}

function call<T>(send: () => Promise<JiraHttpResponse>, schema: z.ZodType<T>, clock: Clock): Promise<JiraResult<T>> {
  return callJira(send, schema, () => clock.now());
}

function map<A, B>(result: JiraResult<A>, f: (a: A) => B): JiraResult<B> {
  return result.ok ? { ok: true, value: f(result.value) } : result;
}

/** What `api.asApp()` offers the adapter; tests pass one that calls the simulator in-process. */
export interface JiraRequester {
  requestJira(path: Route, init: { method: string; headers: Record<string, string>; body?: string }): Promise<JiraHttpResponse>;
}

export function createJiraProjectsRestPort(clock: Clock, asApp: () => JiraRequester = () => api.asApp()): JiraProjectsPort {
  const app = asApp;
  return {
    async searchProjects(startAt: number, maxResults: number): Promise<JiraResult<ProjectPage>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}&orderBy=key`, { method: 'GET', headers: JSON_HEADERS }), projectPageSchema, clock);
      return map(result, (page) => ({
        values: page.values.map((p) => ({ id: p.id, key: p.key, name: p.name })),
        isLast: page.isLast ?? (page.total === undefined ? page.values.length < maxResults : startAt + page.values.length >= page.total),
      }));
    },

    async myTimeZone(): Promise<JiraResult<string>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/myself`, { method: 'GET', headers: JSON_HEADERS }), myselfSchema, clock);
      return map(result, (me) => me.timeZone ?? 'UTC');
    },

    async listFields(): Promise<JiraResult<readonly FieldInfo[]>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/field`, { method: 'GET', headers: JSON_HEADERS }), fieldsSchema, clock);
      return map(result, (fields) => fields.map((f) => ({ id: f.id, name: f.name, custom: f.custom ?? false, schemaCustom: f.schema?.custom, schemaType: f.schema?.type })));
    },

    async projectStatusCategories(projectKey: string): Promise<JiraResult<ReadonlyMap<string, StatusCategoryKey>>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/project/${projectKey}/statuses`, { method: 'GET', headers: JSON_HEADERS }), statusesSchema, clock);
      return map(result, (types) => new Map(types.flatMap((t) => t.statuses.map((s) => [s.id, categoryKey(s.statusCategory?.key)] as const))));
    },

    async searchIssues(request: IssueSearchRequest): Promise<JiraResult<IssueSearchPage>> {
      const body = {
        jql: request.jql,
        ...(request.nextPageToken === undefined ? {} : { nextPageToken: request.nextPageToken }),
        maxResults: request.maxResults,
        fields: request.fields,
        expand: request.expand,
        properties: request.properties,
      };
      const result = await call(() => app().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), searchSchema, clock);
      return map(result, (page) => ({ issues: page.issues, nextPageToken: page.nextPageToken, isLast: page.isLast ?? page.nextPageToken === undefined }));
    },

    async statusHistories(request: StatusHistoryRequest): Promise<JiraResult<StatusHistoryPage>> {
      const body = {
        issueIdsOrKeys: request.issueIds,
        fieldIds: ['status'],
        ...(request.nextPageToken === undefined ? {} : { nextPageToken: request.nextPageToken }),
      };
      const result = await call(() => app().requestJira(route`/rest/api/3/changelog/bulkfetch`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), bulkChangelogSchema, clock);
      return map(result, (page) => ({ changes: statusMoves(page), nextPageToken: page.nextPageToken ?? undefined }));
    },
  };
}
