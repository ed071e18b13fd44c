/** Site metadata endpoints: fields and options, projects and statuses, users, permissions, link types. */
import type { Hono } from 'hono';
import { JiraError, badRequest } from '../errors';
import { z } from 'zod';
import { paging, parseBody, type RouteDeps, type SimEnv } from '../http';
import type { CustomFieldDef } from '../model';
import { renderLinkType, renderPriority, renderProject, renderStatus, renderUser } from '../render';

/** A new Jira site's default priority (issue-ops.ts creates with it when a create names none). */
const DEFAULT_PRIORITY = 'Medium';

const SYSTEM_FIELDS: readonly { id: string; name: string; type: string; items?: string; orderable: boolean }[] = [
  { id: 'summary', name: 'Summary', type: 'string', orderable: true },
  { id: 'description', name: 'Description', type: 'string', orderable: true },
  { id: 'issuetype', name: 'Issue Type', type: 'issuetype', orderable: true },
  { id: 'project', name: 'Project', type: 'project', orderable: false },
  { id: 'status', name: 'Status', type: 'status', orderable: false },
  { id: 'statusCategory', name: 'Status Category', type: 'statusCategory', orderable: false },
  { id: 'priority', name: 'Priority', type: 'priority', orderable: true },
  { id: 'labels', name: 'Labels', type: 'array', items: 'string', orderable: true },
  { id: 'components', name: 'Components', type: 'array', items: 'component', orderable: true },
  { id: 'assignee', name: 'Assignee', type: 'user', orderable: true },
  { id: 'reporter', name: 'Reporter', type: 'user', orderable: true },
  { id: 'creator', name: 'Creator', type: 'user', orderable: false },
  { id: 'created', name: 'Created', type: 'datetime', orderable: false },
  { id: 'updated', name: 'Updated', type: 'datetime', orderable: false },
  { id: 'resolution', name: 'Resolution', type: 'resolution', orderable: true },
  { id: 'resolutiondate', name: 'Resolved', type: 'datetime', orderable: false },
  { id: 'issuelinks', name: 'Linked Issues', type: 'array', items: 'issuelinks', orderable: true },
  { id: 'comment', name: 'Comment', type: 'comments-page', orderable: true },
];

