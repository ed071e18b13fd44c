import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import type { ForwarderMetrics } from '../metrics';
import type { Outbox } from '../outbox/outbox';
import { applyThreadReport, type ThreadReport } from '../threads/messages';
import { spawnRelayThread } from '../threads/spawn';
import type { Forwarder, ForwarderConfig } from './forwarder';

/** What the forwarder thread is started with (workerData: plain data only). */
export interface ForwarderThreadSetup {
  readonly path: string;
  readonly forwarder: ForwarderConfig;
}

export type ForwarderThreadCommand = { readonly kind: 'wake' } | { readonly kind: 'close' };
export type ForwarderThreadReply = { readonly kind: 'ready' } | { readonly kind: 'failed'; readonly message: string } | ThreadReport;

export interface ForwarderThreadOptions {
  /** The SQLite outbox file (the thread opens its own connection to it). */
  readonly path: string;
  readonly config: ForwarderConfig;
  /** The request thread's outbox: each commit with a new event wakes the thread. */
  readonly outbox: Pick<Outbox, 'onAccepted'>;
  readonly metrics: ForwarderMetrics;
  readonly logger: Logger;
  /** Wait before starting a thread again after it died (default 1 s). */
  readonly restartDelayMs?: number;
  /** Starts the thread (default spawnRelayThread; tests wrap it to hold the Worker). */
  readonly spawnThread?: typeof spawnRelayThread;
}

/**
 * Runs the forwarder of a SQLite outbox in a worker thread (forwarder-thread.ts). Resolves once the thread has opened
 * the outbox; a thread that dies later is logged and started again (the events it was sending stay stored and are
 * sent by the next one; the web trigger drops repeats by id).
 */
export async function startForwarderThread(options: ForwarderThreadOptions): Promise<Pick<Forwarder, 'start' | 'stop' | 'wake'>> {
  const { logger, metrics } = options;
  const setup: ForwarderThreadSetup = { path: options.path, forwarder: options.config };
  let stopping = false;
  let unsubscribe: (() => void) | undefined;
  // The running thread (undefined from its exit until the next one is ready), and a restart under way.
  let current: Worker | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  function spawn(): Promise<Worker> {
    const worker = (options.spawnThread ?? spawnRelayThread)('forwarder/forwarder-thread', setup);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (reply: ForwarderThreadReply) => {
        switch (reply.kind) {
          case 'ready':
            ready = true;
            resolve(worker);
            break;
          case 'failed':
            reject(new Error(`forwarder thread could not open the outbox: ${reply.message}`));
            break;
          case 'metric':
          case 'log':
            applyThreadReport(reply, metrics, logger);
            break;
        }
      });
      worker.on('error', (error) => logger.error('forwarder thread failed', { error: error.message }));
      worker.on('exit', (code) => {
        if (!ready) return reject(new Error(`forwarder thread exited (${code}) before it was ready`));
        if (current === worker) current = undefined;
        if (stopping) return;
        logger.error('forwarder thread exited; starting another', { code });
        restartLater();
      });
    });
  }

  /** Starts a thread again after the delay, and again after each start that fails (a file briefly unreadable). */
  function restartLater(): void {
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      restarting = spawn().then(
        (next) => {
          current = next;
        },
        (error: unknown) => {
          logger.error('forwarder thread did not start again; trying later', { error: error instanceof Error ? error.message : String(error) });
          if (!stopping) restartLater();
        },
      );
    }, options.restartDelayMs ?? 1000);
  }

  current = await spawn();
  const post = (command: ForwarderThreadCommand) => current?.postMessage(command);
  return {
    start() {
      unsubscribe ??= options.outbox.onAccepted(() => post({ kind: 'wake' }));
    },
    wake: () => post({ kind: 'wake' }),
    async stop() {
      if (stopping) return;
      stopping = true;
      unsubscribe?.();
      unsubscribe = undefined;
      if (restartTimer) clearTimeout(restartTimer);
      await restarting;
      const worker = current;
      current = undefined;
      if (!worker) return;
      // The thread settles its batch in flight, closes its connection and ends.
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'close' } satisfies ForwarderThreadCommand);
      await exited;
    },
  };
}
