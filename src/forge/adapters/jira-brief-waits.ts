import type { JiraPort, JiraResult } from '../ports/jira';

/**
 * A burst 429 (Jira's per-second windows) usually clears in a second. Waiting that long inside the
 * invocation is cheaper than a queue retry (another Forge invocation, and the whole job again), so short
 * Retry-After values are honoured in place, within a budget per invocation; longer ones, and anything
 * past the budget, go back to the caller, which asks the queue to retry.
 */
export interface BriefWaitOptions {
  /** Longest Retry-After waited for in place. */
  readonly maxWaitSeconds: number;
  /** Total waiting allowed for this port instance (one per invocation). */
  readonly budgetSeconds: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export function withBriefRateLimitWaits(port: JiraPort, options: BriefWaitOptions): JiraPort {
  let spentMs = 0;
  const retrying = async <T>(call: () => Promise<JiraResult<T>>): Promise<JiraResult<T>> => {
    for (;;) {
      const result = await call();
      if (result.ok || result.failure.kind !== 'rate-limited' || result.failure.retryAfterSeconds > options.maxWaitSeconds) return result;
      // Jitter so the calls refused together do not return together.
      const waitMs = result.failure.retryAfterSeconds * 1000 + Math.floor(options.random() * 250);
      if (spentMs + waitMs > options.budgetSeconds * 1000) return result;
      spentMs += waitMs;
      await options.sleep(waitMs);
    }
  };
  return {
    createIssue: (body) => retrying(() => port.createIssue(body)),
    addComment: (key, body) => retrying(() => port.addComment(key, body)),
    getTransitions: (key) => retrying(() => port.getTransitions(key)),
    transitionIssue: (key, id) => retrying(() => port.transitionIssue(key, id)),
    linkIssues: (request) => retrying(() => port.linkIssues(request)),
    getIssueStatus: (key) => retrying(() => port.getIssueStatus(key)),
    findByProblemKey: (problemKey) => retrying(() => port.findByProblemKey(problemKey)),
  };
}
