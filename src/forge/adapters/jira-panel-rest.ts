import api, { route } from '@forge/api';
import { PROBLEM_PROPERTY_KEY, type ProblemProperty } from '../domain/alerts';
import type { VisibleIssue } from '../ports/visible-issue';

/** The issue's key, id and status as the calling user sees it (404: no such issue, or no permission). */
export async function readIssueAsUser(issueKey: string): Promise<VisibleIssue | null> {
  const response = await api.asUser().requestJira(route`/rest/api/3/issue/${issueKey}?fields=status`, { method: 'GET', headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`Jira answered ${response.status} reading ${issueKey}`);
  const body = (await response.json()) as { id?: unknown; key?: unknown; fields?: { status?: { name?: unknown } } };
  if (typeof body.id !== 'string' || typeof body.key !== 'string') throw new Error(`Jira answered an issue without id or key for ${issueKey}`);
  const statusName = body.fields?.status?.name;
  return { id: body.id, key: body.key, statusName: typeof statusName === 'string' ? statusName : null };
}

/** Removes the problem property as the app (the app wrote it); a missing property is fine. */
export async function deleteProblemPropertyAsApp(issueKey: string): Promise<void> {
  const response = await api.asApp().requestJira(route`/rest/api/3/issue/${issueKey}/properties/${PROBLEM_PROPERTY_KEY}`, { method: 'DELETE' });
  if (!response.ok && response.status !== 404) throw new Error(`Jira answered ${response.status} removing the problem property of ${issueKey}`);
}

/** The issue's problem property as the user sees it (404: no property, or no permission). */
export async function readProblemPropertyAsUser(issueKey: string): Promise<unknown> {
  const response = await api.asUser().requestJira(route`/rest/api/3/issue/${issueKey}/properties/${PROBLEM_PROPERTY_KEY}`, { method: 'GET', headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`Jira answered ${response.status} reading the issue's problem property`);
  return ((await response.json()) as { value?: unknown }).value ?? null;
}

/** Writes the problem property as the app, as the app's own create does (link by hand). */
export async function setProblemPropertyAsApp(issueKey: string, value: ProblemProperty): Promise<void> {
  const response = await api.asApp().requestJira(route`/rest/api/3/issue/${issueKey}/properties/${PROBLEM_PROPERTY_KEY}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  if (!response.ok) throw new Error(`Jira answered ${response.status} writing the problem property of ${issueKey}`);
}
