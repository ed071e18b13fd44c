/**
 * Jira Software's agile REST API (`/rest/agile/1.0`), the part a sprint-aware sync needs: boards of a project
 * (and their estimation field), a board's sprints by state, a sprint, creating and starting/closing sprints, and
 * moving issues into a sprint (which writes the Sprint field and its changelog, as Jira does). Response shapes
 * follow the pinned `jira-software.openapi.json`; errors are Jira's `{ errorMessages, errors }`.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { JiraError, badRequest } from '../errors';
import { listQuery, paging, parseBody, type RouteDeps, type SimEnv } from '../http';
import { moveToSprint } from '../issue-ops';
import type { BoardRecord, SprintRecord } from '../model';
import { renderIssue } from '../render';

const AGILE = '/rest/agile/1.0';

const sprintCreateSchema = z.strictObject({
  name: z.string(),
  originBoardId: z.number().int(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  goal: z.string().optional(),
});

const sprintUpdateSchema = z.strictObject({
  name: z.string().optional(),
  goal: z.string().optional(),
  state: z.enum(['future', 'active', 'closed']).optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  completeDate: z.string().optional(),
  id: z.number().int().optional(),
  self: z.string().optional(),
  originBoardId: z.number().int().optional(),
  createdDate: z.string().optional(),
});

const moveIssuesSchema = z.strictObject({
  issues: z.array(z.string()),
  rankBeforeIssue: z.string().optional(),
  rankAfterIssue: z.string().optional(),
  rankCustomFieldId: z.number().int().optional(),
});

/** Agile ids are integers in the path; anything else is a 400, as Jira answers. */
function intParam(c: Context<SimEnv>, name: string): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d+$/.test(raw)) throw badRequest([`The ${name} '${raw}' is not a valid number.`]);
  return Number(raw);
}

function date(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new JiraError(400, [], { [field]: `'${value}' is not a valid date.` });
  return ms;
}

