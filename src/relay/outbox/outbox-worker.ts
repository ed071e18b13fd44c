import { parentPort, workerData } from 'node:worker_threads';
import { openStoreOrEnd, startForwarderOnStore } from '../threads/thread-store';
import type { StoreRequest } from './outbox';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-outbox';

/**
 * Worker thread body (`RELAY_OUTBOX_THREAD=worker`): owns the SQLite connection and, when asked, the forwarder, so
 * the request thread only parses, validates and hands each group commit over. The forwarder reads and deletes
 * events here, next to the store, instead of copying every body back to the request thread; its metrics and log
 * lines go to the main thread's registry and logger as messages.
 */
const port = parentPort;
if (!port) throw new Error('outbox-worker must run in a worker thread');
const setup = workerData as WorkerSetup;
const send = (reply: WorkerReply) => port.postMessage(reply);

const store = openStoreOrEnd(setup.path, send);
send({ kind: 'ready' });

/** Commits in order of arrival; the answer waits for the WAL flush, which runs in the thread pool. */
const execute = (request: StoreRequest): Promise<unknown> => store.executeDurably(request);

const forwarder = setup.forwarder ? startForwarderOnStore(setup.forwarder, store, send) : undefined;

port.on('message', (message: WorkerRequest) => {
  switch (message.kind) {
    case 'call': {
      const { id, request } = message;
      execute(request).then(
        (value) => {
          send({ kind: 'result', id, ok: true, value });
          // Accepts made on the main thread do not pass through this thread's outbox: wake the forwarder here.
          if (request.op === 'accept' || request.op === 'requeueFailed') forwarder?.wake();
        },
        (error: unknown) => send({ kind: 'result', id, ok: false, message: error instanceof Error ? error.message : String(error) }),
      );
      break;
    }
    case 'wake':
      forwarder?.wake();
      break;
    case 'close':
      void (async () => {
        await forwarder?.stop();
        store.close();
        port.close();
      })();
      break;
  }
});
