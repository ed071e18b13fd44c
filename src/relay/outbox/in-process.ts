import type { IdFactory } from '../ids';
import { createOutbox, type GroupCommitOptions } from './outbox-impl';
import type { Outbox, StoreExecutor } from './outbox';
import { openSqliteStore } from './sqlite-store';

/** Store on this thread: each commit's fsync blocks the event loop. The default (`RELAY_OUTBOX_THREAD=main`): the worker measured no faster under load and costs ~25 MB more RSS (README, relay bench). */
export function openInProcessOutbox(options: { readonly path: string; readonly newId?: IdFactory } & GroupCommitOptions): Outbox {
  const store = openSqliteStore(options.path, options.newId);
  let closed = false;
  const executor: StoreExecutor = {
    call: (request) => (closed ? Promise.reject(new Error('outbox is closed')) : Promise.resolve().then(() => store.execute(request))),
    close: async () => {
      closed = true;
      store.close();
    },
  };
  return createOutbox(executor, options);
}
