/**
 * Projects & metrics resolvers. Reads are open to anyone who can open the settings page; writes (track,
 * untrack, sync now, settings) need ADMINISTER_PROJECTS in the affected project, asked as the user.
 */
import { z } from 'zod';
import { clampInterval, type ProjectMetrics } from '../../domain/projects';
import { describeJiraFailure, type JiraUserPort } from '../../ports/jira';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { JiraProjectsPort } from '../../ports/jira-projects';
import { listProjects, projectMetrics, syncNow, trackProject, untrackProject, type ProjectRow } from '../../projects/project-admin';
import { ProjectKeys, getProject, getSettings, type ProjectSyncSettings } from '../../projects/project-store';
import { userMatches, type UserMatchList } from '../../projects/user-directory';
import type { JiraUserSearchPort } from '../../ports/jira-projects';
import { requireProjectAdmin, requireSettingsAdmin, type CallerContext } from './admin-check';
import type { ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

export interface ProjectResolverDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraProjectsPort;
  readonly userJira: JiraUserPort;
  readonly queue: JobQueue;
  readonly userSearch: JiraUserSearchPort;
  readonly now: () => number;
}

const projectRefSchema = z.object({ projectId: z.string().regex(/^\d+$/), projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/), name: z.string().max(255).optional() });
const syncSchema = z.object({ projectId: z.string().regex(/^\d+$/), mode: z.enum(['incremental', 'full']).optional() });
const settingsSchema = z.object({ intervalHours: z.number().int().min(1).max(24), storyPointsField: z.string().regex(/^customfield_\d+$/).nullable().optional() });

export async function listProjectsResolver(deps: ProjectResolverDeps): Promise<ResolverResult<ProjectRow[]>> {
  const rows = await listProjects(deps.jira, deps.store);
  return rows.ok ? { ok: true, value: rows.value } : { ok: false, error: { code: 'jira-error', message: describeJiraFailure(rows.failure) } };
}

export async function trackProjectResolver(input: unknown, caller: CallerContext, deps: ProjectResolverDeps): Promise<ResolverResult<{ projectId: string }>> {
  const parsed = projectRefSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireProjectAdmin(deps.userJira, caller, [parsed.data.projectKey]);
  if (denied) return { ok: false, error: denied };
  await trackProject(deps.store, deps.queue, { id: parsed.data.projectId, key: parsed.data.projectKey, name: parsed.data.name ?? parsed.data.projectKey });
  return { ok: true, value: { projectId: parsed.data.projectId } };
}

export async function untrackProjectResolver(input: unknown, caller: CallerContext, deps: ProjectResolverDeps): Promise<ResolverResult<{ deletedIssues: number }>> {
  const parsed = projectRefSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireProjectAdmin(deps.userJira, caller, [parsed.data.projectKey]);
  if (denied) return { ok: false, error: denied };
  return { ok: true, value: { deletedIssues: await untrackProject(deps.store, parsed.data.projectId) } };
}

export async function syncProjectNowResolver(input: unknown, caller: CallerContext, deps: ProjectResolverDeps): Promise<ResolverResult<{ queued: boolean }>> {
  const parsed = syncSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const project = await getProject(deps.store, parsed.data.projectId);
  if (!project) return { ok: false, error: { code: 'not-found', message: 'that project is not tracked' } };
  const denied = await requireProjectAdmin(deps.userJira, caller, [project.key]);
  if (denied) return { ok: false, error: denied };
  return { ok: true, value: { queued: await syncNow(deps.store, deps.queue, project.projectId, parsed.data.mode) } };
}

export async function projectMetricsResolver(input: unknown, deps: ProjectResolverDeps): Promise<ResolverResult<ProjectMetrics>> {
  const parsed = z.object({ projectId: z.string().regex(/^\d+$/) }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  if (!(await getProject(deps.store, parsed.data.projectId))) return { ok: false, error: { code: 'not-found', message: 'that project is not tracked' } };
  return { ok: true, value: await projectMetrics(deps.store, parsed.data.projectId, deps.now()) };
}

export async function getProjectSyncSettings(deps: ProjectResolverDeps): Promise<ResolverResult<ProjectSyncSettings>> {
  return { ok: true, value: await getSettings(deps.store) };
}

/** Site-wide settings: the caller must administer the project whose settings page they are on. */
export async function saveProjectSyncSettings(input: unknown, caller: CallerContext, deps: ProjectResolverDeps): Promise<ResolverResult<ProjectSyncSettings>> {
  const parsed = settingsSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const settings: ProjectSyncSettings = { intervalHours: clampInterval(parsed.data.intervalHours), storyPointsField: parsed.data.storyPointsField ?? undefined };
  await deps.store.set(ProjectKeys.settings, settings);
  // The story points field is part of the cached site facts: drop them so the next sync rediscovers.
  await deps.store.delete(ProjectKeys.site);
  return { ok: true, value: settings };
}

/** Impact people ⇄ Jira accounts; reads the KVS cache unless `refresh` (which searches Jira as the app). */
export async function listUserMatchesResolver(input: unknown, deps: ProjectResolverDeps): Promise<ResolverResult<UserMatchList>> {
  const parsed = z.object({ refresh: z.boolean().optional() }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  return { ok: true, value: await userMatches(deps.store, deps.userSearch, deps.now(), parsed.data.refresh ?? false) };
}
