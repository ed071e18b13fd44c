import api, { route } from '@forge/api';
import { z } from 'zod';
import type { Clock } from '../ports/clock';
import type { JiraResult } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import { callJira, statusSchema, type JiraHttpResponse } from './jira-response';

/**
 * Jira REST v3 for the incident sync. Each call is a literal `route` template with a literal method so
 * the offline manifest check derives its scopes.
 */
const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' } as const;

const createdSchema = z.object({ id: z.string(), key: z.string() }).loose();
const transitionsSchema = z.object({ transitions: z.array(z.object({ id: z.string(), name: z.string(), to: statusSchema }).loose()) });
const issueStatusSchema = z.object({ id: z.string(), key: z.string(), fields: z.object({ status: statusSchema }).loose() }).loose();
const commentCreatedSchema = z.object({ id: z.string() }).loose();
const commentPageSchema = z.object({ startAt: z.number().int(), total: z.number().int(), comments: z.array(z.object({ id: z.string(), created: z.string().optional() }).loose()) }).loose();
const propertySchema = z.object({ key: z.string(), value: z.unknown() }).loose();
const commentListSchema = z.object({ values: z.array(z.object({ id: z.string(), properties: z.array(propertySchema).optional() }).loose()) }).loose();
const foundSchema = z.object({ issues: z.array(z.object({ id: z.string(), key: z.string() }).loose()) }).loose();
const issueFieldsSchema = z.object({ id: z.string(), fields: z.record(z.string(), z.unknown()) }).loose();
const linkTypesSchema = z.object({ issueLinkTypes: z.array(z.object({ id: z.string(), name: z.string(), inward: z.string(), outward: z.string() }).loose()) });
const projectStatusesSchema = z.array(z.object({ statuses: z.array(statusSchema) }).loose());
const userSchema = z
  .object({ accountId: z.string(), displayName: z.string().default(''), emailAddress: z.string().nullable().optional(), active: z.boolean().optional(), accountType: z.string().optional() })
  .loose();
const empty = z.unknown();

function call<T>(send: () => Promise<JiraHttpResponse>, schema: z.ZodType<T>, clock: Clock): Promise<JiraResult<T>> {
  return callJira(send, schema, () => clock.now());
}

const voided = <T>(result: JiraResult<T>): JiraResult<void> => (result.ok ? { ok: true, value: undefined } : result);

