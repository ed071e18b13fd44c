import type { QueueJob } from '../jobs';

export interface JobToPush {
  readonly body: QueueJob;
  /** Jobs sharing a key run one at a time (Forge queue concurrency). */
  readonly concurrencyKey?: string;
  readonly delayInSeconds?: number;
}

export interface JobQueue {
  /** Pushes jobs in as few requests as Forge's limits (50 events, 200 KB) allow. */
  push(jobs: readonly JobToPush[]): Promise<void>;
}
