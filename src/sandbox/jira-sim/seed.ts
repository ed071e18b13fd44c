/** Seed helpers, and the sandbox site the local stack runs against. */
import type { BoardRecord, CustomFieldDef, IssueLinkTypeRecord, IssueTypeRecord, PriorityRecord, ProjectRecord, SprintRecord, UserRecord, WorkflowRecord } from './model';
import type { SimState } from './state';
import { incidentWorkflow, postmortemWorkflow, softwareWorkflow } from './workflows';

export interface UserSeed {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress: string;
  readonly hideEmail?: boolean;
  readonly accountType?: 'atlassian' | 'app';
}

export interface ProjectSeed {
  readonly key: string;
  readonly name: string;
  readonly leadAccountId: string;
  readonly issueTypes: readonly { readonly name: string; readonly description?: string }[];
  readonly components?: readonly string[];
  readonly workflow: WorkflowRecord;
}

export interface SeedHelpers {
  addUser(seed: UserSeed): UserRecord;
  addProject(seed: ProjectSeed): ProjectRecord;
  addPriority(name: string, statusColor?: string): PriorityRecord;
  addSelectField(id: string, name: string, values: readonly string[]): CustomFieldDef;
  addTextField(id: string, name: string): CustomFieldDef;
  /** A number field, e.g. Story Points (`customfield_10016`). */
  addNumberField(id: string, name: string): CustomFieldDef;
  /** Jira Software's Sprint field. */
  addSprintField(id: string, name?: string): CustomFieldDef;
  addLinkType(name: string, inward: string, outward: string): IssueLinkTypeRecord;
  /** A Jira Software board of one project. */
  addBoard(input: { readonly name: string; readonly projectKey: string; readonly type: BoardRecord['type'] }): BoardRecord;
  /** A future sprint on a scrum board (start it with `POST /rest/agile/1.0/sprint/{id}`). */
  addSprint(input: { readonly boardId: number; readonly name: string; readonly goal?: string; readonly createdDate: number }): SprintRecord;
  /** ADMINISTER_PROJECTS for one project, or for every project when projectKey is omitted. */
  grantProjectAdmin(accountId: string, projectKey?: string): void;
  revokeProjectAdmin(accountId: string, projectKey?: string): void;
  /** Makes a field required on the create screen of one project + issue type (create metadata, POST /issue). */
  requireField(projectKey: string, issueTypeName: string, fieldId: string): void;
}

