/**
 * `/_sim/` seeding routes of the Jira simulator (guarded like every `/_sim/` route, see ../shared/sim-controls):
 * users, projects with a named or custom workflow, custom fields with a chosen id, project admins, boards,
 * sprints, and bulk issues with status histories. Issues themselves are created through the ordinary REST API
 * (move the clock with `/_sim/clock` to back-date them).
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { seedBulkIssues } from '../bulk-seed';
import type { RouteDeps, SimEnv } from '../http';
import type { StatusRecord, TransitionRecord, WorkflowRecord } from '../model';
import type { SeedHelpers } from '../seed';
import { mulberry32 } from '../bulk-seed';
import { controlBody, registerSimIndex, SIM_PREFIX, SimControlError } from '../../shared/sim-controls';
import { NAMED_WORKFLOWS } from '../workflows';

const userSchema = z.strictObject({
  accountId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/).optional(),
  displayName: z.string().min(1),
  emailAddress: z.email(),
  hideEmail: z.boolean().optional(),
  timeZone: z.string().optional(),
});

const userPatchSchema = z.strictObject({
  displayName: z.string().min(1).optional(),
  hideEmail: z.boolean().optional(),
  active: z.boolean().optional(),
  timeZone: z.string().min(1).optional(),
});

/** An IANA zone name the runtime knows (Jira profiles hold IANA names). */
function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const workflowSchema = z.strictObject({
  name: z.string().min(1),
  initialStatus: z.string().min(1),
  statuses: z.array(z.strictObject({ name: z.string().min(1), category: z.enum(['new', 'indeterminate', 'done']) })).min(1),
  transitions: z.array(
    z.strictObject({
      name: z.string().min(1),
      /** Status names it starts from; empty or absent = global (from any status). */
      from: z.array(z.string()).optional(),
      to: z.string().min(1),
      resolution: z.string().optional(),
    }),
  ),
});

const projectSchema = z.strictObject({
  key: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'a project key is 2-10 upper-case letters and digits, starting with a letter'),
  name: z.string().min(1),
  leadAccountId: z.string().optional(),
  issueTypes: z.array(z.strictObject({ name: z.string().min(1), description: z.string().optional() })).min(1).optional(),
  components: z.array(z.string().min(1)).optional(),
  workflow: z.union([z.enum(['incident', 'postmortem', 'software']), workflowSchema]),
  /** accountIds that administer the project (Administer Projects, Delete issues, Manage sprints). */
  admins: z.array(z.string()).optional(),
});

const fieldSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id: z.string().regex(/^customfield_\d+$/), name: z.string().min(1), kind: z.literal('select'), options: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ id: z.string().regex(/^customfield_\d+$/), name: z.string().min(1), kind: z.enum(['string', 'number', 'sprint']) }),
]);

const adminSchema = z.strictObject({ accountId: z.string(), projectKey: z.string().optional() });

const boardSchema = z.strictObject({ name: z.string().min(1), projectKey: z.string(), type: z.enum(['scrum', 'kanban']) });

const bulkSchema = z.strictObject({
  projectKey: z.string(),
  count: z.number().int().min(1).max(100_000),
  /** Creation times spread over [start, start + spanDays). */
  start: z.iso.datetime({ offset: true }),
  spanDays: z.number().positive().max(3650),
  seed: z.number().int().optional(),
  authorId: z.string().optional(),
  assigneeIds: z.array(z.string()).optional(),
  storyPointsField: z.string().optional(),
  /** Spread the issues over these sprints (ids of sprints seeded here); needs the site's Sprint field. */
  sprintIds: z.array(z.number().int()).optional(),
});

