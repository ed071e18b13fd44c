import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isPostgresUrl, type RelayConfig } from '../config';
import type { Logger } from '../logger';
import type { Outbox } from './outbox';
import { openInProcessOutbox } from './in-process';
import { isFilelessPath } from './sqlite-store';
import { openWorkerOutbox, openWorkerOutboxAndForwarder, type HostedForwarder, type WorkerOutbox } from './worker-outbox';

type OutboxConfig = Pick<RelayConfig, 'dbPath' | 'outboxThread' | 'commitWindowMs' | 'leaseMs' | 'dbPoolSize'>;

/** The outbox RELAY_DB names: a postgres:// URL (shared by N instances) or a SQLite file (the embedded default). */
export async function openOutbox(config: OutboxConfig, logger?: Logger): Promise<Outbox> {
  if (isPostgresUrl(config.dbPath)) {
    // Loaded only for PostgreSQL: the driver costs ~15 MB of RSS an embedded (SQLite) relay has no use for.
    const { openPostgresOutbox } = await import('./postgres-outbox.js');
    return openPostgresOutbox({
      url: config.dbPath,
      leaseMs: config.leaseMs,
      poolSize: config.dbPoolSize,
      commitWindowMs: config.commitWindowMs,
      onPoolError: (error) => logger?.warn('postgres connection lost', { error: error.message }),
    });
  }
  ensureDirectory(config.dbPath);
  const options = { path: config.dbPath, commitWindowMs: config.commitWindowMs };
  return config.outboxThread === 'worker' ? openWorkerOutbox(options) : openInProcessOutbox(options);
}

function ensureDirectory(path: string): void {
  if (!isFilelessPath(path)) mkdirSync(dirname(path), { recursive: true });
}

/**
 * With `RELAY_OUTBOX_THREAD=worker` and SQLite, the store and the forwarder both run in the worker thread; otherwise
 * undefined, and the caller runs the forwarder on this thread over `openOutbox`.
 */
export async function openWorkerHostedOutbox(config: OutboxConfig, hosted: HostedForwarder): Promise<WorkerOutbox | undefined> {
  if (isPostgresUrl(config.dbPath) || config.outboxThread !== 'worker') return undefined;
  ensureDirectory(config.dbPath);
  return openWorkerOutboxAndForwarder({ path: config.dbPath, commitWindowMs: config.commitWindowMs, hosted });
}
