/**
 * One invocation of a tracked project's sync: read pages from the saved cursor, upsert the issues, save
 * the cursor after every page, and hand the rest to a new queue job before Forge's time limit. A killed
 * invocation therefore loses at most the page it was on, which the next one reads again (idempotently).
 */
import {
  BRIDGE_PROPERTY_KEY,
  DEFAULT_LOOKBACK_MS,
  afterPage,
  beginSync,
  buildSyncJql,
  decideFailure,
  discoverSiteFields,
  failSync,
  mapIssue,
  restartFromHighWater,
  searchFields,
  withFullStatusHistory,
  type IssueSyncError,
  type MappedIssue,
  type StatusCategoryKey,
  type SyncCall,
  type SyncedIssue,
  type TrackedProject,
} from '../domain/projects';
import type { ProjectSyncJob } from '../jobs';
import type { Clock } from '../ports/clock';
import type { JobQueue } from '../ports/job-queue';
import type { JiraFailure, JiraResult } from '../ports/jira';
import { describeJiraFailure } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import type { JiraProjectsPort } from '../ports/jira-projects';
import { ProjectKeys, getProject, getSettings, saveProject, type SiteCache, type StatusCache } from './project-store';
import { fetchStatusHistories } from './status-history-fetch';
import { clearSeenIssues, recordSeenIssues, sweepUnseenIssues } from './deleted-issues';

export interface ProjectSyncOptions {
  /** Stop reading and requeue after this long (Forge consumer timeout is 300 s here). */
  readonly budgetMs: number;
  /** Also stop after this many pages (tests use it to force several invocations). */
  readonly maxPagesPerInvocation: number;
  /** Jira caps /search/jql pages at 100 issues when fields are requested. */
  readonly pageSize: number;
  readonly lookbackMs: number;
  /** Site facts (time zone, field ids, status categories) are re-read after this long. */
  readonly siteCacheMs: number;
  /** The queue's own retry cap; past it, a 429 is waited out with a fresh delayed job. */
  readonly maxQueueRetries: number;
}

export const DEFAULT_PROJECT_SYNC_OPTIONS: ProjectSyncOptions = {
  budgetMs: 200_000,
  maxPagesPerInvocation: 1_000,
  pageSize: 100,
  lookbackMs: DEFAULT_LOOKBACK_MS,
  siteCacheMs: 24 * 3_600_000,
  maxQueueRetries: 4,
};

export interface ProjectSyncDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraProjectsPort;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: Partial<ProjectSyncOptions>;
}

export interface ProjectSyncOutcome {
  readonly status: 'complete' | 'continued' | 'retry' | 'stopped' | 'untracked' | 'not-tracked';
  readonly pages: number;
  readonly issues: number;
  readonly retry?: { readonly afterSeconds: number; readonly rateLimited: boolean };
}

export const projectConcurrencyKey = (projectId: string) => `pj-${projectId}`;

export function syncJob(projectId: string, mode: ProjectSyncJob['mode'] = 'incremental'): ProjectSyncJob {
  return { kind: 'project-sync', projectId, mode };
}

type Step<T> = { ok: true; value: T } | { ok: false; failure: JiraFailure };

async function siteFacts(deps: ProjectSyncDeps, options: ProjectSyncOptions, project: TrackedProject, refresh: boolean): Promise<Step<{ site: SiteCache; statuses: ReadonlyMap<string, StatusCategoryKey> }>> {
  const now = deps.clock.now();
  const fresh = (at: number | undefined) => !refresh && at !== undefined && now - at < options.siteCacheMs;
  let site = await deps.store.get<SiteCache>(ProjectKeys.site);
  if (!site || !fresh(site.fetchedAtMs)) {
    const [tz, fields] = [await deps.jira.myTimeZone(), await deps.jira.listFields()];
    if (!tz.ok) return tz;
    if (!fields.ok) return fields;
    const settings = await getSettings(deps.store);
    site = { timeZone: tz.value, fields: discoverSiteFields(fields.value, { storyPoints: settings.storyPointsField }), fetchedAtMs: now };
    await deps.store.set(ProjectKeys.site, site);
  }
  let statuses = await deps.store.get<StatusCache>(ProjectKeys.statuses(project.projectId));
  if (!statuses || !fresh(statuses.fetchedAtMs)) {
    const result = await deps.jira.projectStatusCategories(project.key);
    if (!result.ok) return result;
    statuses = { categories: Object.fromEntries(result.value), fetchedAtMs: now };
    await deps.store.set(ProjectKeys.statuses(project.projectId), statuses);
  }
  return { ok: true, value: { site, statuses: new Map(Object.entries(statuses.categories)) } };
}

