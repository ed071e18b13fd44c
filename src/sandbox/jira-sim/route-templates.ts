/** The REST routes the simulator serves, as OpenAPI path templates: used for burst limits and the call log. */
export const ROUTE_TEMPLATES = [
  '/rest/api/3/issue',
  '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes',
  '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
  '/rest/api/3/issue/{issueIdOrKey}',
  '/rest/api/3/issue/{issueIdOrKey}/assignee',
  '/rest/api/3/issue/{issueIdOrKey}/comment',
  '/rest/api/3/issue/{issueIdOrKey}/comment/{id}',
  '/rest/api/3/issue/{issueIdOrKey}/transitions',
  '/rest/api/3/issue/{issueIdOrKey}/properties',
  '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
  '/rest/api/3/comment/list',
  '/rest/api/3/issueLinkType',
  '/rest/api/3/issueLink',
  '/rest/api/3/field',
  '/rest/api/3/field/{fieldId}/context',
  '/rest/api/3/field/{fieldId}/context/{contextId}/option',
  '/rest/api/3/priority/search',
  '/rest/api/3/project/search',
  '/rest/api/3/project/{projectIdOrKey}',
  '/rest/api/3/project/{projectIdOrKey}/statuses',
  '/rest/api/3/user',
  '/rest/api/3/user/search',
  '/rest/api/3/users/search',
  '/rest/api/3/myself',
  '/rest/api/3/mypermissions',
  '/rest/api/3/search/jql',
  '/rest/api/3/changelog/bulkfetch',
  '/rest/api/3/search',
  '/rest/api/2/search',
  '/rest/agile/1.0/board',
  '/rest/agile/1.0/board/{boardId}',
  '/rest/agile/1.0/board/{boardId}/configuration',
  '/rest/agile/1.0/board/{boardId}/sprint',
  '/rest/agile/1.0/sprint',
  '/rest/agile/1.0/sprint/{sprintId}',
  '/rest/agile/1.0/sprint/{sprintId}/issue',
] as const;

const compiled = ROUTE_TEMPLATES.map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`),
  names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''),
}));

export interface RouteMatch {
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Literal segments win over parameters (`/project/search` before `/project/{key}`), as in Hono. */
export function matchRoute(path: string): RouteMatch | null {
  for (const route of compiled) {
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { template: route.template, params };
  }
  return null;
}
