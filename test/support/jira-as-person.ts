/** The Jira simulator as a person uses it: REST with Basic auth, as any email (the simulator accepts any token). */
export interface IssueView {
  id: string;
  key: string;
  fields: Record<string, unknown> & { status: { name: string }; assignee: { accountId: string } | null; summary: string };
}

export function jiraRequest(jiraUrl: string, email: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${jiraUrl}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}`, accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export async function readIssue(jiraUrl: string, key: string): Promise<IssueView> {
  const response = await jiraRequest(jiraUrl, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}`);
  if (response.status !== 200) throw new Error(`GET ${key}: ${response.status}`);
  return (await response.json()) as IssueView;
}

/** Moves the issue to `toStatus` the way a person does: pick the offered transition, then post it (as bob). */
export async function transitionAsPerson(jiraUrl: string, key: string, toStatus: string): Promise<void> {
  const offered = (await (await jiraRequest(jiraUrl, 'bob@example.com', 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const t = offered.transitions.find((x) => x.to.name === toStatus);
  if (!t) throw new Error(`no transition to ${toStatus} from ${key}`);
  const response = await jiraRequest(jiraUrl, 'bob@example.com', 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: t.id } });
  if (response.status !== 204) throw new Error(`transition ${key} to ${toStatus}: ${response.status}`);
}

export interface SearchedIssue {
  id: string;
  key: string;
  fields: { summary: string };
}

/** The OPS issues as alice finds them in a search, newest first. */
export async function opsIssuesNewestFirst(jiraUrl: string): Promise<SearchedIssue[]> {
  const response = await jiraRequest(jiraUrl, 'alice@example.com', 'POST', '/rest/api/3/search/jql', { jql: 'project = OPS ORDER BY created DESC', fields: ['summary'] });
  return ((await response.json()) as { issues: SearchedIssue[] }).issues;
}
