import type { RelayEvent } from '../../shared/relay-envelope';
import { SEEN_EVENT_TTL_DAYS, StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * Forge limits one queue event to 100 KB when the consumer's function has a timeout over 55 s [D
 * limits-async-events, 2026-02-26]; ours has 300 s. A relay batch may be 190 KB and one Alertmanager
 * notification of a large group more than 100 KB. Such an event's body is parked in KVS (a value may hold
 * ~240 KB) and the job carries a reference; the consumer reads it back before applying the event.
 */
export const MAX_QUEUE_EVENT_BYTES = 100 * 1024;
/** A job body (kind, groupKey, events) stays under this, leaving room for the push envelope. */
export const MAX_JOB_BYTES = 96 * 1024;
/** An event bigger than this travels as a reference. */
export const PARK_EVENT_OVER_BYTES = 64 * 1024;
const PARKED = '__parkedBody';

export function isParked(event: RelayEvent): boolean {
  return typeof event.body[PARKED] === 'string';
}

/** Parks the bodies of oversized events (one batch write) and returns the events as the queue will carry them. */
export async function parkOversized(events: readonly RelayEvent[], store: KeyValueStore): Promise<RelayEvent[]> {
  const big = events.filter((e) => Buffer.byteLength(JSON.stringify(e)) > PARK_EVENT_OVER_BYTES);
  if (big.length === 0) return [...events];
  await store.setMany(
    big.map((e) => ({ key: StorageKeys.parkedEvent(e.id), value: e.body })),
    { ttlSeconds: SEEN_EVENT_TTL_DAYS * 86_400 },
  );
  const parked = new Set(big.map((e) => e.id));
  return events.map((e) => (parked.has(e.id) ? { ...e, body: { [PARKED]: StorageKeys.parkedEvent(e.id) } } : e));
}

/** The events with their parked bodies read back (one batch read); an event whose body expired is returned in `missing`. */
export async function unpark(events: readonly RelayEvent[], store: KeyValueStore): Promise<{ readonly events: RelayEvent[]; readonly missing: RelayEvent[] }> {
  const refs = events.filter(isParked);
  if (refs.length === 0) return { events: [...events], missing: [] };
  const bodies = await store.getMany<Record<string, unknown>>(refs.map((e) => String(e.body[PARKED])));
  const out: RelayEvent[] = [];
  const missing: RelayEvent[] = [];
  for (const e of events) {
    if (!isParked(e)) {
      out.push(e);
      continue;
    }
    const body = bodies.get(String(e.body[PARKED]));
    if (body) out.push({ ...e, body });
    else missing.push(e);
  }
  return { events: out, missing };
}
