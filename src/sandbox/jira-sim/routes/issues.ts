/** Issue endpoints: create, read, edit, assignee, comments, transitions, entity properties, links. */
import type { Hono } from 'hono';
import { z } from 'zod';
import { JiraError, badRequest, issueNotFound } from '../errors';
import { listQuery, paging, parseBody, type RouteDeps, type SimEnv } from '../http';
import { addComment, assignIssue, deleteComment, editComment, requireComment, availableTransitions, checkPropertyInput, createIssue, deleteIssue, editIssue, linkIssues, requireIssue, transitionIssue } from '../issue-ops';
import { ISSUE_CHANGELOG_LIMIT, renderComment, renderIssue, renderStatus } from '../render';

const propertySchema = z.object({ key: z.string(), value: z.unknown() });
const updateOpSchema = z.object({ add: z.unknown(), remove: z.unknown(), set: z.unknown(), edit: z.unknown() }).partial();

const createSchema = z.looseObject({
  fields: z.record(z.string(), z.unknown()),
  update: z.record(z.string(), z.array(updateOpSchema)).optional(),
  properties: z.array(propertySchema).optional(),
});

const editSchema = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.array(updateOpSchema)).optional(),
  properties: z.array(propertySchema).optional(),
});

const assigneeSchema = z.looseObject({ accountId: z.string().nullable() });
const commentSchema = z.looseObject({ body: z.unknown() });
/** addComment's body: a Comment, whose `properties` are EntityProperty items (`additionalProperties: false`). */
const newCommentSchema = z.looseObject({ body: z.unknown(), properties: z.array(z.strictObject({ key: z.string(), value: z.unknown() })).optional() });
/** getCommentsByIds: IssueCommentListRequestBean, `ids` int64, unique, "A maximum of 1000 IDs can be specified". */
const commentIdsSchema = z.strictObject({ ids: z.array(z.number().int().nonnegative()).max(1000) });
const transitionSchema = z.looseObject({
  transition: z.looseObject({ id: z.union([z.string(), z.number()]).optional() }).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.array(updateOpSchema)).optional(),
});
const issueRefSchema = z.looseObject({ id: z.string().optional(), key: z.string().optional() });
const linkSchema = z.looseObject({
  type: z.looseObject({ id: z.string().optional(), name: z.string().optional() }),
  inwardIssue: issueRefSchema,
  outwardIssue: issueRefSchema,
});

