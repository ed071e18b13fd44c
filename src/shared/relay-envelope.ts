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

export const eventSourceSchema = z.enum(['alertmanager', 'impact']);
export type EventSource = z.infer<typeof eventSourceSchema>;

export const relayEventSchema = z.object({
  id: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'event id must be 8-64 url-safe characters'),
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

export const relayBatchSchema = z.object({
  version: z.literal(RELAY_ENVELOPE_VERSION),
  events: z.array(relayEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type RelayBatch = z.infer<typeof relayBatchSchema>;

/** What the web trigger answers with 202: ids it queued now, and ids it had already seen. */
export const ingestAckSchema = z.object({
  accepted: z.array(z.string()),
  duplicates: z.array(z.string()),
});
export type IngestAck = z.infer<typeof ingestAckSchema>;
