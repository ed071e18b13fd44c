/**
 * The rule editor's pickers (issue 16): projects, the project's issue types, the chosen issue type's fields
 * (by name → id, with allowed options), priorities, components and workflow statuses, all read from Jira AS
 * THE SIGNED-IN USER, so an admin is offered what they may see and what Jira accepts on create. Reads only.
 */
import { z } from 'zod';
import type { CreateMetaField, CreateMetaIssueType } from '../../domain/preflight';
import type { CreateMetaPort } from '../../ports/create-meta';
import type { JiraPickerPort, PickerProject } from '../../ports/jira-pickers';
import { describeJiraFailure, type JiraFailure, type JiraStatus } from '../../ports/jira';
import { loadCreateMetadata } from '../../preflight/create-metadata';
import type { ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

export interface RulePickerDeps {
  readonly pickers?: JiraPickerPort;
  readonly createMeta?: CreateMetaPort;
}

export interface PickerProjects {
  readonly projects: readonly PickerProject[];
  /** How many projects match in all; more than `projects.length` means "type to narrow". */
  readonly total: number;
}

/** What Jira accepts for issues of one project (and issue type, once chosen). */
export interface RuleTargetOptions {
  readonly projectKey: string;
  /** Issue types the user may create in the project (sub-tasks left out: a rule creates top-level issues). */
  readonly issueTypes: readonly CreateMetaIssueType[];
  /** The issue type asked for, resolved by name or id; null when not asked or the project has none such. */
  readonly issueType: CreateMetaIssueType | null;
  /** The create screen's fields of that issue type (empty until one is chosen). */
  readonly fields: readonly CreateMetaField[];
  /** Names Jira accepts for `priority` and `components` on that create screen (null: the field is not on it). */
  readonly priorities: readonly string[] | null;
  readonly components: readonly string[] | null;
  /** The statuses of that issue type's workflow (every status of the project when none is chosen). */
  readonly statuses: readonly JiraStatus[];
}

const projectsInput = z.object({ query: z.string().max(255).optional() }).strict();
const targetInput = z
  .object({
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,254}$/, 'a Jira project key such as OPS'),
    issueType: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

/** The project/search page size (the spec's maximum is 100; the picker narrows by typing beyond it). */
export const PICKER_PROJECTS = 50;

const jiraError = <T>(failure: JiraFailure): ResolverResult<T> => ({ ok: false, error: { code: failure.kind === 'not-found' ? 'not-found' : 'jira-error', message: describeJiraFailure(failure) } });
const unavailable = <T>(): ResolverResult<T> => ({ ok: false, error: { code: 'jira-error', message: 'Jira is not reachable as the signed-in user here' } });

/** `listJiraProjects`: 1 Jira call. */
export async function listJiraProjects(input: unknown, deps: RulePickerDeps): Promise<ResolverResult<PickerProjects>> {
  const parsed = projectsInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  if (!deps.pickers) return unavailable();
  const result = await deps.pickers.searchProjects(parsed.data.query?.trim() ?? '', PICKER_PROJECTS);
  return result.ok ? { ok: true, value: result.value } : jiraError(result.failure);
}

const namesOf = (field: CreateMetaField | undefined): string[] | null =>
  field ? (field.allowedValues ?? []).filter((v) => !v.disabled).flatMap((v) => (v.name !== undefined ? [v.name] : [])) : null;

/** `getRuleTargetOptions`: 2 Jira calls (issue types, statuses), 3 once an issue type is chosen (its fields). */
export async function getRuleTargetOptions(input: unknown, deps: RulePickerDeps): Promise<ResolverResult<RuleTargetOptions>> {
  const parsed = targetInput.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { pickers, createMeta } = deps;
  if (!pickers || !createMeta) return unavailable();
  const { projectKey, issueType } = parsed.data;
  const [meta, statuses] = await Promise.all([
    issueType ? loadCreateMetadata(createMeta, projectKey, issueType) : createMeta.issueTypes(projectKey).then((r) => (r.ok ? { ok: true as const, value: { projectKey, issueTypes: r.value, issueType: null, fields: null } } : r)),
    pickers.projectStatuses(projectKey),
  ]);
  if (!meta.ok) return jiraError(meta.failure);
  if (!statuses.ok) return jiraError(statuses.failure);
  const chosen = meta.value.issueType;
  const fields = meta.value.fields ?? [];
  const byType = chosen ? statuses.value.find((t) => t.issueTypeId === chosen.id) : undefined;
  const all = byType ? byType.statuses : [...new Map(statuses.value.flatMap((t) => t.statuses).map((s) => [s.id, s])).values()];
  return {
    ok: true,
    value: {
      projectKey,
      issueTypes: meta.value.issueTypes.filter((t) => !t.subtask),
      issueType: chosen,
      fields,
      priorities: chosen ? namesOf(fields.find((f) => f.fieldId === 'priority')) : null,
      components: chosen ? namesOf(fields.find((f) => f.fieldId === 'components')) : null,
      statuses: all,
    },
  };
}
