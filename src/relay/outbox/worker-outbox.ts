import { createOutbox, type GroupCommitOptions } from './outbox-impl';
import type { Outbox, StoreExecutor, StoreRequest } from './outbox';
import type { Forwarder, ForwarderConfig } from '../forwarder/forwarder';
import type { Logger } from '../logger';
import type { ForwarderMetrics } from '../metrics';
import { applyThreadReport, type ThreadReport } from '../threads/messages';
import { spawnRelayThread } from '../threads/spawn';

export type WorkerRequest = { readonly kind: 'call'; readonly id: number; readonly request: StoreRequest } | { readonly kind: 'wake' } | { readonly kind: 'close' };

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly ok: false; readonly message: string }
  | ThreadReport;

/** What the worker is started with (workerData: plain data only). */
export interface WorkerSetup {
  readonly path: string;
  /** Run the forwarder in the worker, next to the store. */
  readonly forwarder?: ForwarderConfig;
}

/** The forwarder running in the worker: its metrics and log lines arrive here. */
export interface HostedForwarder {
  readonly config: ForwarderConfig;
  readonly metrics: ForwarderMetrics;
  readonly logger: Logger;
}

/** The worker outbox, and the forwarder it hosts (start is implicit; wake and stop travel as messages). */
export interface WorkerOutbox {
  readonly outbox: Outbox;
  readonly forwarder: Pick<Forwarder, 'start' | 'stop' | 'wake'>;
}

/**
 * The SQLite store alone in a worker thread, its forwarder (if any) on the caller's thread: what `openOutbox` gives for
 * `RELAY_OUTBOX_THREAD=worker` when the forwarder must stay on this thread (an injected fetch, the CLI). The relay
 * itself uses `openWorkerOutboxAndForwarder`.
 */
export async function openWorkerOutbox(options: { readonly path: string } & GroupCommitOptions): Promise<Outbox> {
  return (await openWorker(options)).outbox;
}

/**
 * The store and the forwarder in one worker thread (`RELAY_OUTBOX_THREAD=worker`): the request thread keeps only
 * HTTP, validation and the group-commit queue.
 */
export function openWorkerOutboxAndForwarder(options: { readonly path: string; readonly hosted: HostedForwarder } & GroupCommitOptions): Promise<WorkerOutbox> {
  return openWorker(options);
}

function openWorker(options: { readonly path: string; readonly hosted?: HostedForwarder } & GroupCommitOptions): Promise<WorkerOutbox> {
  const { hosted } = options;
  const worker = spawnRelayThread('outbox/outbox-worker', { path: options.path, ...(hosted ? { forwarder: hosted.config } : {}) } satisfies WorkerSetup);
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;

  return new Promise((resolveOpen, rejectOpen) => {
    const fail = (error: Error) => {
      dead ??= error;
      for (const w of waiting.values()) w.reject(dead);
      waiting.clear();
      rejectOpen(dead);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`outbox worker exited (${code})`)));
    worker.on('message', (reply: WorkerReply) => {
      switch (reply.kind) {
        case 'ready': {
          const executor: StoreExecutor = {
            call<R extends StoreRequest>(request: R) {
              if (dead) return Promise.reject(dead);
              const id = nextId++;
              return new Promise((resolve, reject) => {
                waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
                worker.postMessage({ kind: 'call', id, request } satisfies WorkerRequest);
              });
            },
            close: () =>
              new Promise<void>((resolve) => {
                if (dead) return resolve();
                worker.once('exit', () => resolve());
                worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
              }),
          };
          const outbox = createOutbox(executor, options);
          // Accepts are answered by the worker; it wakes its own forwarder. An admin's re-queue wakes it from here.
          const forwarder = {
            start: () => undefined,
            wake: () => {
              if (!dead) worker.postMessage({ kind: 'wake' } satisfies WorkerRequest);
            },
            // Stopping the forwarder is part of closing the worker (Outbox.close).
            stop: () => Promise.resolve(),
          };
          resolveOpen({ outbox, forwarder });
          break;
        }
        case 'failed':
          fail(new Error(`outbox could not open: ${reply.message}`));
          break;
        case 'result': {
          const w = waiting.get(reply.id);
          waiting.delete(reply.id);
          if (reply.ok) w?.resolve(reply.value);
          else w?.reject(new Error(reply.message));
          break;
        }
        case 'metric':
        case 'log':
          if (hosted) applyThreadReport(reply, hosted.metrics, hosted.logger);
          break;
      }
    });
  });
}
