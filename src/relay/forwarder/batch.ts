import type { StoredEvent } from '../outbox/outbox';
import { RELAY_ENVELOPE_VERSION } from '../../shared/relay-envelope';

export interface Batch {
  /** The `RelayBatch` JSON, exactly the bytes that are signed and sent. */
  readonly body: string;
  readonly events: readonly StoredEvent[];
}

export interface Batching {
  readonly batch: Batch | undefined;
  /** Events that alone exceed the byte limit: they can never be forwarded. */
  readonly tooLarge: readonly StoredEvent[];
}

const PREFIX = `{"version":${RELAY_ENVELOPE_VERSION},"events":[`;
const SUFFIX = ']}';

/** One event as RelayEvent JSON; the stored body text is spliced in, not re-serialised. */
export function eventJson(event: StoredEvent): string {
  return (
    `{"id":${JSON.stringify(event.id)},"source":${JSON.stringify(event.source)},` +
    `"receivedAt":${JSON.stringify(event.receivedAt)},"sequence":${event.sequence},"groupKey":${JSON.stringify(event.groupKey)},"body":${event.bodyJson}}`
  );
}

/** Takes events in order while the batch stays within both limits. */
export function buildBatch(events: readonly StoredEvent[], maxEvents: number, maxBytes: number): Batching {
  const parts: string[] = [];
  const taken: StoredEvent[] = [];
  const tooLarge: StoredEvent[] = [];
  let bytes = Buffer.byteLength(PREFIX) + Buffer.byteLength(SUFFIX);
  for (const event of events) {
    if (taken.length >= maxEvents) break;
    const json = eventJson(event);
    const size = Buffer.byteLength(json);
    const withComma = size + (parts.length > 0 ? 1 : 0);
    if (Buffer.byteLength(PREFIX) + Buffer.byteLength(SUFFIX) + size > maxBytes) {
      // Only skip an oversized event at the head; later ones wait their turn to keep order.
      if (taken.length === 0) {
        tooLarge.push(event);
        continue;
      }
      break;
    }
    if (bytes + withComma > maxBytes) break;
    parts.push(json);
    taken.push(event);
    bytes += withComma;
  }
  return {
    batch: taken.length === 0 ? undefined : { body: PREFIX + parts.join(',') + SUFFIX, events: taken },
    tooLarge,
  };
}
