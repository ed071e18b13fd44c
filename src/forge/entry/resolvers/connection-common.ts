/** Shared by the Connection tab's resolvers: the admin gate and input problems. */
import type { z } from 'zod';
import { describeZodError } from '../../../shared/zod-error';
import type { JiraUserPort } from '../../ports/jira';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { InputProblem, ResolverResult } from './contract';

export function invalidInput<T>(problems: readonly InputProblem[], message = 'the input is not valid; nothing was changed'): ResolverResult<T> {
  return { ok: false, error: { code: 'invalid-input', message, problems } };
}

export const problemsOf = (error: z.ZodError): InputProblem[] => describeZodError(error, 20);

/** Connection settings act for the whole site: the caller must administer the page's project (asked as them). */
export async function requireAdmin(caller: CallerContext, userJira: JiraUserPort): Promise<ResolverResult<never> | null> {
  if (!caller.projectKey) return { ok: false, error: { code: 'forbidden', message: 'open the settings from a project you administer' } };
  const denied = await requireProjectAdmin(userJira, caller, []);
  return denied ? { ok: false, error: denied } : null;
}
