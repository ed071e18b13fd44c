import type { RelayEvent, RelayEventPart, RelayWireEvent } from '../../shared/relay-envelope';
import { joinParts } from '../../shared/relay-parts';
import { SEEN_EVENT_TTL_DAYS } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';

/**
 * Where a part of a large relay event waits for the others: one key per part, so parts arriving in any
 * order, in different jobs or on retries, never overwrite each other. Parts are kept (TTL) after the event
 * is assembled, so a retried job assembles it again instead of waiting forever for deleted parts.
 */
export const relayPartKey = (eventId: string, sha256: string, index: number): string => `relay-part:${eventId}:${sha256.slice(0, 16)}:${index}`;
export const RELAY_PART_TTL_SECONDS = SEEN_EVENT_TTL_DAYS * 86_400;

export interface AssembledEvents {
  /** Whole events, in job order (an event in parts takes the place of its last part in the job). */
  readonly events: RelayEvent[];
  /** Events still missing parts (their other parts come in later jobs). */
  readonly waiting: readonly string[];
  /** Events whose parts are all here but do not join (hash or gzip broken): logged, never applied. */
  readonly broken: readonly { readonly eventId: string; readonly reason: string }[];
}

/**
 * Turns a job's wire events into whole RelayEvents: inline events pass through; parts are stored, and the
 * event is joined once every part has been stored (by this job or earlier ones of the same group: jobs of a
 * group run one at a time, so two jobs never race to assemble the same event).
 */
export async function assembleRelayEvents(wire: readonly RelayWireEvent[], deps: { readonly store: KeyValueStore; readonly logger: Logger }): Promise<AssembledEvents> {
  const parts = wire.filter((e): e is RelayEventPart => 'part' in e);
  if (parts.length === 0) return { events: wire.filter((e): e is RelayEvent => 'body' in e), waiting: [], broken: [] };

  await deps.store.setMany(
    parts.map((p) => ({ key: relayPartKey(p.part.eventId, p.part.sha256, p.part.index), value: p })),
    { ttlSeconds: RELAY_PART_TTL_SECONDS },
  );
  // The last position of each event's parts in this job, with its count and hash.
  const lastPart = new Map<string, RelayEventPart>();
  for (const p of parts) lastPart.set(p.part.eventId, p);
  const joined = new Map<string, RelayEvent>();
  const waiting: string[] = [];
  const broken: { eventId: string; reason: string }[] = [];
  for (const [eventId, p] of lastPart) {
    const keys = Array.from({ length: p.part.count }, (_, i) => relayPartKey(eventId, p.part.sha256, i));
    const stored = await deps.store.getMany<RelayEventPart>(keys);
    if (stored.size < keys.length) {
      waiting.push(eventId);
      continue;
    }
    const result = joinParts([...stored.values()]);
    if (result.ok) joined.set(eventId, result.event);
    else {
      broken.push({ eventId, reason: result.reason });
      deps.logger.error('relay event parts do not join', { eventId, reason: result.reason });
    }
  }
  const events: RelayEvent[] = [];
  wire.forEach((e) => {
    if ('body' in e) events.push(e);
    else if (lastPart.get(e.part.eventId) === e) {
      const event = joined.get(e.part.eventId);
      if (event) events.push(event);
    }
  });
  if (waiting.length > 0) deps.logger.info('relay event parts waiting for the rest', { events: waiting.length });
  return { events, waiting, broken };
}
