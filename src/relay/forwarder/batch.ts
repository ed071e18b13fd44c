import type { StoredEvent } from '../outbox/outbox';
import { MAX_EVENT_PARTS, MAX_INLINE_EVENT_BYTES, RELAY_ENVELOPE_VERSION } from '../../shared/relay-envelope';
import { encodeBody, splitIntoParts } from '../../shared/relay-parts';

/** One stored event as it travels: its inline RelayEvent, or its RelayEventParts. */
export interface WireEvent {
  readonly event: StoredEvent;
  /** Ids the web trigger acknowledges: the event id, or one id per part. */
  readonly wireIds: readonly string[];
  /** JSON of each wire event, in order. */
  readonly jsons: readonly string[];
}

export interface Batch {
  /** The batch JSON, exactly the bytes that are signed and sent. */
  readonly body: string;
  readonly events: readonly WireEvent[];
}

export interface Batching {
  readonly batch: Batch | undefined;
  /** The head event when its parts need more than one batch: sent alone by `spanningBatches`. */
  readonly spanning: WireEvent | undefined;
  /** Events that can never be forwarded, with why (only events stored before the limits changed). */
  readonly tooLarge: readonly { readonly event: StoredEvent; readonly reason: string }[];
}

const PREFIX = `{"version":${RELAY_ENVELOPE_VERSION},"events":[`;
const SUFFIX = ']}';
const FRAME_BYTES = Buffer.byteLength(PREFIX) + Buffer.byteLength(SUFFIX);

/** One event as RelayEvent JSON; the stored body text is spliced in, not re-serialised. */
export function eventJson(event: StoredEvent): string {
  return (
    `{"id":${JSON.stringify(event.id)},"source":${JSON.stringify(event.source)},` +
    `"receivedAt":${JSON.stringify(event.receivedAt)},"sequence":${event.sequence},"groupKey":${JSON.stringify(event.groupKey)},"body":${event.bodyJson}}`
  );
}

/** Inline when small enough for one Forge queue event, else gzip+base64 parts (see relay-envelope.ts). */
export function toWire(event: StoredEvent): WireEvent | { readonly event: StoredEvent; readonly reason: string } {
  const inline = eventJson(event);
  if (Buffer.byteLength(inline) <= MAX_INLINE_EVENT_BYTES) return { event, wireIds: [event.id], jsons: [inline] };
  const encoded = encodeBody(event.bodyJson);
  if (encoded.parts > MAX_EVENT_PARTS) {
    return { event, reason: `too-large: ${Buffer.byteLength(event.bodyJson)} bytes gzip to ${encoded.parts} parts, over ${MAX_EVENT_PARTS}` };
  }
  const parts = splitIntoParts({ id: event.id, source: event.source, receivedAt: event.receivedAt, sequence: event.sequence, groupKey: event.groupKey }, encoded);
  return { event, wireIds: parts.map((p) => p.id), jsons: parts.map((p) => JSON.stringify(p)) };
}

/** Room left for the envelope fields around a body (groupKey is at most 2,048 characters). */
const ENVELOPE_ALLOWANCE = 4096;

/**
 * Whether the forwarder will be able to carry this body: called before storing, so what cannot be carried is
 * refused (413) instead of acknowledged and dropped. Small bodies skip the gzip.
 */
export function carriable(bodyJson: string): { readonly ok: true } | { readonly ok: false; readonly parts: number } {
  if (Buffer.byteLength(bodyJson) <= MAX_INLINE_EVENT_BYTES - ENVELOPE_ALLOWANCE) return { ok: true };
  const { parts } = encodeBody(bodyJson);
  return parts <= MAX_EVENT_PARTS ? { ok: true } : { ok: false, parts };
}

const isWire = (w: ReturnType<typeof toWire>): w is WireEvent => 'jsons' in w;
const wireBytes = (w: WireEvent) => w.jsons.reduce((n, j) => n + Buffer.byteLength(j) + 1, 0);

/**
 * Takes events in order while the batch stays within both limits (counted in wire events: an event's parts
 * all go in the same batch). A head event whose parts cannot share one batch is returned as `spanning`.
 */
export function buildBatch(events: readonly StoredEvent[], maxEvents: number, maxBytes: number): Batching {
  const taken: WireEvent[] = [];
  const tooLarge: { event: StoredEvent; reason: string }[] = [];
  let count = 0;
  let bytes = FRAME_BYTES;
  for (const event of events) {
    const wire = toWire(event);
    if (!isWire(wire)) {
      // Only skip an unforwardable event at the head; later ones wait their turn to keep order.
      if (taken.length === 0) {
        tooLarge.push(wire);
        continue;
      }
      break;
    }
    const size = wireBytes(wire);
    if (FRAME_BYTES + size > maxBytes || wire.jsons.length > maxEvents) {
      if (wire.jsons.some((j) => FRAME_BYTES + Buffer.byteLength(j) > maxBytes)) {
        if (taken.length === 0) {
          tooLarge.push({ event, reason: `too-large: ${Buffer.byteLength(wire.jsons[0] ?? '')} bytes as a batch, over ${maxBytes}` });
          continue;
        }
        break;
      }
      return { batch: batchOf(taken), spanning: taken.length === 0 ? wire : undefined, tooLarge };
    }
    if (count + wire.jsons.length > maxEvents || bytes + size > maxBytes) break;
    taken.push(wire);
    count += wire.jsons.length;
    bytes += size;
  }
  return { batch: batchOf(taken), spanning: undefined, tooLarge };
}

function batchOf(taken: readonly WireEvent[]): Batch | undefined {
  return taken.length === 0 ? undefined : { body: PREFIX + taken.flatMap((w) => w.jsons).join(',') + SUFFIX, events: taken };
}

/** The parts of one spanning event cut into consecutive batches, each within both limits. */
export function spanningBatches(wire: WireEvent, maxEvents: number, maxBytes: number): { readonly body: string; readonly ids: readonly string[] }[] {
  const out: { body: string; ids: string[] }[] = [];
  let jsons: string[] = [];
  let ids: string[] = [];
  let bytes = FRAME_BYTES;
  const flush = () => {
    if (jsons.length > 0) out.push({ body: PREFIX + jsons.join(',') + SUFFIX, ids });
    jsons = [];
    ids = [];
    bytes = FRAME_BYTES;
  };
  wire.jsons.forEach((json, i) => {
    const size = Buffer.byteLength(json) + 1;
    if (jsons.length >= maxEvents || bytes + size > maxBytes) flush();
    jsons.push(json);
    ids.push(wire.wireIds[i] ?? '');
    bytes += size;
  });
  flush();
  return out;
}
