/** Shared by the Connection tab's resolvers: the admin gate. */
import type { JiraUserPort } from '../../ports/jira';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { ResolverResult } from './contract';

/** Connection settings act for the whole site: the caller must administer the page's project (asked as them). */
export async function requireAdmin(caller: CallerContext, userJira: JiraUserPort): Promise<ResolverResult<never> | null> {
  if (!caller.projectKey) return { ok: false, error: { code: 'forbidden', message: 'open the settings from a project you administer' } };
  const denied = await requireProjectAdmin(userJira, caller, []);
  return denied ? { ok: false, error: denied } : null;
}
