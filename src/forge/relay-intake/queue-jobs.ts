import { createHash } from 'node:crypto';
import { FORGE_MAX_EVENT_BYTES, type RelayWireEvent } from '../../shared/relay-envelope';
import type { RelayEventsJob } from '../jobs';
import type { JobToPush } from '../ports/job-queue';

/** Room left under Forge's 100 KB per event for the push wrapper (concurrency key, delay). */
export const MAX_JOB_BYTES = FORGE_MAX_EVENT_BYTES - 1024;
/**
 * Deepest body the app queues. The relay refuses bodies over 32 levels (RELAY_MAX_JSON_DEPTH); a 6,000-deep
 * body overflowed the stack of the queue push (issue 14), so anything past this is refused by event id.
 */
export const MAX_QUEUED_BODY_DEPTH = 64;

/** Events of one alert group or incident run one at a time on the queue. */
export function concurrencyKeyFor(groupKey: string): string {
  return 'g-' + createHash('sha256').update(groupKey).digest('hex').slice(0, 40);
}

export interface Unqueueable {
  readonly id: string;
  readonly reason: string;
}

const jobBytes = (groupKey: string) => Buffer.byteLength(JSON.stringify({ kind: 'relay-events', groupKey, events: [] } satisfies RelayEventsJob));

/** Events that could never be queued, each with why: the web trigger refuses the batch naming them (4xx). */
export function unqueueableEvents(events: readonly RelayWireEvent[]): Unqueueable[] {
  const refused: Unqueueable[] = [];
  for (const event of events) {
    const depth = 'body' in event ? bodyDepth(event.body, MAX_QUEUED_BODY_DEPTH) : 1;
    if (depth > MAX_QUEUED_BODY_DEPTH) {
      refused.push({ id: event.id, reason: `body nests deeper than ${MAX_QUEUED_BODY_DEPTH} levels` });
      continue;
    }
    const bytes = jobBytes(event.groupKey) + Buffer.byteLength(JSON.stringify(event));
    if (bytes > MAX_JOB_BYTES) refused.push({ id: event.id, reason: `${bytes} bytes as a queue event, over Forge's ${MAX_JOB_BYTES}` });
  }
  return refused;
}

/**
 * One or more jobs per group, events in relay order; a group's events are cut into several jobs when one
 * would pass Forge's 100 KB per event (each event alone fits: see unqueueableEvents).
 */
export function jobsFor(events: readonly RelayWireEvent[]): JobToPush[] {
  const groups = new Map<string, RelayWireEvent[]>();
  for (const event of events) {
    const group = groups.get(event.groupKey) ?? [];
    group.push(event);
    groups.set(event.groupKey, group);
  }
  const jobs: JobToPush[] = [];
  for (const [groupKey, groupEvents] of groups) {
    const empty = jobBytes(groupKey);
    let current: RelayWireEvent[] = [];
    let bytes = empty;
    const flush = () => {
      if (current.length === 0) return;
      const body: RelayEventsJob = { kind: 'relay-events', groupKey, events: current };
      jobs.push({ body, concurrencyKey: concurrencyKeyFor(groupKey) });
      current = [];
      bytes = empty;
    };
    for (const event of groupEvents) {
      const size = Buffer.byteLength(JSON.stringify(event)) + 1;
      if (current.length > 0 && bytes + size > MAX_JOB_BYTES) flush();
      current.push(event);
      bytes += size;
    }
    flush();
  }
  return jobs;
}

/** Nesting depth of a JSON value, without recursion; stops counting past `limit`. */
function bodyDepth(root: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}
