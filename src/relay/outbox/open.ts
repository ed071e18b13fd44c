import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RelayConfig } from '../config';
import type { Outbox } from './outbox';
import { openInProcessOutbox } from './in-process';
import { openWorkerOutbox } from './worker-outbox';

/** The outbox RELAY_DB names: a SQLite file (the embedded default). */
export async function openOutbox(config: Pick<RelayConfig, 'dbPath' | 'outboxThread' | 'commitWindowMs'>): Promise<Outbox> {
  if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
  const options = { path: config.dbPath, commitWindowMs: config.commitWindowMs };
  // On a small machine the request thread has room for the fsync; a worker only pays off with spare cores.
  return config.outboxThread === 'worker' ? openWorkerOutbox(options) : openInProcessOutbox(options);
}
