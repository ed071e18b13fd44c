/**
 * Names shared between manifest.yml and the code. Storage keys are prefixes; the KVS key alphabet is
 * `[a-zA-Z0-9:._\s-#]`, so anything user-controlled goes into a key only as a hash.
 */
export const QUEUE_KEY = 'bridge-events';
export const INGEST_WEBTRIGGER_KEY = 'ingest';

export const SecretKeys = {
  relaySigningKeys: 'relay-signing-keys',
} as const;

export const StorageKeys = {
  /** Marker that the web trigger queued an event: `seen:<eventId>`. */
  seenEvent: (eventId: string) => `seen:${eventId}`,
  /** Marker that the consumer applied an event: `applied:<eventId>`. */
  appliedEvent: (eventId: string) => `applied:${eventId}`,
  /** Delivery log, sortable by time: `dlv:<received ms, 13 digits>:<eventId>`. */
  deliveryPrefix: 'dlv:',
  delivery: (receivedAtMs: number, eventId: string) => `dlv:${String(receivedAtMs).padStart(13, '0')}:${eventId}`,
  /** Last event received per source, for the settings page. */
  lastReceived: (source: string) => `last-received:${source}`,
  /** Status category mirror of issues the app tracks: `issue-status:<issueId>`. */
  issueStatus: (issueId: string) => `issue-status:${issueId}`,
  lastScheduledRun: (triggerKey: string) => `scheduled-run:${triggerKey}`,
} as const;

/** Replay markers outlive the relay's retry horizon by a wide margin. */
export const SEEN_EVENT_TTL_DAYS = 7;
export const APPLIED_EVENT_TTL_DAYS = 30;