/** Statuses are site-wide: a name already on the site keeps its id (and must keep its category). */
function customWorkflow(deps: RouteDeps, input: z.infer<typeof workflowSchema>): WorkflowRecord {
  const { state } = deps;
  const existing = new Map(state.allStatuses().map((s) => [s.name.toLowerCase(), s]));
  const statuses: StatusRecord[] = input.statuses.map((s) => {
    const known = existing.get(s.name.toLowerCase());
    if (known && known.category !== s.category) throw new SimControlError(400, `status '${s.name}' exists on the site in category ${known.category}, not ${s.category}`);
    return known ?? { id: state.nextId('status', 30001), name: s.name, category: s.category, description: '' };
  });
  const byName = new Map(statuses.map((s) => [s.name.toLowerCase(), s]));
  const statusId = (name: string): string => {
    const found = byName.get(name.toLowerCase());
    if (!found) throw new SimControlError(400, `workflow '${input.name}' has no status '${name}'`);
    return found.id;
  };
  const transitions: TransitionRecord[] = input.transitions.map((t, i) => ({
    id: String((i + 1) * 10 + 1),
    name: t.name,
    from: (t.from ?? []).map(statusId),
    to: statusId(t.to),
    ...(t.resolution !== undefined ? { resolution: t.resolution } : {}),
  }));
  return { name: input.name, initialStatusId: statusId(input.initialStatus), statuses, transitions };
}

