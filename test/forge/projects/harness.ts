/**
 * Drives the real consumer (handleQueueEvent → project-sync) against the Jira simulator in-process:
 * the real REST adapter talks to `sim.app.request`, the KVS is an in-memory implementation of the port,
 * and a tiny queue runs jobs, retries them as Forge does (retryCount + retryAfter) and honours delays
 * by advancing ONE fake clock shared with the simulator (so its rate-limit windows move too).
 */
import { createJiraSimulator, seedSandboxSite, seedBulkIssues, mulberry32, SANDBOX_USERS, type JiraSimulator, type IssueRecord, type SprintValue } from '../../../src/sandbox/jira-sim';
import { postmortemWorkflow } from '../../../src/sandbox/jira-sim/workflows';
import { handleQueueEvent } from '../../../src/forge/entry/consumer/process-queue-event';
import { createJiraProjectsRestPort } from '../../../src/forge/adapters/jira-projects-rest';
import type { ProjectSyncOptions } from '../../../src/forge/projects/sync-runner';
import type { JobQueue, JobToPush } from '../../../src/forge/ports/job-queue';
import { InMemoryStore } from '../../support/in-memory-store';
import type { Logger } from '../../../src/forge/ports/logger';
import type { JiraPort } from '../../../src/forge/ports/jira';

export const DAY = 86_400_000;
export const NOW0 = Date.UTC(2026, 10, 23, 9, 0, 0);
export const STORY_POINTS = 'customfield_10016';
export const SPRINT = 'customfield_10020';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const noJira = {} as JiraPort;

export interface QueuedJob {
  readonly body: JobToPush['body'];
  readonly dueMs: number;
  readonly retryCount: number;
}

export interface SyncWorld {
  readonly sim: JiraSimulator;
  readonly store: InMemoryStore;
  readonly clock: { now: () => number; advance: (ms: number) => void };
  readonly queue: JobQueue & { jobs: QueuedJob[] };
  invocations: number;
  thrown: number;
  /** Runs queued jobs (advancing the clock to each due time) until none is left. */
  drain(maxInvocations?: number): Promise<void>;
  searchCalls(projectKey?: string): number;
  /** Successful bulk changelog calls (the status history of issues whose embedded changelog was cut). */
  changelogCalls(): number;
  /** Every Jira call, whatever its outcome. */
  jiraCalls(): number;
}

export interface Seeded {
  readonly projects: { key: string; id: string; issues: IssueRecord[] }[];
}

export function sprintsFor(project: string, base: number): SprintValue[] {
  return Array.from({ length: 10 }, (_, i) => ({ id: base + i, name: `${project} Sprint ${i + 1}`, state: i < 9 ? 'closed' : 'active', boardId: base }));
}

