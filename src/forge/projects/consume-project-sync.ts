import type { ProjectSyncJob } from '../jobs';
import type { Logger } from '../ports/logger';
import type { RetryRequest } from '../delivery/retry-policy';
import { runProjectSync, type ProjectSyncDeps } from './sync-runner';

/** The consumer's `project-sync` case: run one invocation, turn a wait into the queue's retry. */
export async function consumeProjectSync(
  job: ProjectSyncJob,
  retryCount: number,
  deps: ProjectSyncDeps | undefined,
  logger: Logger,
): Promise<{ applied: number; duplicates: number; retry?: RetryRequest }> {
  if (!deps) {
    logger.error('project-sync job without project sync dependencies', { projectId: job.projectId });
    return { applied: 0, duplicates: 0 };
  }
  const outcome = await runProjectSync(job, retryCount, deps);
  if (!outcome.retry) return { applied: outcome.issues, duplicates: 0 };
  return {
    applied: outcome.issues,
    duplicates: 0,
    retry: { retryAfterSeconds: outcome.retry.afterSeconds, reason: outcome.retry.rateLimited ? 'upstream-rate-limited' : 'retry', retryData: { done: [] } },
  };
}
