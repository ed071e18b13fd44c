import { Queue, type PushEvent } from '@forge/events';
import type { JobQueue, JobToPush } from '../ports/job-queue';
import { MAX_QUEUE_EVENT_BYTES } from '../delivery/parked-events';

/** Forge's published limits for one `Queue.push`. */
export const MAX_EVENTS_PER_PUSH = 50;
export const MAX_PUSH_BYTES = 200 * 1024;

function toPushEvent(job: JobToPush): PushEvent {
  return {
    body: job.body,
    ...(job.concurrencyKey ? { concurrency: { key: job.concurrencyKey, limit: 1 } } : {}),
    ...(job.delayInSeconds ? { delayInSeconds: job.delayInSeconds } : {}),
  };
}

/** Splits jobs into pushes that respect both the count and the size limit, keeping their order. */
export function planPushes(jobs: readonly JobToPush[]): PushEvent[][] {
  const pushes: PushEvent[][] = [];
  let current: PushEvent[] = [];
  let currentBytes = 2;
  for (const job of jobs) {
    const event = toPushEvent(job);
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (bytes > MAX_QUEUE_EVENT_BYTES) throw new Error(`a single queue job is ${bytes} bytes, over Forge's ${MAX_QUEUE_EVENT_BYTES}-byte limit per event for a consumer with a timeout over 55 s`);
    if (current.length === MAX_EVENTS_PER_PUSH || currentBytes + bytes > MAX_PUSH_BYTES) {
      pushes.push(current);
      current = [];
      currentBytes = 2;
    }
    current.push(event);
    currentBytes += bytes;
  }
  if (current.length > 0) pushes.push(current);
  return pushes;
}

export function createForgeJobQueue(queueKey: string): JobQueue {
  const queue = new Queue({ key: queueKey });
  return {
    async push(jobs) {
      for (const events of planPushes(jobs)) await queue.push(events);
    },
  };
}