export function createWorld(options: { perProject: number; rateLimits?: boolean; sync?: Partial<ProjectSyncOptions> }): SyncWorld & Seeded {
  let t = NOW0;
  const clock = { now: () => t, advance: (ms: number) => { t += ms; } };
  const sim = createJiraSimulator({
    now: clock.now,
    rateLimits: options.rateLimits ? { burstPerSecond: { GET: 100, POST: 1, PUT: 50, DELETE: 50 } } : false,
  });
  seedSandboxSite(sim);
  sim.seed.addProject({ key: 'DEV', name: 'Development', leadAccountId: SANDBOX_USERS.alice.accountId, issueTypes: [{ name: 'Story' }], workflow: postmortemWorkflow() });
  sim.seed.addNumberField(STORY_POINTS, 'Story point estimate');
  sim.seed.addSprintField(SPRINT);
  const projects = ['OPS', 'PM', 'DEV'].map((key, n) => {
    const issues = seedBulkIssues(sim.state, {
      projectKey: key,
      count: options.perProject,
      startMs: NOW0 - 400 * DAY,
      spanMs: 300 * DAY,
      random: mulberry32(42 + n),
      authorId: SANDBOX_USERS.dave.accountId,
      assigneeIds: [SANDBOX_USERS.alice.accountId, SANDBOX_USERS.bob.accountId],
      storyPointsField: STORY_POINTS,
      sprintField: SPRINT,
      sprints: sprintsFor(key, 100 * (n + 1)),
    });
    return { key, id: sim.state.findProject(key)!.id, issues };
  });

  const store = new InMemoryStore(clock.now);
  const jobs: QueuedJob[] = [];
  const queue: JobQueue & { jobs: QueuedJob[] } = {
    jobs,
    async push(pushed) {
      for (const j of pushed) jobs.push({ body: j.body, dueMs: clock.now() + (j.delayInSeconds ?? 0) * 1000, retryCount: 0 });
    },
  };
  const jira = createJiraProjectsRestPort(clock, () => ({
    requestJira: async (path, init) => sim.app.request(path.value, { ...init, headers: { ...init.headers, 'x-forge-sim-actor': 'app' } }),
  }));
  const world: SyncWorld & Seeded = {
    sim,
    store,
    clock,
    queue,
    projects,
    invocations: 0,
    thrown: 0,
    async drain(maxInvocations = 10_000) {
      while (jobs.length > 0) {
        if (world.invocations >= maxInvocations) throw new Error('too many invocations');
        jobs.sort((a, b) => a.dueMs - b.dueMs);
        const job = jobs.shift()!;
        if (job.dueMs > clock.now()) clock.advance(job.dueMs - clock.now());
        world.invocations += 1;
        try {
          const result = await handleQueueEvent(
            { body: job.body, retryContext: job.retryCount > 0 ? { retryCount: job.retryCount } : undefined },
            { store, clock, logger: quiet, jira: noJira, projects: { store, clock, logger: quiet, jira, queue, options: options.sync } },
          );
          if (result.retry) jobs.push({ body: job.body, dueMs: clock.now() + result.retry.retryAfterSeconds * 1000, retryCount: job.retryCount + 1 });
        } catch {
          // Forge retries a thrown invocation after a back-off (10 s · 2^n).
          world.thrown += 1;
          jobs.push({ body: job.body, dueMs: clock.now() + 10_000 * 2 ** job.retryCount, retryCount: job.retryCount + 1 });
        }
      }
    },
    searchCalls: () => sim.callLog.count((e) => e.route === '/rest/api/3/search/jql' && e.status === 200),
    changelogCalls: () => sim.callLog.count((e) => e.route === '/rest/api/3/changelog/bulkfetch' && e.status === 200),
    jiraCalls: () => sim.callLog.count(() => true),
  };
  return world;
}

export interface LongHistory {
  /** First move into In Progress. */
  readonly startMs: number;
  /** Summary edits (not status moves) after it, a minute apart: Jira's search embeds only the newest 40. */
  readonly edits: number;
  /** Back to the new status right after the start, and In Progress again after the edits. */
  readonly bounce: boolean;
}

/**
 * Replaces a seeded issue's history with a long one: new → In Progress at `startMs`, then `edits` edits;
 * the issue stays open. Returns the first In Progress moment (what the sync must store).
 */
export function giveLongHistory(sim: JiraSimulator, issue: IssueRecord, history: LongHistory): number {
  const statuses = sim.state.findProject(issue.projectKey)!.workflow.statuses;
  const todo = statuses.find((s) => s.category === 'new')!;
  const doing = statuses.find((s) => s.category === 'indeterminate')!;
  const author = SANDBOX_USERS.dave.accountId;
  let t = history.startMs;
  const entry = (items: IssueRecord['changelog'][number]['items']) => {
    issue.changelog.push({ id: sim.state.nextId('changelog'), authorId: author, created: t, items });
    t += 60_000;
  };
  const move = (from: typeof todo, to: typeof todo) => {
    entry([{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }]);
    issue.statusId = to.id;
  };
  issue.changelog.length = 0;
  move(todo, doing);
  if (history.bounce) move(doing, todo);
  for (let i = 0; i < history.edits; i++) entry([{ field: 'summary', fieldtype: 'jira', fieldId: 'summary', from: null, fromString: issue.summary, to: null, toString: `${issue.summary} (${i})` }]);
  if (history.bounce) move(todo, doing);
  issue.updated = t - 60_000;
  issue.statusCategoryChangedAt = issue.updated;
  issue.resolution = null;
  issue.resolutionDate = null;
  return history.startMs;
}
