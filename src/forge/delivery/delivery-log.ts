import type { EventSource, RelayEvent } from '../../shared/relay-envelope';
import { StorageKeys } from '../constants';
import type { IncidentResyncJob, JiraChangeJob } from '../jobs';
import type { Clock } from '../ports/clock';
import type { KeyValueStore } from '../ports/key-value-store';
import type { DeliveryRecord, FailedDelivery } from './delivery-record';

/** What writing to the delivery log needs. */
export interface DeliveryLogDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
}

/** What retrying a failed delivery queues again: a relay event, a Jira change or a resync. */
export type Requeue =
  | { readonly event: RelayEvent }
  | { readonly jiraChange: JiraChangeJob['change'] }
  | { readonly resync: Omit<IncidentResyncJob, 'kind'> };

/** The fields a delivery-log line and a failed delivery share; `receivedAt` (ISO) also dates their keys. */
export interface DeliveryRef {
  readonly eventId: string;
  readonly groupKey: string;
  readonly receivedAt: string;
}

/** A relay event as the delivery log sees it. */
export function relayDelivery(event: RelayEvent): DeliveryRef & { readonly source: EventSource; readonly requeue: Requeue } {
  return { eventId: event.id, source: event.source, groupKey: event.groupKey, receivedAt: event.receivedAt, requeue: { event } };
}

/** A delivery's line in the delivery log and its key (one key per delivery, so a retry overwrites its own line). */
export function deliveryLine(delivery: DeliveryRef & { readonly source: EventSource }, attempt: number, outcome: DeliveryRecord['outcome'], nowMs: number): { readonly key: string; readonly entry: DeliveryRecord } {
  const entry: DeliveryRecord = {
    eventId: delivery.eventId,
    source: delivery.source,
    groupKey: delivery.groupKey,
    receivedAt: delivery.receivedAt,
    processedAt: new Date(nowMs).toISOString(),
    attempt,
    outcome,
  };
  return { key: StorageKeys.delivery(Date.parse(delivery.receivedAt), delivery.eventId), entry };
}

export async function recordDelivery(delivery: DeliveryRef & { readonly source: EventSource }, retryCount: number, outcome: DeliveryRecord['outcome'], deps: DeliveryLogDeps): Promise<void> {
  const line = deliveryLine(delivery, retryCount + 1, outcome, deps.clock.now());
  await deps.store.set(line.key, line.entry);
}

/** Keeps the delivery as a failed one with its reason, so it is listed and can be retried. */
export async function recordFailedDelivery(delivery: DeliveryRef & { readonly requeue: Requeue }, retryCount: number, failureKind: string, reason: string, deps: DeliveryLogDeps): Promise<void> {
  const failedDelivery: FailedDelivery = {
    eventId: delivery.eventId,
    groupKey: delivery.groupKey,
    receivedAt: delivery.receivedAt,
    failedAt: new Date(deps.clock.now()).toISOString(),
    attempts: retryCount + 1,
    failureKind,
    reason,
    ...delivery.requeue,
  };
  await deps.store.set(StorageKeys.failedDelivery(Date.parse(delivery.receivedAt), delivery.eventId), failedDelivery);
}
