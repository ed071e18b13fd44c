/** GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes[/{issueTypeId}]: Jira's paged create metadata. */
import type { Hono } from 'hono';
import { JiraError } from '../errors';
import { createMetaFields } from '../create-meta';
import type { RouteDeps, SimEnv } from '../http';
import { renderIssueType } from '../render';

/** Paging as the pinned spec declares it: maxResults defaults to 50 and must not exceed 200. */
function createMetaPaging(startAtText: string | undefined, maxText: string | undefined): { startAt: number; maxResults: number } {
  const startAt = Number(startAtText ?? 0);
  const maxResults = Number(maxText ?? 50);
  if (!Number.isInteger(startAt) || startAt < 0) throw new JiraError(400, ["Parameter 'startAt' must be a non-negative integer"]);
  if (!Number.isInteger(maxResults) || maxResults < 0) throw new JiraError(400, ["Parameter 'maxResults' must be a non-negative integer"]);
  if (maxResults > 200) throw new JiraError(400, ["Parameter 'maxResults' must not exceed the limit '200'"]);
  return { startAt, maxResults };
}

export function registerCreateMetaRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state } = deps;
  const requireProject = (idOrKey: string) => {
    const project = state.findProject(idOrKey);
    if (!project) throw new JiraError(404, [`No project could be found with key '${idOrKey}'.`]);
    return project;
  };

  app.get('/rest/api/3/issue/createmeta/:projectIdOrKey/issuetypes', (c) => {
    const project = requireProject(c.req.param('projectIdOrKey'));
    const { startAt, maxResults } = createMetaPaging(c.req.query('startAt'), c.req.query('maxResults'));
    const page = project.issueTypes.slice(startAt, startAt + maxResults);
    return c.json({ issueTypes: page.map((t) => renderIssueType(state, t)), maxResults, startAt, total: project.issueTypes.length });
  });

  app.get('/rest/api/3/issue/createmeta/:projectIdOrKey/issuetypes/:issueTypeId', (c) => {
    const project = requireProject(c.req.param('projectIdOrKey'));
    const issueTypeId = c.req.param('issueTypeId');
    const type = project.issueTypes.find((t) => t.id === issueTypeId);
    // [U] the exact status and wording for an issue type the project does not have; Jira answers an error, never fields.
    if (!type) throw new JiraError(404, [`Issue type with id '${issueTypeId}' does not exist or is not available in project '${project.key}'.`]);
    const { startAt, maxResults } = createMetaPaging(c.req.query('startAt'), c.req.query('maxResults'));
    const all = createMetaFields(state, project, type, state.requiredFields.of(project.key, type.id));
    return c.json({ fields: all.slice(startAt, startAt + maxResults), maxResults, startAt, total: all.length });
  });
}