/** Upserts mapped issues; answers how many were new. Unchanged issues are not rewritten. */
async function upsert(store: KeyValueStore, projectId: string, issues: readonly SyncedIssue[]): Promise<number> {
  if (issues.length === 0) return 0;
  const keys = issues.map((i) => ProjectKeys.issue(projectId, i.id));
  const existing = await store.getMany<SyncedIssue>(keys);
  const changed = issues.filter((i) => {
    const old = existing.get(ProjectKeys.issue(projectId, i.id));
    return !old || JSON.stringify(old) !== JSON.stringify(i);
  });
  await store.setMany(changed.map((i) => ({ key: ProjectKeys.issue(projectId, i.id), value: i })));
  return issues.filter((i) => !existing.has(ProjectKeys.issue(projectId, i.id))).length;
}

export async function runProjectSync(job: ProjectSyncJob, retryCount: number, deps: ProjectSyncDeps): Promise<ProjectSyncOutcome> {
  const options = { ...DEFAULT_PROJECT_SYNC_OPTIONS, ...deps.options };
  const started = deps.clock.now();
  let project = await getProject(deps.store, job.projectId);
  if (!project) return { status: 'not-tracked', pages: 0, issues: 0 };
  let pages = 0;
  let issues = 0;

  const onFailure = async (failure: JiraFailure, call: SyncCall = 'search'): Promise<ProjectSyncOutcome> => {
    const current = project as TrackedProject;
    const action = decideFailure(failure, retryCount, current.cursor?.nextPageToken !== undefined, call);
    switch (action.kind) {
      case 'retry':
        await saveProject(deps.store, { ...current, lastError: describeJiraFailure(failure) });
        if (retryCount < options.maxQueueRetries) return { status: 'retry', pages, issues, retry: { afterSeconds: action.afterSeconds, rateLimited: action.rateLimited } };
        // Past the queue's retry cap: a fresh job (retry count 0) waits it out, so a long storm is survived.
        await deps.queue.push([{ body: { ...job, mode: 'incremental' }, concurrencyKey: projectConcurrencyKey(job.projectId), delayInSeconds: Math.min(900, action.afterSeconds) }]);
        return { status: 'continued', pages, issues };
      case 'stop':
        await saveProject(deps.store, failSync(current, action.message, deps.clock.now()));
        deps.logger.warn('project sync stopped', { project: current.key, reason: action.message });
        return { status: 'stopped', pages, issues };
      case 'untrack':
        await deps.store.delete(ProjectKeys.project(current.projectId));
        deps.logger.warn('project untracked', { project: current.key, reason: action.message });
        return { status: 'untracked', pages, issues };
      case 'restart-query':
        return { status: 'retry', pages, issues, retry: { afterSeconds: 1, rateLimited: false } };
      default:
        return assertNever(action);
    }
  };

  // Site facts change rarely; saving settings drops the cache (see saveSyncSettings), so no refresh here.
  const facts = await siteFacts(deps, options, project, false);
  if (!facts.ok) return onFailure(facts.failure);
  const { site, statuses } = facts.value;
  const jqlFor = (p: TrackedProject, sinceMs: number | undefined, lookbackMs: number) => buildSyncJql({ projectKey: p.key, sinceMs, lookbackMs, timeZone: site.timeZone });

  if (project.status !== 'syncing' || !project.cursor) {
    const full = job.mode === 'full';
    // A full run sweeps the records of issues it does not see (deleted, or moved to another project).
    if (full) await clearSeenIssues(deps.store, project.projectId);
    project = beginSync(project, deps.clock.now(), jqlFor(project, full ? undefined : project.lastSyncStartMs, options.lookbackMs), full);
    await saveProject(deps.store, project);
  }
  let sweepAtEnd = false;

  for (;;) {
    const cursor = project.cursor;
    if (!cursor) break;
    if (pages >= options.maxPagesPerInvocation || deps.clock.now() - started >= options.budgetMs) {
      await deps.queue.push([{ body: { ...job, mode: 'incremental' }, concurrencyKey: projectConcurrencyKey(job.projectId) }]);
      deps.logger.info('project sync continues in a new invocation', { project: project.key, pages: cursor.pages, issues: cursor.issuesSeen });
      return { status: 'continued', pages, issues };
    }
    const result: JiraResult<Awaited<ReturnType<JiraProjectsPort['searchIssues']>> extends JiraResult<infer P> ? P : never> = await deps.jira.searchIssues({
      jql: cursor.jql,
      nextPageToken: cursor.nextPageToken,
      maxResults: options.pageSize,
      fields: searchFields(site.fields),
      expand: 'changelog',
      properties: [BRIDGE_PROPERTY_KEY],
    });
    if (!result.ok) {
      const action = decideFailure(result.failure, retryCount, cursor.nextPageToken !== undefined);
      if (action.kind === 'restart-query') {
        // Page token expired: continue from the newest issue already stored (sorted by updated ASC).
        project = restartFromHighWater(project, cursor.highWaterMs === undefined ? cursor.jql : jqlFor(project, cursor.highWaterMs, 60_000));
        await saveProject(deps.store, project);
        continue;
      }
      return onFailure(result.failure);
    }
    let mapped: readonly MappedIssue[] = result.value.issues.map((raw) => mapIssue(raw, site.fields, statuses));
    // Issues whose embedded changelog Jira cut: their status history comes from the bulk changelog. If that
    // fails, nothing of the page is saved, so the page is read again like after a failed search.
    const cut = mapped.flatMap((m) => (m.ok && m.needsFullHistory ? [m.issue.id] : []));
    if (cut.length > 0) {
      const histories = await fetchStatusHistories(deps.jira, cut, statuses);
      if (!histories.ok) return onFailure(histories.failure, 'changelog');
      mapped = mapped.map((m) => (m.ok && m.needsFullHistory ? withFullStatusHistory(m, statuses, histories.value.get(m.issue.id) ?? []) : m));
    }
    if (cursor.sweep) {
      sweepAtEnd = true;
      // Issues that failed to map exist too: only issues Jira no longer returns are swept.
      await recordSeenIssues(deps.store, project.projectId, cursor.pages, mapped.map((m) => (m.ok ? m.issue.id : m.issueId)));
    }
    const good = mapped.flatMap((m) => (m.ok ? [m.issue] : []));
    const now = deps.clock.now();
    const errors: IssueSyncError[] = mapped.flatMap((m) => (m.ok ? [] : [{ issueId: m.issueId, issueKey: m.issueKey, error: m.error, atMs: now }]));
    for (const e of errors) deps.logger.warn('issue skipped by project sync', { project: project.key, issue: e.issueKey, error: e.error });
    const newIssues = await upsert(deps.store, project.projectId, good);
    const highWaterMs = good.reduce<number | undefined>((max, i) => (max === undefined || i.updatedMs > max ? i.updatedMs : max), undefined);
    project = afterPage(project, { nextPageToken: result.value.nextPageToken, isLast: result.value.isLast, issuesSeen: result.value.issues.length, newIssues, highWaterMs, errors }, now);
    await saveProject(deps.store, project);
    pages += 1;
    issues += result.value.issues.length;
  }
  if (sweepAtEnd) {
    const sweep = await sweepUnseenIssues(deps.store, project.projectId);
    project = { ...project, issueCount: sweep.kept };
    await saveProject(deps.store, project);
    deps.logger.info('full sync swept deleted issues', { project: project.key, removed: sweep.removed, kept: sweep.kept, storageCalls: sweep.storageCalls });
  }
  deps.logger.info('project sync complete', { project: project.key, pages: project.lastRun?.pages, issues: project.lastRun?.issuesSeen, errors: project.lastRun?.issueErrors });
  return { status: 'complete', pages, issues };
}

function assertNever(x: never): never {
  throw new Error(`unexpected action ${JSON.stringify(x)}`);
}
