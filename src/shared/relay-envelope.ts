import { z } from 'zod';

/**
 * The contract between the relay and the Forge app's ingest web trigger.
 *
 * The relay stores every accepted webhook as one RelayEvent and forwards them in signed batches.
 * `id` is assigned by the relay when it accepts the webhook and never changes across forwarding
 * retries, so the web trigger and the consumer can drop replays by id.
 *
 * `sequence` is assigned by the relay's database in the same commit that stores the event: an integer
 * ≥ 1, strictly increasing across every event the relay accepts (so monotonic per source). It orders the
 * deliveries and retries of the same source (a later webhook of a group supersedes an earlier one even
 * if a retry delivers them out of order); it does NOT decide between the copies that Alertmanager HA
 * replicas send of the same group — their alerts' startsAt/endsAt do.
 */
export const RELAY_ENVELOPE_VERSION = 1 as const;

/** Forge's async queue accepts at most 50 events and 200 KB per push; one batch never exceeds that. */
export const MAX_EVENTS_PER_BATCH = 50;
export const MAX_BATCH_BYTES = 190 * 1024;

/**
 * Forge async events: 100 KB per event when the consumer's timeout is over 55 s [FORGE-NOTES "Async
 * events", D limits-async-events]. The app puts each event on the queue in a job of its own group, so an
 * event forwarded inline stays well under it, and anything bigger travels gzipped in parts.
 */
export const FORGE_MAX_EVENT_BYTES = 100 * 1024;
/** An event whose RelayEvent JSON is larger than this is forwarded as gzip+base64 parts (RelayEventPart). */
export const MAX_INLINE_EVENT_BYTES = 64 * 1024;
/** Base64 characters of the gzipped body in one part (a multiple of 4, so each part decodes on its own). */
export const PART_DATA_CHARS = 64 * 1024;
/** Most parts one event may need; the relay refuses (413, before storing) a body that would need more. */
export const MAX_EVENT_PARTS = 64;

const eventIdSchema = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'event id must be 8-64 url-safe characters');

export const eventSourceSchema = z.enum(['alertmanager', 'impact']);
export type EventSource = z.infer<typeof eventSourceSchema>;

export const relayEventSchema = z.object({
  id: eventIdSchema,
  source: eventSourceSchema,
  receivedAt: z.iso.datetime(),
  /** Accept order assigned by the relay's database (see above); never reused, never changes on retry. */
  sequence: z.number().int().positive(),
  /** Routing key chosen by the relay: Alertmanager groupKey or Impact incident id. */
  groupKey: z.string().min(1).max(2048),
  /** The validated webhook body, as the relay received it. Validated again by source in the app. */
  body: z.record(z.string(), z.unknown()),
});
export type RelayEvent = z.infer<typeof relayEventSchema>;

/**
 * One part of a RelayEvent too large to travel inline: `gzip(body JSON)` in base64, cut into `count` slices
 * of at most PART_DATA_CHARS. Every part has its own id (`<eventId>-<index>`, so the web trigger's replay
 * check treats parts separately) and the event's source, receivedAt, sequence and groupKey (so parts of a
 * group share its queue lane). `sha256` is of the whole base64 text: the app joins the parts with equal
 * eventId and sha256, checks the hash, gunzips and applies the event once, as if it had come inline.
 */
export const relayEventPartSchema = relayEventSchema.omit({ body: true }).extend({
  part: z.object({
    eventId: eventIdSchema,
    index: z.number().int().nonnegative(),
    count: z.number().int().min(1).max(MAX_EVENT_PARTS),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    gzipBase64: z.string().min(1).max(PART_DATA_CHARS).regex(/^[A-Za-z0-9+/]+=*$/, 'part data must be base64'),
  }).refine((p) => p.index < p.count, 'part index must be below count'),
});
export type RelayEventPart = z.infer<typeof relayEventPartSchema>;

/** What travels in a batch: a whole event, or one part of a large one. */
export const relayWireEventSchema = z.union([relayEventSchema.strict(), relayEventPartSchema.strict()]);
export type RelayWireEvent = z.infer<typeof relayWireEventSchema>;

/** One signed POST from the relay to the web trigger: whole events and parts, in relay order. */
export const relayBatchSchema = z.object({
  version: z.literal(RELAY_ENVELOPE_VERSION),
  events: z.array(relayWireEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type RelayBatch = z.infer<typeof relayBatchSchema>;


/** What the web trigger answers with 202: ids it queued now, and ids it had already seen. */
export const ingestAckSchema = z.object({
  accepted: z.array(z.string()),
  duplicates: z.array(z.string()),
});
export type IngestAck = z.infer<typeof ingestAckSchema>;
