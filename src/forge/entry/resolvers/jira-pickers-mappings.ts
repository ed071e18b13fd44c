/**
 * Options for the Mappings tab's pickers (projects, a project's statuses, custom fields by name), read from
 * Jira as the signed-in user: a picker offers only what that person can see. Reads only; the saves check
 * permissions and validate what was picked as for typed input.
 */
import { z } from 'zod';
import { describeJiraFailure } from '../../ports/jira';
import type { JiraMappingPickersPort } from '../../ports/jira-pickers';
import type { MappingPickerOptions, ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

export interface MappingPickerDeps {
  readonly pickers: JiraMappingPickersPort;
}

const inputSchema = z.object({
  /** Statuses of this project (the scope shown, or the site default's incident project). */
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a Jira project key such as OPS'),
  /** Filters projects by key or name. */
  query: z.string().max(100).default(''),
});

export async function listMappingPickerOptions(input: unknown, deps: MappingPickerDeps): Promise<ResolverResult<MappingPickerOptions>> {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { projectKey, query } = parsed.data;
  const [projects, statuses, fields] = await Promise.all([deps.pickers.projects(query), deps.pickers.statuses(projectKey), deps.pickers.customFields()]);
  // A failed part leaves its picker empty (typing still works) and says why; the others are still offered.
  const problems = [
    ...(projects.ok ? [] : [`projects: ${describeJiraFailure(projects.failure)}`]),
    ...(statuses.ok ? [] : [`statuses of ${projectKey}: ${describeJiraFailure(statuses.failure)}`]),
    ...(fields.ok ? [] : [`custom fields: ${describeJiraFailure(fields.failure)}`]),
  ];
  return {
    ok: true,
    value: { projects: projects.ok ? projects.value : [], statuses: statuses.ok ? statuses.value : [], customFields: fields.ok ? fields.value : [], problems },
  };
}