export function createSeedHelpers(state: SimState): SeedHelpers {
  const issueTypeIds = new Map<string, string>();
  return {
    addUser(seed) {
      const user: UserRecord = {
        accountId: seed.accountId,
        displayName: seed.displayName,
        emailAddress: seed.emailAddress,
        hideEmail: seed.hideEmail ?? false,
        accountType: seed.accountType ?? 'atlassian',
        active: true,
        timeZone: 'Etc/UTC',
      };
      state.users.set(user.accountId, user);
      return user;
    },
    addProject(seed) {
      // Issue types are site-wide in Jira: the same name keeps the same id across projects.
      for (const existing of state.projects.values()) for (const t of existing.issueTypes) if (!issueTypeIds.has(t.name)) issueTypeIds.set(t.name, t.id);
      const issueTypes: IssueTypeRecord[] = seed.issueTypes.map((t) => {
        const id = issueTypeIds.get(t.name) ?? state.nextId('issuetype', 10001);
        issueTypeIds.set(t.name, id);
        return { id, name: t.name, description: t.description ?? '', subtask: false };
      });
      const project: ProjectRecord = {
        id: state.nextId('project'),
        key: seed.key,
        name: seed.name,
        leadAccountId: seed.leadAccountId,
        issueTypes,
        components: (seed.components ?? []).map((name) => ({ id: state.nextId('component'), name })),
        workflow: seed.workflow,
      };
      state.projects.set(project.key, project);
      return project;
    },
    addPriority(name, statusColor = '#cccccc') {
      const priority: PriorityRecord = { id: state.nextId('priority', 1), name, statusColor };
      state.priorities.push(priority);
      return priority;
    },
    addSelectField(id, name, values) {
      const def: CustomFieldDef = {
        kind: 'select',
        id,
        name,
        contextId: state.nextId('fieldcontext'),
        options: values.map((value) => ({ id: state.nextId('option'), value, disabled: false })),
      };
      state.customFields.set(id, def);
      return def;
    },
    addTextField(id, name) {
      const def: CustomFieldDef = { kind: 'string', id, name };
      state.customFields.set(id, def);
      return def;
    },
    addNumberField(id, name) {
      const def: CustomFieldDef = { kind: 'number', id, name };
      state.customFields.set(id, def);
      return def;
    },
    addSprintField(id, name = 'Sprint') {
      const def: CustomFieldDef = { kind: 'sprint', id, name };
      state.customFields.set(id, def);
      return def;
    },
    addLinkType(name, inward, outward) {
      const type: IssueLinkTypeRecord = { id: state.nextId('linktype'), name, inward, outward };
      state.linkTypes.push(type);
      return type;
    },
    addBoard(input) {
      if (!state.findProject(input.projectKey)) throw new Error(`unknown project ${input.projectKey}`);
      const board: BoardRecord = { id: Number(state.nextId('board', 1)), name: input.name, type: input.type, projectKey: input.projectKey };
      state.boards.set(board.id, board);
      return board;
    },
    addSprint(input) {
      const board = state.boards.get(input.boardId);
      if (board?.type !== 'scrum') throw new Error(`board ${input.boardId} is not a scrum board`);
      const sprint: SprintRecord = {
        id: Number(state.nextId('sprint', 1)),
        name: input.name,
        state: 'future',
        originBoardId: board.id,
        goal: input.goal ?? '',
        startDate: null,
        endDate: null,
        completeDate: null,
        createdDate: input.createdDate,
      };
      state.sprints.set(sprint.id, sprint);
      return sprint;
    },
    grantProjectAdmin(accountId, projectKey) {
      if (projectKey === undefined) state.siteAdmins.add(accountId);
      else state.projectAdmins.set(projectKey, new Set([...(state.projectAdmins.get(projectKey) ?? []), accountId]));
    },
    revokeProjectAdmin(accountId, projectKey) {
      if (projectKey === undefined) state.siteAdmins.delete(accountId);
      else state.projectAdmins.get(projectKey)?.delete(accountId);
    },
    requireField(projectKey, issueTypeName, fieldId) {
      const project = state.findProject(projectKey);
      const type = project?.issueTypes.find((t) => t.name === issueTypeName);
      if (!project || !type) throw new Error(`requireField: no issue type ${issueTypeName} in ${projectKey}`);
      state.requiredFields.add(project.key, type.id, fieldId);
    },
  };
}

/** The people of the sandbox site. Carol hides her email address (profile visibility "only me"). */
export const SANDBOX_USERS = {
  alice: { accountId: '5b10a2844c20165700ede21a', displayName: 'Alice Admin', emailAddress: 'alice@example.com' },
  bob: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Bob Commander', emailAddress: 'bob@example.com' },
  carol: { accountId: '5d53f3cbc6b9320d9ea5bdc2', displayName: 'Carol Private', emailAddress: 'carol@example.com', hideEmail: true },
  dave: { accountId: '60e5a86ab7c1a0006a3f9b12', displayName: 'Dave Reporter', emailAddress: 'dave@example.com' },
} as const;

export const SANDBOX_PRIORITY_IMPACT_FIELD = 'customfield_11064';

export interface SeedTarget {
  readonly seed: SeedHelpers;
  readonly state: SimState;
}

/**
 * OPS ("Operations", incident workflow, Incident/Task/Bug, "Priority (Impact)" 1..5), PM ("Post-mortems",
 * Post-mortem issues), Jira's five default priorities and four default link types, the humans above and
 * the app user. Alice administers every project; Bob administers OPS.
 */
