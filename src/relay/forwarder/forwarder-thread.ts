import { parentPort, workerData } from 'node:worker_threads';
import { openStoreOrEnd, startForwarderOnStore } from '../threads/thread-store';
import type { ForwarderThreadCommand, ForwarderThreadReply, ForwarderThreadSetup } from './threaded-forwarder';

/**
 * Thread body of the forwarder of an embedded (SQLite) relay: its own connection to the outbox file reads pending
 * events and deletes what the web trigger acknowledged, so the request thread keeps only HTTP, validation and the
 * accepts. SQLite serialises the two connections' writes (WAL, busy_timeout); only the request thread accepts.
 */
const port = parentPort;
if (!port) throw new Error('forwarder-thread must run in a worker thread');
const setup = workerData as ForwarderThreadSetup;
const send = (reply: ForwarderThreadReply) => port.postMessage(reply);

const store = openStoreOrEnd(setup.path, send);
const forwarder = startForwarderOnStore(setup.forwarder, store, send);
send({ kind: 'ready' });

port.on('message', (command: ForwarderThreadCommand) => {
  switch (command.kind) {
    case 'wake':
      forwarder.wake();
      break;
    case 'close':
      void forwarder.stop().then(() => {
        store.close();
        port.close();
      });
      break;
  }
});
