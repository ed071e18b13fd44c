import api, { route } from '@forge/api';
import { z } from 'zod';
import { PROBLEM_PROPERTY_KEY } from '../domain/alerts';
import type { AdfDoc, CreateCommand } from '../domain/alerts';
import type { Clock } from '../ports/clock';
import type { AvailableTransition, CreatedIssue, IssueLinkRequest, IssueStatus, JiraPort, JiraResult, JiraSitePermissionPort, JiraUserPort } from '../ports/jira';
import { callJira, statusSchema, type JiraHttpResponse } from './jira-response';
import { createJiraIncidentPort } from './jira-incidents-rest';

/**
 * Jira REST v3 through `requestJira`. Every call is written out with a `route` template and a literal
 * method so the offline manifest check can derive the scopes it needs.
 */
const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' } as const;

const createdSchema = z.object({ id: z.string(), key: z.string() }).loose();
const transitionsSchema = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: statusSchema }).loose()),
});
const issueStatusSchema = z.object({ id: z.string(), key: z.string(), fields: z.object({ status: statusSchema }).loose() }).loose();
const searchSchema = z.object({ issues: z.array(issueStatusSchema) }).loose();
const permissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.boolean() }).loose()),
});
const empty = z.unknown();

function call<T>(send: () => Promise<JiraHttpResponse>, schema: z.ZodType<T>, clock: Clock): Promise<JiraResult<T>> {
  return callJira(send, schema, () => clock.now());
}

function toIssueStatus(issue: z.infer<typeof issueStatusSchema>): IssueStatus {
  return { id: issue.id, key: issue.key, status: issue.fields.status };
}

/** JQL string literal: quotes and backslashes escaped. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function problemKeyJql(problemKey: string): string {
  return `issue.property[${PROBLEM_PROPERTY_KEY}].problemKey = ${jqlString(problemKey)} ORDER BY created DESC`;
}

export function createJiraRestPort(clock: Clock): JiraPort {
  const app = () => api.asApp();
  // The comment calls are the incident port's (same requests, same schemas).
  const comments = createJiraIncidentPort(clock);
  return {
    createIssue: (body: CreateCommand['body']): Promise<JiraResult<CreatedIssue>> =>
      call(() => app().requestJira(route`/rest/api/3/issue`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), createdSchema, clock),

    addComment: (issueKey: string, body: AdfDoc, properties = []) => comments.addComment(issueKey, body, properties),
    listComments: (issueKey, page) => comments.listComments(issueKey, page),
    getCommentProperties: (commentIds) => comments.getCommentProperties(commentIds),

    async getTransitions(issueKey: string): Promise<JiraResult<readonly AvailableTransition[]>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/issue/${issueKey}/transitions`, { method: 'GET', headers: JSON_HEADERS }), transitionsSchema, clock);
      return result.ok ? { ok: true, value: result.value.transitions.map((t) => ({ id: t.id, name: t.name, to: t.to })) } : result;
    },

    async transitionIssue(issueKey: string, transitionId: string): Promise<JiraResult<void>> {
      const result = await call(
        () => app().requestJira(route`/rest/api/3/issue/${issueKey}/transitions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ transition: { id: transitionId } }) }),
        empty,
        clock,
      );
      return result.ok ? { ok: true, value: undefined } : result;
    },

    async linkIssues(request: IssueLinkRequest): Promise<JiraResult<void>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/issueLink`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(request) }), empty, clock);
      return result.ok ? { ok: true, value: undefined } : result;
    },

    async getIssueStatus(issueKey: string): Promise<JiraResult<IssueStatus>> {
      const result = await call(() => app().requestJira(route`/rest/api/3/issue/${issueKey}?fields=status`, { method: 'GET', headers: JSON_HEADERS }), issueStatusSchema, clock);
      return result.ok ? { ok: true, value: toIssueStatus(result.value) } : result;
    },

    async findByProblemKey(problemKey: string): Promise<JiraResult<readonly IssueStatus[]>> {
      const body = { jql: problemKeyJql(problemKey), fields: ['status'], maxResults: 10 };
      const result = await call(() => app().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), searchSchema, clock);
      return result.ok ? { ok: true, value: result.value.issues.map(toIssueStatus) } : result;
    },
    async hasProblemIssues(): Promise<JiraResult<boolean>> {
      const body = { jql: `issue.property[${PROBLEM_PROPERTY_KEY}].problemKey IS NOT EMPTY`, fields: ['status'], maxResults: 1 };
      const result = await call(() => app().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }), searchSchema, clock);
      return result.ok ? { ok: true, value: result.value.issues.length > 0 } : result;
    },
  };
}

/** GET /rest/api/3/mypermissions without a project: global permissions (ADMINISTER is "Administer Jira"). */
export function createJiraSitePermissionPort(clock: Clock): JiraSitePermissionPort {
  return {
    async canAdministerJira(): Promise<JiraResult<boolean>> {
      const result = await call(() => api.asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { method: 'GET', headers: JSON_HEADERS }), permissionsSchema, clock);
      return result.ok ? { ok: true, value: result.value.permissions['ADMINISTER']?.havePermission === true } : result;
    },
  };
}

export function createJiraUserPort(clock: Clock): JiraUserPort {
  return {
    async canAdministerProject(projectKey: string): Promise<JiraResult<boolean>> {
      const result = await call(
        () => api.asUser().requestJira(route`/rest/api/3/mypermissions?projectKey=${projectKey}&permissions=ADMINISTER_PROJECTS`, { method: 'GET', headers: JSON_HEADERS }),
        permissionsSchema,
        clock,
      );
      return result.ok ? { ok: true, value: result.value.permissions['ADMINISTER_PROJECTS']?.havePermission === true } : result;
    },
  };
}
