import { createForwarder, type ForwarderConfig } from '../forwarder/forwarder';
import { nodeHttpTransport } from '../forwarder/transport';
import { createOutbox } from '../outbox/outbox-impl';
import type { StoreExecutor } from '../outbox/outbox';
import { openSqliteStore, type SqliteStore } from '../outbox/sqlite-store';
import { forwarderMetricsVia, loggerVia, type ThreadReport } from './messages';

/** Opens the SQLite outbox file in a worker thread, or tells the main thread why not and ends this thread. */
export function openStoreOrEnd(path: string, send: (reply: { readonly kind: 'failed'; readonly message: string }) => void): SqliteStore {
  try {
    return openSqliteStore(path);
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    // In a worker thread this ends the thread, not the process.
    process.exit(1);
  }
}

/**
 * A started forwarder over a thread's own store connection: posts over node:http, its metric calls and log lines
 * sent to the main thread (which owns the registry and the logger). `stop` settles the batch in flight, then closes
 * the transport's sockets.
 */
export function startForwarderOnStore(config: ForwarderConfig, store: SqliteStore, send: (report: ThreadReport) => void): { readonly wake: () => void; stop(): Promise<void> } {
  const transport = nodeHttpTransport();
  const local: StoreExecutor = { call: (request) => store.executeDurably(request) as never, close: () => Promise.resolve() };
  const forwarder = createForwarder({
    config,
    outbox: createOutbox(local),
    post: transport.post,
    clock: Date.now,
    logger: loggerVia(send),
    metrics: forwarderMetricsVia((call) => send({ kind: 'metric', call })),
  });
  forwarder.start();
  return {
    wake: () => forwarder.wake(),
    async stop() {
      await forwarder.stop();
      transport.close();
    },
  };
}
