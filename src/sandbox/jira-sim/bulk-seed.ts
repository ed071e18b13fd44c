/**
 * Fast bulk seeding for sync tests and benchmarks: tens of thousands of issues written straight into the
 * simulator's state (no HTTP, no events), each with a realistic status history in its changelog.
 */
import type { ChangelogRecord, CustomFieldValue, IssueRecord, SprintValue, StatusRecord } from './model';
import type { SimState } from './state';

export interface BulkIssueOptions {
  readonly projectKey: string;
  readonly count: number;
  /** Creation times are spread evenly over [startMs, startMs + spanMs). */
  readonly startMs: number;
  readonly spanMs: number;
  /** Deterministic randomness, e.g. `mulberry32(seed)`. */
  readonly random: () => number;
  readonly authorId: string;
  readonly assigneeIds?: readonly string[];
  readonly storyPointsField?: string;
  readonly sprintField?: string;
  /** Sprints to spread issues over (each issue gets one, by creation order). */
  readonly sprints?: readonly SprintValue[];
}

export { mulberry32 } from '../shared/seeded-random';

const HOUR = 3_600_000;
const POINTS = [1, 2, 3, 5, 8, 13] as const;

function pickStatus(statuses: readonly StatusRecord[], category: StatusRecord['category']): StatusRecord {
  const found = statuses.find((s) => s.category === category);
  if (!found) throw new Error(`workflow has no ${category} status`);
  return found;
}

/**
 * Adds `count` issues to a seeded project. About 70 % start progress (new → indeterminate) 1–72 h after
 * creation, and about 80 % of those are resolved (→ done) 1–200 h later; every move is a changelog entry.
 * Returns the created records (the same objects the simulator serves).
 */
export function seedBulkIssues(state: SimState, options: BulkIssueOptions): IssueRecord[] {
  const project = state.findProject(options.projectKey);
  if (!project) throw new Error(`unknown project ${options.projectKey}`);
  const statuses = project.workflow.statuses;
  const todo = statuses.find((s) => s.id === project.workflow.initialStatusId) ?? pickStatus(statuses, 'new');
  const doing = pickStatus(statuses, 'indeterminate');
  const done = pickStatus(statuses, 'done');
  const type = project.issueTypes[0];
  if (!type) throw new Error(`project ${options.projectKey} has no issue types`);
  const rnd = options.random;
  const out: IssueRecord[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const created = Math.floor(options.startMs + (i * options.spanMs) / options.count);
    const changelog: ChangelogRecord[] = [];
    let statusId = todo.id;
    let updated = created;
    let resolutionDate: number | null = null;
    const move = (from: StatusRecord, to: StatusRecord, at: number) => {
      changelog.push({
        id: state.nextId('changelog'),
        authorId: options.authorId,
        created: at,
        items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }],
      });
      statusId = to.id;
      updated = at;
    };
    if (rnd() < 0.7) {
      const started = created + Math.floor((1 + rnd() * 71) * HOUR);
      move(todo, doing, started);
      if (rnd() < 0.8) {
        resolutionDate = started + Math.floor((1 + rnd() * 199) * HOUR);
        move(doing, done, resolutionDate);
      }
    }
    const id = state.nextId('issue');
    const key = `${project.key}-${state.nextIssueNumber(project.key)}`;
    const custom = new Map<string, CustomFieldValue>();
    if (options.storyPointsField) custom.set(options.storyPointsField, { kind: 'number', value: POINTS[Math.floor(rnd() * POINTS.length)] ?? 1 });
    const sprints = options.sprints ?? [];
    const sprint = sprints[Math.floor((i * sprints.length) / options.count)];
    if (options.sprintField && sprint) custom.set(options.sprintField, { kind: 'sprint', sprints: [sprint] });
    const assignees = options.assigneeIds ?? [];
    const issue: IssueRecord = {
      id,
      key,
      projectKey: project.key,
      issueTypeId: type.id,
      summary: `${project.key} work item ${i + 1}`,
      description: null,
      statusId,
      statusCategoryChangedAt: updated,
      priorityId: state.priorities[Math.floor(rnd() * state.priorities.length)]?.id ?? null,
      labels: [],
      componentIds: [],
      assigneeId: assignees.length > 0 ? (assignees[i % assignees.length] ?? null) : null,
      reporterId: options.authorId,
      creatorId: options.authorId,
      created,
      updated,
      resolution: resolutionDate === null ? null : 'Done',
      resolutionDate,
      custom,
      properties: new Map(),
      comments: [],
      changelog,
    };
    state.issues.set(id, issue);
    state.issueKeys.set(key, id);
    out.push(issue);
  }
  return out;
}
