/** Listing, tracking and metrics of projects: what the resolvers call. */
import { computeMetrics, isKnownTimeZone, newTrackedProject, type ProjectMetrics, type TrackedProject } from '../domain/projects';
import type { JobQueue } from '../ports/job-queue';
import type { JiraResult } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { JiraProjectsPort, ProjectSummary } from '../ports/jira-projects';
import { KVS_QUERY_LIMIT, ProjectKeys, getProject, listTrackedProjects, projectIssues, saveProject, type SiteCache } from './project-store';
import { projectConcurrencyKey, syncJob } from './sync-runner';
import { clearSeenIssues } from './deleted-issues';

export interface ProjectRow extends ProjectSummary {
  readonly tracked: boolean;
  readonly status: TrackedProject['status'] | undefined;
  readonly lastSyncEndMs: number | undefined;
  readonly lastError: string | undefined;
  readonly issueCount: number;
}

const PAGE = 50;
/** Enough for every real site we expect; the list stops here rather than running an invocation out. */
const MAX_PROJECT_PAGES = 40;

/** Every project the app can see (paginated project search), merged with what is tracked. */
export async function listProjects(jira: JiraProjectsPort, store: KeyValueStore): Promise<JiraResult<ProjectRow[]>> {
  const tracked = new Map((await listTrackedProjects(store)).map((p) => [p.projectId, p]));
  const rows: ProjectRow[] = [];
  for (let page = 0; page < MAX_PROJECT_PAGES; page += 1) {
    const result = await jira.searchProjects(page * PAGE, PAGE);
    if (!result.ok) return result;
    for (const p of result.value.values) {
      const t = tracked.get(p.id);
      rows.push({ ...p, tracked: t !== undefined, status: t?.status, lastSyncEndMs: t?.lastSyncEndMs, lastError: t?.lastError, issueCount: t?.issueCount ?? 0 });
    }
    if (result.value.isLast || result.value.values.length === 0) break;
  }
  return { ok: true, value: rows };
}

/** Tracks a project and queues its first (full) sync; tracking an already tracked project only re-queues. */
export async function trackProject(store: KeyValueStore, queue: JobQueue, project: ProjectSummary): Promise<TrackedProject> {
  const existing = await getProject(store, project.id);
  const record = existing ?? newTrackedProject({ projectId: project.id, key: project.key, name: project.name });
  if (!existing) await saveProject(store, record);
  await queue.push([{ body: syncJob(project.id, existing ? 'incremental' : 'full'), concurrencyKey: projectConcurrencyKey(project.id) }]);
  return record;
}

/** Untracks a project and deletes its synced issues. */
export async function untrackProject(store: KeyValueStore, projectId: string): Promise<number> {
  await store.delete(ProjectKeys.project(projectId));
  let deleted = 0;
  for (;;) {
    const page = await store.listByPrefix(ProjectKeys.issuePrefix(projectId), { limit: KVS_QUERY_LIMIT });
    if (page.results.length === 0) break;
    for (const r of page.results) await store.delete(r.key);
    deleted += page.results.length;
  }
  // A full sync's seen lists, if one was under way.
  await clearSeenIssues(store, projectId);
  return deleted;
}

export async function syncNow(store: KeyValueStore, queue: JobQueue, projectId: string, mode: 'incremental' | 'full' = 'incremental'): Promise<boolean> {
  if (!(await getProject(store, projectId))) return false;
  await queue.push([{ body: syncJob(projectId, mode), concurrencyKey: projectConcurrencyKey(projectId) }]);
  return true;
}

/**
 * Weeks are the site's: the time zone the sync read from `/myself` (UTC until a sync has run); the weekly series
 * runs up to `nowMs`'s week.
 */
export async function projectMetrics(store: KeyValueStore, projectId: string, nowMs?: number): Promise<ProjectMetrics> {
  const all = [];
  for await (const issue of projectIssues(store, projectId)) all.push(issue);
  const site = await store.get<SiteCache>(ProjectKeys.site);
  const timeZone = site && isKnownTimeZone(site.timeZone) ? site.timeZone : 'UTC';
  return computeMetrics(all, { timeZone, nowMs });
}
