/**
 * KVS layout of the project sync (see README "Project sync storage"). Issue records are keyed by project
 * and issue id, so an upsert is one batched write and a project's issues are one prefix scan.
 */
import type { SiteFields, StatusCategoryKey, SyncedIssue, TrackedProject } from '../domain/projects';
import type { KeyValueStore } from '../ports/key-value-store';
import { KVS_QUERY_LIMIT } from '../constants';

export { KVS_QUERY_LIMIT };

export const ProjectKeys = {
  projectPrefix: 'pj:project:',
  project: (projectId: string) => `pj:project:${projectId}`,
  issuePrefix: (projectId: string) => `pj:issue:${projectId}:`,
  issue: (projectId: string, issueId: string) => `pj:issue:${projectId}:${issueId}`,
  /** Issue ids one page of a running full sync saw (projects/deleted-issues.ts). */
  seenPrefix: (projectId: string) => `pj:seen:${projectId}:`,
  seen: (projectId: string, page: number) => `pj:seen:${projectId}:${String(page).padStart(6, '0')}`,
  site: 'pj:site',
  statuses: (projectId: string) => `pj:statuses:${projectId}`,
  settings: 'pj:settings',
  schedule: 'pj:schedule',
} as const;

export interface SiteCache {
  readonly timeZone: string;
  readonly fields: SiteFields;
  readonly fetchedAtMs: number;
}

export interface StatusCache {
  readonly categories: Readonly<Record<string, StatusCategoryKey>>;
  readonly fetchedAtMs: number;
}

export interface ProjectSyncSettings {
  /** 1..24: how often the scheduled trigger syncs every tracked project. */
  readonly intervalHours: number;
  /** Admin override of the discovered story points field id. */
  readonly storyPointsField: string | undefined;
}

export interface ScheduleMarker {
  readonly lastQueuedMs: number;
  readonly projectsQueued: number;
}

export const getProject = (store: KeyValueStore, projectId: string) => store.get<TrackedProject>(ProjectKeys.project(projectId));
export const saveProject = (store: KeyValueStore, project: TrackedProject) => store.set(ProjectKeys.project(project.projectId), project);

export async function listTrackedProjects(store: KeyValueStore): Promise<TrackedProject[]> {
  const out: TrackedProject[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listByPrefix<TrackedProject>(ProjectKeys.projectPrefix, { limit: KVS_QUERY_LIMIT, cursor });
    out.push(...page.results.map((r) => r.value));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Every synced issue of a project, page by page (KVS queries return at most 20). */
export async function* projectIssues(store: KeyValueStore, projectId: string): AsyncGenerator<SyncedIssue> {
  let cursor: string | undefined;
  do {
    const page = await store.listByPrefix<SyncedIssue>(ProjectKeys.issuePrefix(projectId), { limit: KVS_QUERY_LIMIT, cursor });
    for (const r of page.results) yield r.value;
    cursor = page.nextCursor;
  } while (cursor);
}

export async function getSettings(store: KeyValueStore): Promise<ProjectSyncSettings> {
  const saved = await store.get<ProjectSyncSettings>(ProjectKeys.settings);
  return { intervalHours: saved?.intervalHours ?? 24, storyPointsField: saved?.storyPointsField };
}
