import type { IdFactory } from '../ids';
import { createOutbox, type GroupCommitOptions } from './outbox-impl';
import type { Outbox, StoreExecutor } from './outbox';
import { openSqliteStore, type SyncFile } from './sqlite-store';

/**
 * Store on this thread, its disk flush in libuv's thread pool. The default (`RELAY_OUTBOX_THREAD=main`; the relay then
 * forwards from a thread of its own, `forwarder/threaded-forwarder.ts`): with the store in a worker each accept waits
 * for two thread hops and for the worker's forwarding work, measured slower (README, relay bench).
 */
export function openInProcessOutbox(options: { readonly path: string; readonly newId?: IdFactory; readonly syncFile?: SyncFile } & GroupCommitOptions): Outbox {
  const store = openSqliteStore(options.path, options.newId, options.syncFile);
  let closed = false;
  const executor: StoreExecutor = {
    call: async (request) => {
      if (closed) throw new Error('outbox is closed');
      return store.executeDurably(request);
    },
    close: async () => {
      closed = true;
      store.close();
    },
  };
  return createOutbox(executor, options);
}