export function createJiraIncidentPort(clock: Clock): JiraIncidentPort {
  const app = () => api.asApp();
  return {
    createIssue: (fields, properties) =>
      call(() => app().requestJira(route`/rest/api/3/issue`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ fields, properties }) }), createdSchema, clock),

    async editIssue(issue, fields) {
      return voided(await call(() => app().requestJira(route`/rest/api/3/issue/${issue}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ fields }) }), empty, clock));
    },

    async getIssueStatus(issue) {
      const result = await call(() => app().requestJira(route`/rest/api/3/issue/${issue}?fields=status`, { method: 'GET', headers: JSON_HEADERS }), issueStatusSchema, clock);
      return result.ok ? { ok: true, value: { id: result.value.id, key: result.value.key, status: result.value.fields.status } } : result;
    },

    addComment: (issue, body, properties = []) =>
      call(
        () => app().requestJira(route`/rest/api/3/issue/${issue}/comment`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(properties.length === 0 ? { body } : { body, properties }) }),
        commentCreatedSchema,
        clock,
      ),

    async listComments(issue, page) {
      const { startAt, maxResults } = page;
      const result = await call(
        () => app().requestJira(route`/rest/api/3/issue/${issue}/comment?startAt=${startAt}&maxResults=${maxResults}&orderBy=-created`, { method: 'GET', headers: JSON_HEADERS }),
        commentPageSchema,
        clock,
      );
      return result.ok ? { ok: true, value: { startAt: result.value.startAt, total: result.value.total, comments: result.value.comments.map((c) => ({ id: c.id, created: c.created })) } } : result;
    },

    async getCommentProperties(commentIds) {
      // IssueCommentListRequestBean: `ids` are int64 numbers; Jira comment ids are numeric strings.
      const body = { ids: commentIds.map(Number) };
      const result = await call(() => app().requestJira(route`/rest/api/3/comment/list?expand=properties`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), commentListSchema, clock);
      return result.ok ? { ok: true, value: result.value.values.map((c) => ({ id: c.id, properties: (c.properties ?? []).map((p) => ({ key: p.key, value: p.value })) })) } : result;
    },

    async editComment(issue, commentId, body) {
      return voided(await call(() => app().requestJira(route`/rest/api/3/issue/${issue}/comment/${commentId}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ body }) }), empty, clock));
    },

    async deleteComment(issue, commentId) {
      return voided(await call(() => app().requestJira(route`/rest/api/3/issue/${issue}/comment/${commentId}`, { method: 'DELETE', headers: JSON_HEADERS }), empty, clock));
    },

    async findIssues(jql) {
      const body = { jql, fields: ['summary'], maxResults: 10 };
      const result = await call(() => app().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), foundSchema, clock);
      return result.ok ? { ok: true, value: result.value.issues.map((i) => ({ id: i.id, key: i.key })) } : result;
    },

    async getIssueFields(issue, fieldIds) {
      const fields = fieldIds.join(',');
      const result = await call(() => app().requestJira(route`/rest/api/3/issue/${issue}?fields=${fields}`, { method: 'GET', headers: JSON_HEADERS }), issueFieldsSchema, clock);
      return result.ok ? { ok: true, value: result.value.fields } : result;
    },

    async getTransitions(issue) {
      const result = await call(() => app().requestJira(route`/rest/api/3/issue/${issue}/transitions`, { method: 'GET', headers: JSON_HEADERS }), transitionsSchema, clock);
      return result.ok ? { ok: true, value: result.value.transitions.map((t) => ({ id: t.id, name: t.name, to: t.to })) } : result;
    },

    async transitionIssue(issue, transitionId) {
      return voided(
        await call(
          () => app().requestJira(route`/rest/api/3/issue/${issue}/transitions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ transition: { id: transitionId } }) }),
          empty,
          clock,
        ),
      );
    },

    async assignIssue(issue, accountId) {
      return voided(await call(() => app().requestJira(route`/rest/api/3/issue/${issue}/assignee`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ accountId }) }), empty, clock));
    },

    async getLinkTypes() {
      const result = await call(() => app().requestJira(route`/rest/api/3/issueLinkType`, { method: 'GET', headers: JSON_HEADERS }), linkTypesSchema, clock);
      return result.ok ? { ok: true, value: result.value.issueLinkTypes.map((t) => ({ id: t.id, name: t.name, inward: t.inward, outward: t.outward })) } : result;
    },

    async linkIssues(request) {
      return voided(await call(() => app().requestJira(route`/rest/api/3/issueLink`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(request) }), empty, clock));
    },

    async getProjectStatuses(projectKey) {
      const result = await call(() => app().requestJira(route`/rest/api/3/project/${projectKey}/statuses`, { method: 'GET', headers: JSON_HEADERS }), projectStatusesSchema, clock);
      if (!result.ok) return result;
      const byId = new Map(result.value.flatMap((t) => t.statuses).map((s) => [s.id, s]));
      return { ok: true, value: [...byId.values()] };
    },

    async searchUsers(query) {
      const result = await call(() => app().requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=20`, { method: 'GET', headers: JSON_HEADERS }), z.array(userSchema), clock);
      return result.ok ? { ok: true, value: result.value.map(toUser) } : result;
    },

    async getUser(accountId) {
      const result = await call(() => app().requestJira(route`/rest/api/3/user?accountId=${accountId}`, { method: 'GET', headers: JSON_HEADERS }), userSchema, clock);
      return result.ok ? { ok: true, value: toUser(result.value) } : result;
    },
  };
}

function toUser(u: z.infer<typeof userSchema>) {
  return {
    accountId: u.accountId,
    displayName: u.displayName,
    emailAddress: u.emailAddress ?? null,
    ...(u.active === undefined ? {} : { active: u.active }),
    ...(u.accountType === undefined ? {} : { accountType: u.accountType }),
  };
}
