import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { createOutbox, type GroupCommitOptions } from './outbox-impl';
import type { Outbox, StoreExecutor, StoreRequest } from './outbox';

export type WorkerRequest = { readonly kind: 'call'; readonly id: number; readonly request: StoreRequest } | { readonly kind: 'close' };

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly ok: false; readonly message: string };

/** Starts the worker; TypeScript sources (tsx, jest) get tsx's CommonJS hook registered inside it first. */
function spawnWorker(path: string): Worker {
  const isTs = __filename.endsWith('.ts');
  const entry = join(__dirname, isTs ? 'outbox-worker.ts' : 'outbox-worker.js');
  if (!isTs) return new Worker(entry, { workerData: { path } });
  const bootstrap = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData: { path } });
}

/**
 * SQLite in a worker thread (`RELAY_OUTBOX_THREAD=worker`), so the fsync of each group commit overlaps with
 * request handling on the main thread instead of stalling it (opt-in: see in-process.ts for why it is not the default).
 */
export function openWorkerOutbox(options: { readonly path: string } & GroupCommitOptions): Promise<Outbox> {
  const worker = spawnWorker(options.path);
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
          resolveOpen(createOutbox(executor, options));
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
      }
    });
  });
}
