import type { EventSource } from '../../shared/relay-envelope';

/** Suppress an event whose key was accepted for the same source less than `windowMs` ago. */
export interface DedupRule {
  readonly key: string;
  readonly windowMs: number;
}

export interface NewEvent {
  readonly source: EventSource;
  readonly receivedMs: number;
  readonly groupKey: string;
  /** The validated body exactly as received (JSON text of an object): stored and forwarded unchanged. */
  readonly bodyJson: string;
  readonly dedup: DedupRule;
}

/** For a duplicate, `id` is the id of the event accepted first. */
export interface AcceptResult {
  readonly id: string;
  readonly duplicate: boolean;
}

export interface StoredEvent {
  readonly id: string;
  readonly source: EventSource;
  readonly receivedAt: string;
  /** The database's accept order (SQLite `seq`, PostgreSQL identity): RelayEvent.sequence. */
  readonly sequence: number;
  readonly groupKey: string;
  /** The body exactly as stored (JSON text), so forwarding does not re-serialise it. */
  readonly bodyJson: string;
}

/** A dead letter: an event the web trigger can never take, kept with why until an operator re-queues it. */
export interface FailedEvent {
  readonly id: string;
  readonly source: EventSource;
  readonly groupKey: string;
  readonly sequence: number;
  /** Bytes of the stored body. */
  readonly sizeBytes: number;
  readonly reason: string;
  readonly failedAt: string;
}

export interface OutboxStats {
  readonly pending: number;
  readonly failed: number;
  readonly oldestPendingReceivedMs: number | null;
  readonly failedByReason: readonly { readonly source: EventSource; readonly reason: string; readonly count: number }[];
}

/** Durable store of accepted events between the 202 and the web trigger's ack. */
export interface Outbox {
  /** Resolves once the event (or the decision that it is a duplicate) is durably committed. */
  accept(event: NewEvent): Promise<AcceptResult>;
  /** Pending events, oldest first. */
  pending(limit: number): Promise<StoredEvent[]>;
  /** Deletes these ids; returns how many rows went. */
  remove(ids: readonly string[]): Promise<number>;
  /** Keeps the events but stops forwarding them, recording why. */
  markFailed(ids: readonly string[], reason: string, nowMs: number): Promise<number>;
  /** Puts failed events back in the queue: these ids, or every one (operator action after fixing the cause). */
  requeueFailed(ids?: readonly string[]): Promise<number>;
  /** Failed events, most recently failed first. */
  failed(limit: number): Promise<FailedEvent[]>;
  stats(): Promise<OutboxStats>;
  /** Forgets duplicate-suppression keys whose window has passed. */
  pruneDedup(nowMs: number): Promise<number>;
  /** Called after each commit that stored at least one new event. */
  onAccepted(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Every operation the SQLite store runs; one message each when the store lives in a worker thread. */
export type StoreRequest =
  | { readonly op: 'accept'; readonly events: readonly NewEvent[] }
  | { readonly op: 'pending'; readonly limit: number }
  | { readonly op: 'remove'; readonly ids: readonly string[] }
  | { readonly op: 'markFailed'; readonly ids: readonly string[]; readonly reason: string; readonly nowMs: number }
  | { readonly op: 'requeueFailed'; readonly ids?: readonly string[] }
  | { readonly op: 'failed'; readonly limit: number }
  | { readonly op: 'stats' }
  | { readonly op: 'pruneDedup'; readonly nowMs: number };

export interface StoreResults {
  accept: AcceptResult[];
  pending: StoredEvent[];
  remove: number;
  markFailed: number;
  requeueFailed: number;
  failed: FailedEvent[];
  stats: OutboxStats;
  pruneDedup: number;
}

/** Runs store operations somewhere (this thread or a worker), strictly in the order they were called. */
export interface StoreExecutor {
  call<R extends StoreRequest>(request: R): Promise<StoreResults[R['op']]>;
  close(): Promise<void>;
}
