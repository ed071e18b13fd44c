import { parentPort, workerData } from 'node:worker_threads';
import { createOutbox } from '../outbox/outbox-impl';
import type { StoreExecutor } from '../outbox/outbox';
import { openSqliteStore } from '../outbox/sqlite-store';
import { forwarderMetricsVia, loggerVia } from '../threads/messages';
import { createForwarder } from './forwarder';
import type { ForwarderThreadCommand, ForwarderThreadReply, ForwarderThreadSetup } from './threaded-forwarder';
import { nodeHttpTransport } from './transport';

/**
 * Thread body of the forwarder of an embedded (SQLite) relay: its own connection to the outbox file reads pending
 * events and deletes what the web trigger acknowledged, so the request thread keeps only HTTP, validation and the
 * accepts. SQLite serialises the two connections' writes (WAL, busy_timeout); only the request thread accepts.
 */
const port = parentPort;
if (!port) throw new Error('forwarder-thread must run in a worker thread');
const setup = workerData as ForwarderThreadSetup;
const send = (reply: ForwarderThreadReply) => port.postMessage(reply);

let store: ReturnType<typeof openSqliteStore>;
try {
  store = openSqliteStore(setup.path);
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
const transport = nodeHttpTransport();
const local: StoreExecutor = { call: (request) => store.executeDurably(request) as never, close: () => Promise.resolve() };
const forwarder = createForwarder({
  config: setup.forwarder,
  outbox: createOutbox(local),
  post: transport.post,
  clock: Date.now,
  logger: loggerVia(send),
  metrics: forwarderMetricsVia((call) => send({ kind: 'metric', call })),
});
forwarder.start();
send({ kind: 'ready' });

port.on('message', (command: ForwarderThreadCommand) => {
  switch (command.kind) {
    case 'wake':
      forwarder.wake();
      break;
    case 'close':
      void forwarder.stop().then(() => {
        transport.close();
        store.close();
        port.close();
      });
      break;
  }
});
