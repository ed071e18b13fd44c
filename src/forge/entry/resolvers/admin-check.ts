import type { JiraSitePermissionPort, JiraUserPort } from '../../ports/jira';
import type { ResolverError, ResolverResult } from './contract';

/** Who is calling a resolver: the signed-in user and, on a project settings page, that project. */
export interface CallerContext {
  readonly accountId: string | undefined;
  readonly projectKey: string | undefined;
}

/** Reads accountId and extension.project.key from Forge's resolver context, whatever else it holds. */
export function callerOf(context: unknown): CallerContext {
  const c = (typeof context === 'object' && context !== null ? context : {}) as { accountId?: unknown; extension?: { project?: { key?: unknown } } };
  return {
    accountId: typeof c.accountId === 'string' && c.accountId !== '' ? c.accountId : undefined,
    projectKey: typeof c.extension?.project?.key === 'string' ? c.extension.project.key : undefined,
  };
}

/**
 * Write resolvers change what the app does in these projects: the caller must administer every one of them
 * (Jira's ADMINISTER_PROJECTS, asked as the user). Answers the error to return, or null when allowed.
 */
export async function requireProjectAdmin(jira: JiraUserPort, caller: CallerContext, projectKeys: Iterable<string>): Promise<ResolverError | null> {
  if (!caller.accountId) return { code: 'forbidden', message: 'sign in to change alert rules' };
  const keys = new Set(projectKeys);
  if (caller.projectKey) keys.add(caller.projectKey);
  for (const key of [...keys].sort()) {
    const result = await jira.canAdministerProject(key);
    if (!result.ok) {
      if (result.failure.kind === 'not-found') return { code: 'forbidden', message: `project ${key} does not exist or you cannot see it` };
      return { code: 'jira-error', message: `could not check your permissions in ${key}: ${result.failure.kind}` };
    }
    if (!result.value) return { code: 'forbidden', message: `you need the Administer Projects permission in ${key}` };
  }
  return null;
}

/**
 * Settings-page writes act for the whole site: the caller must open the page from a project and administer it,
 * plus every project in `extraProjectKeys` (the ones the change touches). Answers the result to return, or null.
 */
export async function requireSettingsAdmin(jira: JiraUserPort, caller: CallerContext, extraProjectKeys: Iterable<string> = []): Promise<ResolverResult<never> | null> {
  if (!caller.projectKey) return { ok: false, error: { code: 'forbidden', message: 'open the settings from a project you administer' } };
  const denied = await requireProjectAdmin(jira, caller, extraProjectKeys);
  return denied ? { ok: false, error: denied } : null;
}

/** What the page may change, asked once when it opens, so a read-only form says why before anyone types. */
export interface ViewerAccess {
  readonly canAdminister: boolean;
  /** Why not, in the words a refused write would use; null when the caller may change things. */
  readonly reason: string | null;
}

/**
 * The same check the writes make (Administer Projects in the settings page's project, or in the issue's
 * project on the issue panel). Each write still checks for itself: this only lets the page show read-only
 * forms up front instead of refusing at Save.
 */
export async function viewerAccess(jira: JiraUserPort, caller: CallerContext, issueKey: string | undefined): Promise<ViewerAccess> {
  if (issueKey) {
    const denied = await requireProjectAdmin(jira, { ...caller, projectKey: undefined }, [issueKey.split('-')[0] ?? '']);
    return denied ? { canAdminister: false, reason: denied.message } : { canAdminister: true, reason: null };
  }
  const refused = await requireSettingsAdmin(jira, caller);
  return refused && !refused.ok ? { canAdminister: false, reason: refused.error.message } : { canAdminister: true, reason: null };
}

/**
 * Site-wide incident settings (the site default, the on/off switch, the category mapping) act in every
 * project: they need Jira's global ADMINISTER ("Administer Jira"), asked as the user.
 */
export async function requireSiteAdmin(jira: JiraSitePermissionPort, caller: CallerContext, what: string): Promise<ResolverResult<never> | null> {
  if (!caller.accountId) return { ok: false, error: { code: 'forbidden', message: `sign in to ${what}` } };
  const result = await jira.canAdministerJira();
  if (!result.ok) return { ok: false, error: { code: 'jira-error', message: `could not check your permissions: ${result.failure.kind}` } };
  return result.value ? null : { ok: false, error: { code: 'forbidden', message: `you need the Administer Jira permission to ${what}` } };
}