export function seedSandboxSite(sim: SeedTarget): void {
  const { seed, state } = sim;
  for (const user of Object.values(SANDBOX_USERS)) seed.addUser(user);
  seed.addUser({ accountId: state.appAccountId, displayName: 'Incident Bridge', emailAddress: `${state.appAccountId}@connect.atlassian.com`, accountType: 'app' });

  for (const [name, color] of [['Highest', '#d04437'], ['High', '#f15C75'], ['Medium', '#f79232'], ['Low', '#707070'], ['Lowest', '#999999']] as const) {
    seed.addPriority(name, color);
  }
  seed.addSelectField(SANDBOX_PRIORITY_IMPACT_FIELD, 'Priority (Impact)', ['1', '2', '3', '4', '5']);

  seed.addLinkType('Blocks', 'is blocked by', 'blocks');
  seed.addLinkType('Cloners', 'is cloned by', 'clones');
  seed.addLinkType('Duplicate', 'is duplicated by', 'duplicates');
  seed.addLinkType('Relates', 'relates to', 'relates to');

  seed.addProject({
    key: 'OPS',
    name: 'Operations',
    leadAccountId: SANDBOX_USERS.alice.accountId,
    issueTypes: [
      { name: 'Incident', description: 'A production incident.' },
      { name: 'Task', description: 'A small, distinct piece of work.' },
      { name: 'Bug', description: 'A problem or error.' },
    ],
    components: ['API', 'Payments', 'Search'],
    workflow: incidentWorkflow(),
  });
  seed.addProject({
    key: 'PM',
    name: 'Post-mortems',
    leadAccountId: SANDBOX_USERS.alice.accountId,
    issueTypes: [{ name: 'Post-mortem', description: 'What happened, why, and what we change.' }],
    workflow: postmortemWorkflow(),
  });

  seed.grantProjectAdmin(SANDBOX_USERS.alice.accountId);
  seed.grantProjectAdmin(SANDBOX_USERS.bob.accountId, 'OPS');
}

/**
 * Story points on this site live in a field whose id is NOT one of the usual ones (customfield_10016, 10004,
 * 10034), as on many real sites, so the app must discover it by name and schema rather than assume an id.
 */
export const SANDBOX_STORY_POINTS_FIELD = 'customfield_10428';
/** Jira Software's Sprint field (Cloud's usual id). */
export const SANDBOX_SPRINT_FIELD = 'customfield_10020';

/**
 * The Jira Software part of the sandbox site (what `npm start` runs, next to `seedSandboxSite`): project DEV with
 * the software workflow (done statuses Done, Won't Do and Duplicate), a "Story Points" number field with a
 * non-default id, the Sprint field, scrum board 1 "DEV board" and its first sprint (future). Bob administers DEV.
 */
export function seedSoftwareProject(sim: SeedTarget & { readonly now: () => number }): { readonly board: BoardRecord; readonly sprint: SprintRecord } {
  const { seed } = sim;
  seed.addNumberField(SANDBOX_STORY_POINTS_FIELD, 'Story Points');
  seed.addSprintField(SANDBOX_SPRINT_FIELD);
  seed.addProject({
    key: 'DEV',
    name: 'Development',
    leadAccountId: SANDBOX_USERS.alice.accountId,
    issueTypes: [
      { name: 'Story', description: 'Functionality or a feature expressed as a user goal.' },
      { name: 'Task', description: 'A small, distinct piece of work.' },
      { name: 'Bug', description: 'A problem or error.' },
    ],
    workflow: softwareWorkflow(),
  });
  seed.grantProjectAdmin(SANDBOX_USERS.bob.accountId, 'DEV');
  const board = seed.addBoard({ name: 'DEV board', projectKey: 'DEV', type: 'scrum' });
  const sprint = seed.addSprint({ boardId: board.id, name: 'DEV Sprint 1', createdDate: sim.now() });
  return { board, sprint };
}
