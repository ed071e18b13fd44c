import type { AcceptResult, NewEvent, Outbox, StoreExecutor } from './outbox';

interface Waiting {
  readonly event: NewEvent;
  readonly resolve: (result: AcceptResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Commits that may be on their way at once. Two keep the store busy: while one fsyncs, the next batch
 * is already travelling to it, instead of waiting for the previous answer to come back first.
 */
const MAX_COMMITS_IN_FLIGHT = 2;

/**
 * The outbox over a store executor, with group commit: accepts queue up while commits are in flight,
 * then all of them go in the next transaction (one fsync) and resolve together once it has committed.
 * The store runs requests in order, so batches commit in the order they were sent.
 */
export interface GroupCommitOptions {
  /** Extra wait before a commit so more accepts share its fsync; 0 takes only what this tick read. */
  readonly commitWindowMs?: number;
}

export function createOutbox(executor: StoreExecutor, options: GroupCommitOptions = {}): Outbox {
  const windowMs = options.commitWindowMs ?? 0;
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;
  let closed = false;
  const listeners = new Set<() => void>();

  function schedule(): void {
    if (scheduled || inFlight >= MAX_COMMITS_IN_FLIGHT || queue.length === 0) return;
    scheduled = true;
    // Let every request already read in this turn of the event loop (or within the window) join the batch.
    if (windowMs > 0) setTimeout(commit, windowMs);
    else setImmediate(commit);
  }

  function commit(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    inFlight += 1;
    executor.call({ op: 'accept', events: batch.map((w) => w.event) }).then(
      (results) => {
        inFlight -= 1;
        batch.forEach((w, i) => {
          const result = results[i];
          if (result) w.resolve(result);
          else w.reject(new Error('outbox returned no result for an accepted event'));
        });
        if (results.some((r) => !r.duplicate)) for (const listener of listeners) listener();
        schedule();
      },
      (error: unknown) => {
        inFlight -= 1;
        for (const w of batch) w.reject(error);
        schedule();
      },
    );
  }

  return {
    accept(event) {
      if (closed) return Promise.reject(new Error('outbox is closed'));
      return new Promise<AcceptResult>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        schedule();
      });
    },
    pending: (limit) => executor.call({ op: 'pending', limit }),
    remove: (ids) => (ids.length === 0 ? Promise.resolve(0) : executor.call({ op: 'remove', ids })),
    markFailed: (ids, reason, nowMs) => (ids.length === 0 ? Promise.resolve(0) : executor.call({ op: 'markFailed', ids, reason, nowMs })),
    requeueFailed: (ids) => (ids === undefined ? executor.call({ op: 'requeueFailed' }) : ids.length === 0 ? Promise.resolve(0) : executor.call({ op: 'requeueFailed', ids })),
    failed: (limit) => executor.call({ op: 'failed', limit }),
    stats: () => executor.call({ op: 'stats' }),
    pruneDedup: (nowMs) => executor.call({ op: 'pruneDedup', nowMs }),
    onAccepted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      // Commit what is queued so no accepted request is left without an answer.
      while (queue.length > 0 || inFlight > 0 || scheduled) await new Promise((r) => setImmediate(r));
      await executor.close();
    },
  };
}