export function registerIssueRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state } = deps;

  app.post('/rest/api/3/issue', async (c) => {
    const body = await parseBody(c, createSchema);
    if (body.update && Object.keys(body.update).length > 0) throw badRequest(["jira-sim: 'update' is not supported on create; use 'fields'."]);
    const issue = createIssue(deps, c.get('actor'), { fields: body.fields, properties: body.properties });
    return c.json({ id: issue.id, key: issue.key, self: `${state.baseUrl}/rest/api/3/issue/${issue.id}` }, 201);
  });

  app.delete('/rest/api/3/issue/:issueIdOrKey', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const deleteSubtasks = c.req.query('deleteSubtasks');
    if (deleteSubtasks !== undefined && deleteSubtasks !== 'true' && deleteSubtasks !== 'false') {
      throw badRequest([`The value '${deleteSubtasks}' is not valid for deleteSubtasks: use true or false.`]);
    }
    // The simulated projects have no subtask issue types, so there is never a subtask to refuse for.
    deleteIssue(deps, c.get('actor'), issue);
    return c.body(null, 204);
  });

  app.get('/rest/api/3/issue/:issueIdOrKey', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    return c.json(renderIssue(state, issue, { fields: listQuery(c, 'fields'), defaultFields: '*all', changelogLimit: ISSUE_CHANGELOG_LIMIT, expand: c.req.query('expand'), properties: listQuery(c, 'properties') }));
  });

  app.put('/rest/api/3/issue/:issueIdOrKey', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const body = await parseBody(c, editSchema);
    editIssue(deps, c.get('actor'), issue, body.fields ?? {}, body.update ?? {}, body.properties ?? []);
    if (c.req.query('returnIssue') === 'true') {
      return c.json(renderIssue(state, issue, { defaultFields: '*all', changelogLimit: ISSUE_CHANGELOG_LIMIT, expand: c.req.query('expand') }), 200);
    }
    return c.body(null, 204);
  });

  app.put('/rest/api/3/issue/:issueIdOrKey/assignee', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const body = await parseBody(c, assigneeSchema);
    assignIssue(deps, c.get('actor'), issue, body.accountId === '-1' ? null : body.accountId);
    return c.body(null, 204);
  });

  app.post('/rest/api/3/issue/:issueIdOrKey/comment', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const body = await parseBody(c, newCommentSchema);
    const comment = addComment(deps, c.get('actor'), issue, body.body, body.properties ?? []);
    return c.json(renderComment(state, issue, comment), 201);
  });

  // getCommentsByIds: the comments of these ids the caller may see (unknown ids are left out), as a
  // PageBeanComment in one page; `expand=properties` adds each comment's properties.
  app.post('/rest/api/3/comment/list', async (c) => {
    const { ids } = await parseBody(c, commentIdsSchema);
    if (new Set(ids).size !== ids.length) throw badRequest(['The list of comment IDs must not contain duplicates.']);
    const expand = (c.req.query('expand') ?? '').split(',').map((e) => e.trim());
    const wanted = new Set(ids.map(String));
    const values = [...state.issues.values()].flatMap((issue) =>
      issue.comments.filter((cm) => wanted.has(cm.id)).map((cm) => renderComment(state, issue, cm, { properties: expand.includes('properties') })),
    );
    return c.json({ isLast: true, maxResults: 1000, startAt: 0, total: values.length, values }, 200);
  });

  app.get('/rest/api/3/issue/:issueIdOrKey/comment', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const { startAt, maxResults } = paging(c, 100, 5000);
    const ordered = c.req.query('orderBy') === '-created' ? [...issue.comments].reverse() : issue.comments;
    const page = ordered.slice(startAt, startAt + maxResults);
    return c.json({ startAt, maxResults, total: issue.comments.length, comments: page.map((cm) => renderComment(state, issue, cm)) });
  });

  app.get('/rest/api/3/issue/:issueIdOrKey/comment/:id', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    return c.json(renderComment(state, issue, requireComment(issue, c.req.param('id'))));
  });

  // updateComment: body is a Comment (only `body` and `visibility` are writable; the simulator keeps no
  // visibility, so one is refused rather than silently dropped). 200 with the comment.
  app.put('/rest/api/3/issue/:issueIdOrKey/comment/:id', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const body = await parseBody(c, commentSchema);
    if (body['visibility'] !== undefined && body['visibility'] !== null) throw badRequest(['jira-sim: comment visibility is not supported.']);
    const comment = editComment(deps, c.get('actor'), issue, c.req.param('id'), body.body);
    return c.json(renderComment(state, issue, comment), 200);
  });

  app.delete('/rest/api/3/issue/:issueIdOrKey/comment/:id', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    deleteComment(deps, c.get('actor'), issue, c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/rest/api/3/issue/:issueIdOrKey/transitions', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const project = state.findProject(issue.projectKey);
    if (!project) throw issueNotFound();
    const only = c.req.query('transitionId');
    const transitions = availableTransitions(state, issue)
      .filter((t) => only === undefined || t.id === only)
      .map((t) => ({
        id: t.id,
        name: t.name,
        to: renderStatus(state, state.statusOf(project, t.to)),
        hasScreen: false,
        isGlobal: t.from.length === 0,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      }));
    return c.json({ transitions });
  });

  app.post('/rest/api/3/issue/:issueIdOrKey/transitions', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const body = await parseBody(c, transitionSchema);
    const id = body.transition?.id;
    if (id === undefined) throw badRequest(["'transition' identifier must be specified."]);
    if (body.update && Object.keys(body.update).length > 0) throw badRequest(["jira-sim: 'update' on transitions is not supported."]);
    // Validators run before the transition is performed (workflow-validators.ts); a refusal leaves the issue as it was.
    const transition = availableTransitions(state, issue).find((t) => t.id === String(id));
    const project = state.findProject(issue.projectKey);
    if (transition && project) await deps.validators.check(project, issue, transition, c.get('actor'));
    transitionIssue(deps, c.get('actor'), issue, String(id), body.fields ?? {});
    return c.body(null, 204);
  });

  app.get('/rest/api/3/issue/:issueIdOrKey/properties', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const keys = [...issue.properties.keys()].map((key) => ({ key, self: `${state.baseUrl}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}` }));
    return c.json({ keys });
  });

  app.get('/rest/api/3/issue/:issueIdOrKey/properties/:propertyKey', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const key = c.req.param('propertyKey');
    if (!issue.properties.has(key)) throw new JiraError(404, [`The property with key '${key}' does not exist.`]);
    return c.json({ key, value: issue.properties.get(key) });
  });

  app.put('/rest/api/3/issue/:issueIdOrKey/properties/:propertyKey', async (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const key = c.req.param('propertyKey');
    let value: unknown;
    try {
      value = await c.req.json();
    } catch {
      throw badRequest(['The property value must be valid JSON.']);
    }
    checkPropertyInput(key, value);
    const existed = issue.properties.has(key);
    issue.properties.set(key, value);
    state.touch(issue.id);
    return c.body(null, existed ? 200 : 201);
  });

  app.delete('/rest/api/3/issue/:issueIdOrKey/properties/:propertyKey', (c) => {
    const issue = requireIssue(state, c.req.param('issueIdOrKey'));
    const key = c.req.param('propertyKey');
    if (!issue.properties.delete(key)) throw new JiraError(404, [`The property with key '${key}' does not exist.`]);
    state.touch(issue.id);
    return c.body(null, 204);
  });

  app.post('/rest/api/3/issueLink', async (c) => {
    const body = await parseBody(c, linkSchema);
    const find = (ref: { id?: string | undefined; key?: string | undefined }) => {
      const issue = state.findIssue(ref.id ?? ref.key ?? '');
      if (!issue) throw new JiraError(404, [`Issue '${ref.key ?? ref.id ?? ''}' does not exist or you do not have permission to see it.`]);
      return issue;
    };
    linkIssues(deps, c.get('actor'), body.type, find(body.inwardIssue), find(body.outwardIssue));
    return c.body(null, 201);
  });
}