export function registerSimSeedRoutes(app: Hono<SimEnv>, deps: RouteDeps, helpers: { readonly seed: SeedHelpers }): void {
  const { state } = deps;
  const { seed } = helpers;
  const requireUser = (accountId: string) => {
    if (!state.users.has(accountId)) throw new SimControlError(400, `no user ${accountId}`);
  };

  app.get(`${SIM_PREFIX}/workflows`, (c) => c.json({ workflows: Object.entries(NAMED_WORKFLOWS).map(([key, make]) => ({ key, ...make() })) }));

  app.post(`${SIM_PREFIX}/users`, async (c) => {
    const input = await controlBody(c, userSchema);
    if (state.findUserByEmail(input.emailAddress)) throw new SimControlError(409, `a user with email ${input.emailAddress} exists`);
    if (input.accountId !== undefined && state.users.has(input.accountId)) throw new SimControlError(409, `user ${input.accountId} exists`);
    // Without an accountId, the one Basic auth with this email would get (stable per email).
    const user = input.accountId === undefined ? state.userForEmail(input.emailAddress) : seed.addUser({ accountId: input.accountId, displayName: input.displayName, emailAddress: input.emailAddress });
    user.displayName = input.displayName;
    user.hideEmail = input.hideEmail ?? false;
    if (input.timeZone !== undefined) {
      if (!validTimeZone(input.timeZone)) throw new SimControlError(400, `unknown time zone '${input.timeZone}'`);
      user.timeZone = input.timeZone;
    }
    return c.json({ user }, 201);
  });

  /** Changes a person's (or the app user's) profile: e.g. the time zone `/myself` answers, which sets a site's week. */
  app.patch(`${SIM_PREFIX}/users/:accountId`, async (c) => {
    const user = state.users.get(c.req.param('accountId'));
    if (!user) throw new SimControlError(404, `no user ${c.req.param('accountId')}`);
    const input = await controlBody(c, userPatchSchema);
    if (input.timeZone !== undefined && !validTimeZone(input.timeZone)) throw new SimControlError(400, `unknown time zone '${input.timeZone}'`);
    if (input.displayName !== undefined) user.displayName = input.displayName;
    if (input.hideEmail !== undefined) user.hideEmail = input.hideEmail;
    if (input.active !== undefined) user.active = input.active;
    if (input.timeZone !== undefined) user.timeZone = input.timeZone;
    return c.json({ user });
  });

  app.post(`${SIM_PREFIX}/projects`, async (c) => {
    const input = await controlBody(c, projectSchema);
    if (state.findProject(input.key)) throw new SimControlError(409, `project ${input.key} exists`);
    const lead = input.leadAccountId ?? [...state.siteAdmins][0];
    if (lead === undefined) throw new SimControlError(400, 'leadAccountId is required on a site without administrators');
    requireUser(lead);
    for (const admin of input.admins ?? []) requireUser(admin);
    const workflow = typeof input.workflow === 'string' ? NAMED_WORKFLOWS[input.workflow]() : customWorkflow(deps, input.workflow);
    const project = seed.addProject({
      key: input.key,
      name: input.name,
      leadAccountId: lead,
      issueTypes: input.issueTypes ?? [{ name: 'Task', description: 'A small, distinct piece of work.' }],
      ...(input.components ? { components: input.components } : {}),
      workflow,
    });
    for (const admin of input.admins ?? []) seed.grantProjectAdmin(admin, project.key);
    return c.json({ project: { id: project.id, key: project.key, name: project.name, issueTypes: project.issueTypes, workflow: project.workflow } }, 201);
  });

  app.post(`${SIM_PREFIX}/fields`, async (c) => {
    const input = await controlBody(c, fieldSchema);
    if (state.customFields.has(input.id)) throw new SimControlError(409, `field ${input.id} exists`);
    if (input.kind === 'sprint' && state.sprintFieldId() !== undefined) throw new SimControlError(409, `the site already has a Sprint field (${state.sprintFieldId() ?? ''})`);
    const field =
      input.kind === 'select'
        ? seed.addSelectField(input.id, input.name, input.options)
        : input.kind === 'string'
          ? seed.addTextField(input.id, input.name)
          : input.kind === 'number'
            ? seed.addNumberField(input.id, input.name)
            : seed.addSprintField(input.id, input.name);
    return c.json({ field }, 201);
  });

  app.post(`${SIM_PREFIX}/project-admins`, async (c) => {
    const input = await controlBody(c, adminSchema);
    requireUser(input.accountId);
    if (input.projectKey !== undefined && !state.findProject(input.projectKey)) throw new SimControlError(400, `no project ${input.projectKey}`);
    seed.grantProjectAdmin(input.accountId, input.projectKey);
    return c.body(null, 204);
  });

  app.delete(`${SIM_PREFIX}/project-admins`, async (c) => {
    const input = await controlBody(c, adminSchema);
    seed.revokeProjectAdmin(input.accountId, input.projectKey);
    return c.body(null, 204);
  });

  app.post(`${SIM_PREFIX}/boards`, async (c) => {
    const input = await controlBody(c, boardSchema);
    const project = state.findProject(input.projectKey);
    if (!project) throw new SimControlError(400, `no project ${input.projectKey}`);
    return c.json({ board: seed.addBoard({ name: input.name, projectKey: project.key, type: input.type }) }, 201);
  });

  app.post(`${SIM_PREFIX}/issues/bulk`, async (c) => {
    const input = await controlBody(c, bulkSchema);
    if (!state.findProject(input.projectKey)) throw new SimControlError(400, `no project ${input.projectKey}`);
    const authorId = input.authorId ?? [...state.siteAdmins][0];
    if (authorId === undefined) throw new SimControlError(400, 'authorId is required on a site without administrators');
    requireUser(authorId);
    const sprintField = state.sprintFieldId();
    const sprints = (input.sprintIds ?? []).map((id) => {
      const sprint = state.sprints.get(id);
      if (!sprint) throw new SimControlError(400, `no sprint ${id}`);
      return { id: sprint.id, name: sprint.name, state: sprint.state, boardId: sprint.originBoardId };
    });
    if (sprints.length > 0 && sprintField === undefined) throw new SimControlError(400, 'the site has no Sprint field');
    if (input.storyPointsField !== undefined && state.customFields.get(input.storyPointsField)?.kind !== 'number') {
      throw new SimControlError(400, `${input.storyPointsField} is not a number field`);
    }
    const issues = seedBulkIssues(state, {
      projectKey: input.projectKey,
      count: input.count,
      startMs: Date.parse(input.start),
      spanMs: input.spanDays * 86_400_000,
      random: mulberry32(input.seed ?? 1),
      authorId,
      ...(input.assigneeIds ? { assigneeIds: input.assigneeIds } : {}),
      ...(input.storyPointsField !== undefined ? { storyPointsField: input.storyPointsField } : {}),
      ...(sprints.length > 0 && sprintField !== undefined ? { sprintField, sprints } : {}),
    });
    const first = issues[0];
    const last = issues.at(-1);
    return c.json({ created: issues.length, firstKey: first?.key ?? null, lastKey: last?.key ?? null }, 201);
  });

  registerSimIndex(app, 'jira-sim', [
    'GET /_sim/workflows', 'POST /_sim/users', 'PATCH /_sim/users/{accountId}', 'POST /_sim/projects', 'POST /_sim/fields',
    'POST /_sim/project-admins', 'DELETE /_sim/project-admins', 'POST /_sim/boards', 'POST /_sim/issues/bulk',
  ]);
}
