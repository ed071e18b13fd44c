import { parentPort, workerData } from 'node:worker_threads';
import { createForwarder, type Forwarder } from '../forwarder/forwarder';
import { nodeHttpTransport } from '../forwarder/transport';
import { forwarderMetricsVia, loggerVia } from '../threads/messages';
import { createOutbox } from './outbox-impl';
import type { StoreExecutor, StoreRequest } from './outbox';
import { openSqliteStore } from './sqlite-store';
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

let store: ReturnType<typeof openSqliteStore>;
try {
  store = openSqliteStore(setup.path);
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

/** Commits in order of arrival; the answer waits for the WAL flush, which runs in the thread pool. */
const execute = (request: StoreRequest): Promise<unknown> => store.executeDurably(request);

const logger = loggerVia(send);

let forwarder: Forwarder | undefined;
const transport = setup.forwarder ? nodeHttpTransport() : undefined;
if (setup.forwarder && transport) {
  const local: StoreExecutor = { call: (request) => execute(request) as never, close: () => Promise.resolve() };
  forwarder = createForwarder({
    config: setup.forwarder,
    outbox: createOutbox(local),
    post: transport.post,
    clock: Date.now,
    logger,
    metrics: forwarderMetricsVia((call) => send({ kind: 'metric', call })),
  });
  forwarder.start();
}

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
        transport?.close();
        store.close();
        port.close();
      })();
      break;
  }
});