const CUSTOM_TYPE: Readonly<Record<CustomFieldDef['kind'], { type: string; custom: string }>> = {
  select: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
  string: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
  number: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  sprint: { type: 'array', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
};

function renderCustomField(def: CustomFieldDef): Record<string, unknown> {
  const numericId = Number(def.id.replace('customfield_', ''));
  return {
    id: def.id,
    key: def.id,
    name: def.name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${numericId}]`, def.name],
    schema: def.kind === 'sprint'
      ? { type: 'array', items: 'json', custom: CUSTOM_TYPE.sprint.custom, customId: numericId }
      : { type: CUSTOM_TYPE[def.kind].type, custom: CUSTOM_TYPE[def.kind].custom, customId: numericId },
  };
}

/** Custom field types `POST /rest/api/3/field` may create here, by Jira's type key. */
const CREATABLE: Readonly<Record<string, 'select' | 'string' | 'number'>> = {
  [CUSTOM_TYPE.select.custom]: 'select',
  [CUSTOM_TYPE.string.custom]: 'string',
  [CUSTOM_TYPE.number.custom]: 'number',
};
/** Jira Software's own fields are locked: a site has exactly one of each and nobody can create another. */
const LOCKED_TYPES = new Set(['com.pyxis.greenhopper.jira:gh-sprint', 'com.pyxis.greenhopper.jira:jsw-story-points', 'com.pyxis.greenhopper.jira:gh-epic-link']);

const createFieldSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  description: z.string().optional(),
  searcherKey: z.string().optional(),
});

/** `isLast`/`nextPage` for Jira's PageBean responses. */
function pageBean<T>(self: string, all: readonly T[], startAt: number, maxResults: number): Record<string, unknown> {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  const out: Record<string, unknown> = { self, maxResults, startAt, total: all.length, isLast, values };
  if (!isLast) out['nextPage'] = `${self.split('?')[0] ?? self}?startAt=${startAt + values.length}&maxResults=${maxResults}`;
  return out;
}

export function registerMetaRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state } = deps;

  app.get('/rest/api/3/field', (c) => {
    const system = SYSTEM_FIELDS.map((f) => ({
      id: f.id,
      key: f.id,
      name: f.name,
      custom: false,
      orderable: f.orderable,
      navigable: true,
      searchable: true,
      clauseNames: [f.id],
      schema: f.items === undefined ? { type: f.type, system: f.id } : { type: f.type, items: f.items, system: f.id },
    }));
    const custom = [...state.customFields.values()].map(renderCustomField);
    return c.json([...system, ...custom]);
  });

  app.post('/rest/api/3/field', async (c) => {
    const body = await parseBody(c, createFieldSchema);
    const actor = c.get('actor');
    // Administer Jira (global). The published spec declares 400, not 403, for a caller without it.
    if (!actor.isApp && !state.siteAdmins.has(actor.accountId)) throw badRequest(['Only Jira administrators can create custom fields.']);
    const errors: Record<string, string> = {};
    if (body.name.trim().length === 0) errors['name'] = 'The custom field name must not be empty.';
    else if (body.name.length > 255) errors['name'] = 'The custom field name must be at most 255 characters.';
    const kind = CREATABLE[body.type];
    if (LOCKED_TYPES.has(body.type)) errors['type'] = `The custom field type '${body.type}' is locked and cannot be created.`;
    else if (kind === undefined) errors['type'] = `jira-sim supports the custom field types ${Object.keys(CREATABLE).join(', ')}; got '${body.type}'.`;
    if (Object.keys(errors).length > 0 || kind === undefined) throw new JiraError(400, [], errors);
    let id: string;
    do id = `customfield_${state.nextId('customfield', 10100)}`;
    while (state.customFields.has(id));
    const def: CustomFieldDef =
      kind === 'select'
        ? { kind, id, name: body.name, contextId: state.nextId('fieldcontext'), options: [] }
        : { kind, id, name: body.name };
    state.customFields.set(id, def);
    return c.json(renderCustomField(def), 201);
  });

  const selectField = (fieldId: string): Extract<CustomFieldDef, { kind: 'select' }> => {
    const def = state.customFields.get(fieldId);
    if (!def) throw new JiraError(404, [`The custom field was not found.`]);
    if (def.kind !== 'select') throw new JiraError(400, ['The custom field doesn\'t support options.']);
    return def;
  };

  app.get('/rest/api/3/field/:fieldId/context', (c) => {
    const def = state.customFields.get(c.req.param('fieldId'));
    if (!def) throw new JiraError(404, ['The custom field was not found.']);
    const { startAt, maxResults } = paging(c, 50, 100);
    const contexts = def.kind === 'select'
      ? [{ id: def.contextId, name: `Default Configuration Scheme for ${def.name}`, description: `Default configuration scheme generated by Jira`, isGlobalContext: true, isAnyIssueType: true }]
      : [];
    return c.json(pageBean(`${state.baseUrl}/rest/api/3/field/${def.id}/context`, contexts, startAt, maxResults));
  });

  app.get('/rest/api/3/field/:fieldId/context/:contextId/option', (c) => {
    const def = selectField(c.req.param('fieldId'));
    if (c.req.param('contextId') !== def.contextId) throw new JiraError(404, ['The context was not found.']);
    const { startAt, maxResults } = paging(c, 100, 1000);
    const options = def.options.map((o) => ({ id: o.id, value: o.value, disabled: o.disabled }));
    return c.json(pageBean(`${state.baseUrl}/rest/api/3/field/${def.id}/context/${def.contextId}/option`, options, startAt, maxResults));
  });

  // The pinned spec (operationId searchPriorities, marked deprecated but served): a PageBean of priorities,
  // `maxResults` 50 by default; filters `id`, `projectId` (invalid ids ignored), `priorityName`, `onlyDefault`.
  // The site's default priority is Medium (as on a new Jira site); every project uses the default scheme here.
  app.get('/rest/api/3/priority/search', (c) => {
    const { startAt, maxResults } = paging(c, 50, 50);
    const ids = c.req.queries('id');
    const name = c.req.query('priorityName')?.toLowerCase() ?? '';
    const onlyDefault = c.req.query('onlyDefault') === 'true';
    const priorities = state.priorities
      .filter((p) => !ids || ids.includes(p.id))
      .filter((p) => p.name.toLowerCase().includes(name))
      .filter((p) => !onlyDefault || p.name === DEFAULT_PRIORITY);
    const page = pageBean(`${state.baseUrl}/rest/api/3/priority/search`, priorities, startAt, maxResults);
    return c.json({ ...page, values: (page['values'] as typeof priorities).map((p) => ({ ...renderPriority(state, p), statusColor: p.statusColor, isDefault: p.name === DEFAULT_PRIORITY })) });
  });

  app.get('/rest/api/3/project/search', (c) => {
    const { startAt, maxResults } = paging(c, 50, 100);
    const keys = c.req.queries('keys')?.flatMap((k) => k.split(','));
    const query = c.req.query('query')?.toLowerCase();
    const projects = [...state.projects.values()]
      .filter((p) => !keys || keys.includes(p.key))
      .filter((p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
      .sort((a, b) => a.key.localeCompare(b.key));
    const page = pageBean(`${state.baseUrl}/rest/api/3/project/search`, projects, startAt, maxResults);
    return c.json({ ...page, values: (page['values'] as typeof projects).map((p) => renderProject(state, p)) });
  });

  const requireProject = (idOrKey: string) => {
    const project = state.findProject(idOrKey);
    if (!project) throw new JiraError(404, [`No project could be found with key '${idOrKey}'.`]);
    return project;
  };

  app.get('/rest/api/3/project/:projectIdOrKey', (c) => c.json(renderProject(state, requireProject(c.req.param('projectIdOrKey')))));

  app.get('/rest/api/3/project/:projectIdOrKey/statuses', (c) => {
    const project = requireProject(c.req.param('projectIdOrKey'));
    return c.json(
      project.issueTypes.map((t) => ({
        self: `${state.baseUrl}/rest/api/3/issuetype/${t.id}`,
        id: t.id,
        name: t.name,
        subtask: t.subtask,
        statuses: project.workflow.statuses.map((s) => renderStatus(state, s)),
      })),
    );
  });

  app.get('/rest/api/3/user', (c) => {
    const accountId = c.req.query('accountId');
    if (!accountId) throw badRequest(['The accountId query parameter needs to be provided.']);
    const user = state.users.get(accountId);
    if (!user) throw new JiraError(404, [`Specified user does not exist or you do not have required permissions`]);
    return c.json(renderUser(state, user));
  });

  app.get('/rest/api/3/user/search', (c) => {
    const query = c.req.query('query')?.toLowerCase();
    const accountId = c.req.query('accountId');
    if (query === undefined && accountId === undefined) throw badRequest(['One of the query parameters query or accountId is required.']);
    const { startAt, maxResults } = paging(c, 50, 1000);
    // A hidden email is not searchable either: matching on it would reveal it.
    const users = [...state.users.values()].filter((u) => {
      if (accountId !== undefined && u.accountId !== accountId) return false;
      if (query === undefined) return true;
      const words = u.displayName.toLowerCase().split(/\s+/);
      return u.displayName.toLowerCase().startsWith(query) || words.some((w) => w.startsWith(query)) || (!u.hideEmail && u.emailAddress.toLowerCase().startsWith(query));
    });
    return c.json(users.slice(startAt, startAt + maxResults).map((u) => renderUser(state, u)));
  });

  /**
   * GET /rest/api/3/users/search (operationId getAllUsers): every user, app accounts and inactive users included,
   * paged by startAt/maxResults (default 50, capped at 1000 per the pinned spec), privacy applied (a hidden email
   * is left out, as `emailAddress` is optional in the spec's User).
   */
  app.get('/rest/api/3/users/search', (c) => {
    const { startAt, maxResults } = paging(c, 50, 1000);
    const users = [...state.users.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
    return c.json(users.slice(startAt, startAt + maxResults).map((u) => renderUser(state, u)));
  });

  app.get('/rest/api/3/myself', (c) => {
    const user = state.users.get(c.get('actor').accountId);
    if (!user) throw new JiraError(401, ['You are not authenticated.']);
    // Your own profile always includes your email.
    const out = renderUser(state, user);
    if (user.accountType !== 'app') out['emailAddress'] = user.emailAddress;
    return c.json({ ...out, locale: 'en_US', groups: { size: 0, items: [] }, applicationRoles: { size: 1, items: [] }, expand: 'groups,applicationRoles' });
  });

  const KNOWN_PERMISSIONS: Readonly<Record<string, { name: string; type: 'GLOBAL' | 'PROJECT'; adminOnly: boolean }>> = {
    ADMINISTER_PROJECTS: { name: 'Administer Projects', type: 'PROJECT', adminOnly: true },
    ADMINISTER: { name: 'Administer Jira', type: 'GLOBAL', adminOnly: true },
    BROWSE_PROJECTS: { name: 'Browse Projects', type: 'PROJECT', adminOnly: false },
    CREATE_ISSUES: { name: 'Create Issues', type: 'PROJECT', adminOnly: false },
    EDIT_ISSUES: { name: 'Edit Issues', type: 'PROJECT', adminOnly: false },
    TRANSITION_ISSUES: { name: 'Transition Issues', type: 'PROJECT', adminOnly: false },
    ADD_COMMENTS: { name: 'Add Comments', type: 'PROJECT', adminOnly: false },
    ASSIGN_ISSUES: { name: 'Assign Issues', type: 'PROJECT', adminOnly: false },
    LINK_ISSUES: { name: 'Link Issues', type: 'PROJECT', adminOnly: false },
    // Jira's default permission scheme grants these to the Administrators project role (and apps).
    DELETE_ISSUES: { name: 'Delete Issues', type: 'PROJECT', adminOnly: true },
    MANAGE_SPRINTS_PERMISSION: { name: 'Manage sprints', type: 'PROJECT', adminOnly: true },
  };

  app.get('/rest/api/3/mypermissions', (c) => {
    const wanted = (c.req.query('permissions') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (wanted.length === 0) throw badRequest(['The permissions query parameter must be provided.']);
    const unknown = wanted.filter((p) => !(p in KNOWN_PERMISSIONS));
    if (unknown.length > 0) throw new JiraError(400, [`Invalid permissions: ${unknown.join(', ')}`]);
    const projectKey = c.req.query('projectKey') ?? c.req.query('projectId');
    const project = projectKey === undefined ? undefined : state.findProject(projectKey);
    if (projectKey !== undefined && !project) throw new JiraError(404, [`No project could be found with key '${projectKey}'.`]);
    const issueKey = c.req.query('issueKey') ?? c.req.query('issueId');
    const issue = issueKey === undefined ? undefined : state.findIssue(issueKey);
    if (issueKey !== undefined && !issue) throw new JiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    const scopeKey = project?.key ?? issue?.projectKey;
    const actor = c.get('actor').accountId;
    const permissions: Record<string, unknown> = {};
    wanted.forEach((key, i) => {
      const def = KNOWN_PERMISSIONS[key];
      if (!def) return;
      const admin = scopeKey === undefined ? state.siteAdmins.has(actor) : state.isProjectAdmin(actor, scopeKey);
      permissions[key] = { id: String(i + 1), key, name: def.name, type: def.type, description: def.name, havePermission: def.adminOnly ? admin : true };
    });
    return c.json({ permissions });
  });

  app.get('/rest/api/3/issueLinkType', (c) => c.json({ issueLinkTypes: state.linkTypes.map((t) => renderLinkType(state, t)) }));
}
