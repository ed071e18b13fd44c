/** Enhanced JQL search (`/search/jql`) with token paging, and the removed `/search` endpoints answering 410. */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { JiraError, badRequest } from '../errors';
import { listQuery, parseBody, type RouteDeps, type SimEnv } from '../http';
import { parseJql } from '../jql';
import { SEARCH_CHANGELOG_LIMIT, renderIssue } from '../render';

/** Jira's SearchAndReconcileRequestBean: unknown properties are refused, like Jira's JSON binding does. */
const searchSchema = z.strictObject({
  jql: z.string().optional(),
  nextPageToken: z.string().optional(),
  maxResults: z.number().int().min(0).optional(),
  fields: z.array(z.string()).optional(),
  expand: z.string().optional(),
  properties: z.array(z.string()).optional(),
  fieldsByKeys: z.boolean().optional(),
  reconcileIssues: z.array(z.number().int()).optional(),
});
type SearchRequest = z.infer<typeof searchSchema>;

const REMOVED = new JiraError(410, [
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
]);

export function registerSearchRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state, searchPages } = deps;

  const run = (c: Context<SimEnv>, request: SearchRequest) => {
    const onlyIds = (request.fields ?? ['id']).every((f) => f === 'id' || f === 'key');
    const cap = onlyIds ? 5000 : 100;
    const maxResults = Math.min(request.maxResults ?? 50, cap);
    const page = searchPages.page(request.nextPageToken, maxResults, () => {
      const query = parseJql(request.jql ?? '', { state, now: deps.now(), currentAccountId: c.get('actor').accountId });
      if (!query.bounded) throw badRequest(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
      return [...state.issues.values()].filter(query.matches).sort(query.compare).map((i) => i.id);
    });
    const pageIds = page.ids;
    const isLast = page.nextPageToken === undefined;
    const issues = pageIds.flatMap((id) => {
      const issue = state.issues.get(id);
      return issue ? [renderIssue(state, issue, { fields: request.fields, defaultFields: 'id', changelogLimit: SEARCH_CHANGELOG_LIMIT, expand: request.expand, properties: request.properties })] : [];
    });
    const body: Record<string, unknown> = { issues, isLast };
    if (page.nextPageToken !== undefined) body['nextPageToken'] = page.nextPageToken;
    return c.json(body);
  };

  app.post('/rest/api/3/search/jql', async (c) => run(c, await parseBody(c, searchSchema)));

  app.get('/rest/api/3/search/jql', (c) => {
    const max = c.req.query('maxResults');
    const maxResults = max === undefined ? undefined : Number(max);
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 0)) throw badRequest(["The 'maxResults' parameter must be a non-negative integer."]);
    return run(c, {
      jql: c.req.query('jql'),
      nextPageToken: c.req.query('nextPageToken'),
      maxResults,
      fields: listQuery(c, 'fields'),
      expand: c.req.query('expand'),
      properties: listQuery(c, 'properties'),
    });
  });

  for (const path of ['/rest/api/3/search', '/rest/api/2/search']) {
    app.on(['GET', 'POST'], path, () => {
      throw REMOVED;
    });
  }
}
