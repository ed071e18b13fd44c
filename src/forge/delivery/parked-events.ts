import type { RelayEvent, RelayWireEvent } from '../../shared/relay-envelope';
import { KVS_MAX_DEPTH, KVS_VALUE_MAX_BYTES, SEEN_EVENT_TTL_DAYS, StorageKeys } from '../constants';
import type { Parking } from '../relay-intake/queue-jobs';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * Forge limits one queue event to 100 KB when the consumer's function has a timeout over 55 s [D
 * limits-async-events, 2026-02-26]; ours has 300 s. A relay batch may be 190 KB and one Alertmanager
 * notification of a large group more than 100 KB. Such an event's body is parked in KVS (a value may hold
 * ~240 KB) and the job carries a reference; the consumer reads it back before applying the event.
 */
export const MAX_QUEUE_EVENT_BYTES = 100 * 1024;
/** An event bigger than this travels as a reference. */
export const PARK_EVENT_OVER_BYTES = 64 * 1024;
const PARKED = '__parkedBody';
/** What the web trigger checks before parking (KVS limits: KVS_VALUE_MAX_BYTES, depth 32 [D handling-errors-kvs]). */
export const PARKING: Parking = { overBytes: PARK_EVENT_OVER_BYTES, maxBodyBytes: KVS_VALUE_MAX_BYTES - 1024, maxBodyDepth: KVS_MAX_DEPTH - 1 };

export function isParked(event: RelayWireEvent): event is RelayEvent {
  return 'body' in event && typeof event.body[PARKED] === 'string';
}

/**
 * Parks the bodies of oversized inline events (one batch write) and returns the events as the queue will carry
 * them. Parts of a large event (the relay cuts events over 64 KiB) are each small and travel as they are.
 */
export async function parkOversized(events: readonly RelayWireEvent[], store: KeyValueStore): Promise<RelayWireEvent[]> {
  const big = events.filter((e): e is RelayEvent => 'body' in e && Buffer.byteLength(JSON.stringify(e)) > PARK_EVENT_OVER_BYTES);
  if (big.length === 0) return [...events];
  await store.setMany(
    big.map((e) => ({ key: StorageKeys.parkedEvent(e.id), value: e.body })),
    { ttlSeconds: SEEN_EVENT_TTL_DAYS * 86_400 },
  );
  const parked = new Set(big.map((e) => e.id));
  return events.map((e) => (parked.has(e.id) ? { ...e, body: { [PARKED]: StorageKeys.parkedEvent(e.id) } } : e));
}

/** The events with their parked bodies read back (one batch read); an event whose body expired is returned in `missing`. */
export async function unpark(events: readonly RelayWireEvent[], store: KeyValueStore): Promise<{ readonly events: RelayWireEvent[]; readonly missing: RelayEvent[] }> {
  const refs = events.filter(isParked);
  if (refs.length === 0) return { events: [...events], missing: [] };
  const bodies = await store.getMany<Record<string, unknown>>(refs.map((e) => String(e.body[PARKED])));
  const out: RelayWireEvent[] = [];
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
