import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isPostgresUrl, type RelayConfig } from '../config';
import type { Logger } from '../logger';
import type { Outbox } from './outbox';
import { openInProcessOutbox } from './in-process';
import { openPostgresOutbox } from './postgres-outbox';
import { openWorkerOutbox } from './worker-outbox';

type OutboxConfig = Pick<RelayConfig, 'dbPath' | 'outboxThread' | 'commitWindowMs' | 'leaseMs' | 'dbPoolSize'>;

/** The outbox RELAY_DB names: a postgres:// URL (shared by N instances) or a SQLite file (the embedded default). */
export async function openOutbox(config: OutboxConfig, logger?: Logger): Promise<Outbox> {
  if (isPostgresUrl(config.dbPath)) {
    return openPostgresOutbox({
      url: config.dbPath,
      leaseMs: config.leaseMs,
      poolSize: config.dbPoolSize,
      commitWindowMs: config.commitWindowMs,
      onPoolError: (error) => logger?.warn('postgres connection lost', { error: error.message }),
    });
  }
  if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
  const options = { path: config.dbPath, commitWindowMs: config.commitWindowMs };
  // On a small machine the request thread has room for the fsync; a worker only pays off with spare cores.
  return config.outboxThread === 'worker' ? openWorkerOutbox(options) : openInProcessOutbox(options);
}
