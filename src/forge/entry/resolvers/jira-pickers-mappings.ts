/**
 * Options for the Mappings tab's pickers (projects, a project's statuses, custom fields by name, priorities), read from
 * Jira as the signed-in user: a picker offers only what that person can see. Reads only; the saves check
 * permissions and validate what was picked as for typed input.
 */
import { z } from 'zod';
import type { CreateMetaPort } from '../../ports/create-meta';
import { describeJiraFailure, type JiraResult } from '../../ports/jira';
import type { JiraMappingPickersPort } from '../../ports/jira-pickers';
import { loadCreateMetadata } from '../../preflight/create-metadata';
import type { MappingPickerOptions, ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

export interface MappingPickerDeps {
  readonly pickers: JiraMappingPickersPort;
  /** Create metadata as the user: the priorities the incident issue type's create screen accepts. */
  readonly createMeta: CreateMetaPort;
}

const inputSchema = z.object({
  /** Statuses of this project (the scope shown, or the site default's incident project). */
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a Jira project key such as OPS'),
  /** Filters projects by key or name. */
  query: z.string().max(100).default(''),
  /** The incident issue type (name or id): its create screen lists the priorities Jira accepts. */
  issueType: z.string().trim().min(1).max(255).optional(),
});

/**
 * Priority names Jira accepts on the create screen of `issueType` in `projectKey` (its priority scheme), from
 * the create metadata (read:jira-work). Not GET /rest/api/3/priority/search: the pinned spec gives that one the
 * manage:jira-configuration scope (and marks it deprecated), too much for a picker.
 */
async function priorityNames(createMeta: CreateMetaPort, projectKey: string, issueType: string | undefined): Promise<JiraResult<readonly string[]> | { ok: false; missing: string }> {
  if (issueType === undefined) return { ok: true, value: [] };
  const meta = await loadCreateMetadata(createMeta, projectKey, issueType);
  if (!meta.ok) return meta;
  if (!meta.value.issueType) return { ok: false, missing: `${projectKey} has no issue type ${issueType}` };
  const field = meta.value.fields?.find((f) => f.fieldId === 'priority');
  if (!field) return { ok: false, missing: `the ${issueType} create screen of ${projectKey} has no Priority field` };
  return { ok: true, value: (field.allowedValues ?? []).filter((v) => !v.disabled).flatMap((v) => (v.name !== undefined ? [v.name] : [])) };
}

export async function listMappingPickerOptions(input: unknown, deps: MappingPickerDeps): Promise<ResolverResult<MappingPickerOptions>> {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { projectKey, query, issueType } = parsed.data;
  const [projects, statuses, fields, priorities] = await Promise.all([deps.pickers.projects(query), deps.pickers.statuses(projectKey), deps.pickers.customFields(), priorityNames(deps.createMeta, projectKey, issueType)]);
  // A failed part leaves its picker empty (typing still works) and says why; the others are still offered.
  const problems = [
    ...(projects.ok ? [] : [`projects: ${describeJiraFailure(projects.failure)}`]),
    ...(statuses.ok ? [] : [`statuses of ${projectKey}: ${describeJiraFailure(statuses.failure)}`]),
    ...(fields.ok ? [] : [`custom fields: ${describeJiraFailure(fields.failure)}`]),
    ...(priorities.ok ? [] : ['missing' in priorities ? `priorities: ${priorities.missing}` : `priorities of ${projectKey}: ${describeJiraFailure(priorities.failure)}`]),
  ];
  return {
    ok: true,
    value: { projects: projects.ok ? projects.value : [], statuses: statuses.ok ? statuses.value : [], customFields: fields.ok ? fields.value : [], priorities: priorities.ok ? priorities.value : [], problems },
  };
}
