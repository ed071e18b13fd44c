import { parentPort, workerData } from 'node:worker_threads';
import type { StoreRequest } from './outbox';
import { needsFlush, openSqliteStore } from './sqlite-store';
import type { WorkerReply, WorkerRequest } from './worker-outbox';

/** Worker thread body: owns the SQLite connection so commits (and their fsync) never block HTTP. */
const port = parentPort;
if (!port) throw new Error('outbox-worker must run in a worker thread');
const { path } = workerData as { path: string };

let store: ReturnType<typeof openSqliteStore>;
try {
  store = openSqliteStore(path);
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
  process.exit(1);
}

port.on('message', (message: WorkerRequest) => {
  switch (message.kind) {
    case 'call': {
      let reply: WorkerReply;
      try {
        const request = message.request as StoreRequest;
        const value = store.execute(request);
        if (needsFlush(request.op)) store.flushSync();
        reply = { kind: 'result', id: message.id, ok: true, value };
      } catch (error) {
        reply = { kind: 'result', id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(reply);
      break;
    }
    case 'close':
      store.close();
      port.close();
      break;
  }
});
