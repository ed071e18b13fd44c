import type { EventSource } from '../../../shared/relay-envelope';

/** What the delivery log says about one relay event. Later features add outcomes (created, commented…). */
export type DeliveryOutcome = { readonly kind: 'recorded' } | { readonly kind: 'rejected'; readonly reason: string };

export interface DeliveryRecord {
  readonly eventId: string;
  readonly source: EventSource;
  readonly groupKey: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly attempt: number;
  readonly outcome: DeliveryOutcome;
}