export function registerAgileRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state } = deps;

  const boardNotFound = () => new JiraError(404, ['Board does not exist or you do not have permission to see it.']);
  const sprintNotFound = () => new JiraError(404, ['Sprint does not exist or you do not have permission to see it.']);

  const requireBoard = (id: number): BoardRecord => {
    const board = state.boards.get(id);
    if (!board) throw boardNotFound();
    return board;
  };
  const requireSprint = (id: number): SprintRecord => {
    const sprint = state.sprints.get(id);
    if (!sprint) throw sprintNotFound();
    return sprint;
  };
  /** Manage sprints: the board's project administrators (Jira's default scheme) and apps. */
  const requireManageSprints = (c: Context<SimEnv>, board: BoardRecord): void => {
    const actor = c.get('actor');
    if (!actor.isApp && !state.isProjectAdmin(actor.accountId, board.projectKey)) {
      throw new JiraError(403, ['You do not have permission to manage sprints on this board.']);
    }
  };

  const renderBoard = (board: BoardRecord) => {
    const project = state.findProject(board.projectKey);
    return {
      id: board.id,
      self: `${state.baseUrl}${AGILE}/board/${board.id}`,
      name: board.name,
      type: board.type,
      location: project
        ? { projectId: Number(project.id), displayName: `${project.name} (${project.key})`, projectName: project.name, projectKey: project.key, projectTypeKey: 'software', name: `${project.name} (${project.key})` }
        : {},
      isPrivate: false,
    };
  };

  const renderSprint = (sprint: SprintRecord) => ({
    id: sprint.id,
    self: `${state.baseUrl}${AGILE}/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
    ...(sprint.startDate !== null ? { startDate: new Date(sprint.startDate).toISOString() } : {}),
    ...(sprint.endDate !== null ? { endDate: new Date(sprint.endDate).toISOString() } : {}),
    ...(sprint.completeDate !== null ? { completeDate: new Date(sprint.completeDate).toISOString() } : {}),
    createdDate: new Date(sprint.createdDate).toISOString(),
    originBoardId: sprint.originBoardId,
    goal: sprint.goal,
  });

  const pageOf = <T>(all: readonly T[], startAt: number, maxResults: number) => {
    const values = all.slice(startAt, startAt + maxResults);
    return { maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, values };
  };

  app.get(`${AGILE}/board`, (c) => {
    const { startAt, maxResults } = paging(c, 50, 50);
    const projectRef = c.req.query('projectKeyOrId');
    const project = projectRef === undefined ? undefined : state.findProject(projectRef);
    if (projectRef !== undefined && !project) throw badRequest([`No project could be found with key or id '${projectRef}'.`]);
    const types = listQuery(c, 'type');
    const name = c.req.query('name')?.toLowerCase();
    const boards = [...state.boards.values()]
      .filter((b) => !project || b.projectKey === project.key)
      .filter((b) => !types || types.includes(b.type))
      .filter((b) => name === undefined || b.name.toLowerCase().includes(name))
      .sort((a, b) => a.id - b.id);
    const page = pageOf(boards, startAt, maxResults);
    return c.json({ ...page, values: page.values.map(renderBoard) });
  });

  app.get(`${AGILE}/board/:boardId`, (c) => c.json(renderBoard(requireBoard(intParam(c, 'boardId')))));

  app.get(`${AGILE}/board/:boardId/configuration`, (c) => {
    const board = requireBoard(intParam(c, 'boardId'));
    const project = state.findProject(board.projectKey);
    const statuses = project?.workflow.statuses ?? [];
    const column = (name: string, category: 'new' | 'indeterminate' | 'done') => ({
      name,
      statuses: statuses.filter((s) => s.category === category).map((s) => ({ id: s.id, self: `${state.baseUrl}/rest/api/3/status/${s.id}` })),
    });
    // The estimation statistic of a scrum board is the story points field when the site has one.
    const points = [...state.customFields.values()].find((f) => f.kind === 'number' && /^story points?( estimate)?$/i.test(f.name));
    return c.json({
      id: board.id,
      name: board.name,
      self: `${state.baseUrl}${AGILE}/board/${board.id}/configuration`,
      type: board.type,
      location: { type: 'project', projectKeyOrId: board.projectKey },
      filter: { id: String(10000 + board.id), self: `${state.baseUrl}/rest/api/3/filter/${10000 + board.id}` },
      columnConfig: { columns: [column('To Do', 'new'), column('In Progress', 'indeterminate'), column('Done', 'done')], constraintType: 'none' },
      ...(board.type === 'scrum' && points ? { estimation: { type: 'field', field: { fieldId: points.id, displayName: points.name } } } : {}),
      ranking: { rankCustomFieldId: 10019 },
    });
  });

  app.get(`${AGILE}/board/:boardId/sprint`, (c) => {
    const board = requireBoard(intParam(c, 'boardId'));
    if (board.type !== 'scrum') throw badRequest(['The board does not support sprints']);
    const { startAt, maxResults } = paging(c, 50, 50);
    const wanted = listQuery(c, 'state');
    const bad = (wanted ?? []).filter((s) => !['future', 'active', 'closed'].includes(s));
    if (bad.length > 0) throw badRequest([`Invalid sprint state: ${bad.join(', ')}`]);
    const sprints = [...state.sprints.values()].filter((s) => s.originBoardId === board.id && (!wanted || wanted.includes(s.state))).sort((a, b) => a.id - b.id);
    const page = pageOf(sprints, startAt, maxResults);
    return c.json({ ...page, values: page.values.map(renderSprint) });
  });

  app.post(`${AGILE}/sprint`, async (c) => {
    const body = await parseBody(c, sprintCreateSchema);
    const board = state.boards.get(body.originBoardId);
    if (!board) throw boardNotFound();
    if (board.type !== 'scrum') throw badRequest(['The board does not support sprints']);
    requireManageSprints(c, board);
    if (body.name.trim().length === 0) throw new JiraError(400, [], { name: 'The sprint name must not be empty.' });
    if (body.name.length > 30) throw new JiraError(400, [], { name: 'The sprint name must not be longer than 30 characters.' });
    const sprint: SprintRecord = {
      id: Number(state.nextId('sprint', 1)),
      name: body.name,
      state: 'future',
      originBoardId: board.id,
      goal: body.goal ?? '',
      startDate: date(body.startDate, 'startDate') ?? null,
      endDate: date(body.endDate, 'endDate') ?? null,
      completeDate: null,
      createdDate: deps.now(),
    };
    state.sprints.set(sprint.id, sprint);
    return c.json(renderSprint(sprint), 201);
  });

  app.get(`${AGILE}/sprint/:sprintId`, (c) => c.json(renderSprint(requireSprint(intParam(c, 'sprintId')))));

  /** Partial update: rename, goal, dates, and the state moves future → active → closed. */
  app.post(`${AGILE}/sprint/:sprintId`, async (c) => {
    const sprint = requireSprint(intParam(c, 'sprintId'));
    const board = requireBoard(sprint.originBoardId);
    requireManageSprints(c, board);
    const body = await parseBody(c, sprintUpdateSchema);
    const startDate = date(body.startDate, 'startDate') ?? sprint.startDate;
    const endDate = date(body.endDate, 'endDate') ?? sprint.endDate;
    if (body.state !== undefined && body.state !== sprint.state) {
      const move = `${sprint.state}->${body.state}`;
      if (move === 'future->active') {
        if (startDate === null || endDate === null) throw badRequest(['A sprint needs a start date and an end date to be started.']);
        const active = [...state.sprints.values()].find((s) => s.originBoardId === board.id && s.state === 'active');
        if (active) throw badRequest([`Sprint '${active.name}' is already active on this board.`]);
      } else if (move !== 'active->closed') {
        throw badRequest([`A sprint cannot move from ${sprint.state} to ${body.state}.`]);
      }
    }
    if (body.name !== undefined) sprint.name = body.name;
    if (body.goal !== undefined) sprint.goal = body.goal;
    sprint.startDate = startDate;
    sprint.endDate = endDate;
    if (body.state === 'closed' && sprint.state === 'active') sprint.completeDate = date(body.completeDate, 'completeDate') ?? deps.now();
    if (body.state !== undefined) sprint.state = body.state;
    return c.json(renderSprint(sprint));
  });

  app.post(`${AGILE}/sprint/:sprintId/issue`, async (c) => {
    const sprint = requireSprint(intParam(c, 'sprintId'));
    const body = await parseBody(c, moveIssuesSchema);
    if (body.issues.length > 50) throw badRequest(['At most 50 issues can be moved in one request.']);
    if (sprint.state === 'closed') throw badRequest(['Issues cannot be moved to a closed sprint.']);
    const fieldId = state.sprintFieldId();
    if (fieldId === undefined) throw badRequest(['The Sprint field is not available on this site.']);
    const issues = body.issues.map((ref) => {
      const issue = state.findIssue(ref);
      if (!issue) throw new JiraError(404, [`Issue '${ref}' does not exist or you do not have permission to see it.`]);
      return issue;
    });
    for (const issue of issues) moveToSprint(deps, c.get('actor'), issue, fieldId, sprint);
    return c.body(null, 204);
  });

  app.get(`${AGILE}/sprint/:sprintId/issue`, (c) => {
    const sprint = requireSprint(intParam(c, 'sprintId'));
    const { startAt, maxResults } = paging(c, 50, 100);
    const fieldId = state.sprintFieldId();
    const inSprint = [...state.issues.values()]
      .filter((issue) => {
        const value = fieldId === undefined ? undefined : issue.custom.get(fieldId);
        return value?.kind === 'sprint' && value.sprints.some((s) => s.id === sprint.id);
      })
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = inSprint.slice(startAt, startAt + maxResults);
    return c.json({
      expand: 'schema,names',
      startAt,
      maxResults,
      total: inSprint.length,
      issues: page.map((issue) => renderIssue(state, issue, { fields: listQuery(c, 'fields'), defaultFields: '*all', changelogLimit: 100, expand: c.req.query('expand') })),
    });
  });
}
