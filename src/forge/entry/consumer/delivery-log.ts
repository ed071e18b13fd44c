import type { RelayEvent } from '../../../shared/relay-envelope';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { DeliveryRecord, FailedDelivery } from './delivery-record';

/** What writing to the delivery log needs. */
export interface DeliveryLogDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
}

/** The event's line in the delivery log (one key per event, so a retry overwrites its own line). */
export async function recordDelivery(event: RelayEvent, retryCount: number, outcome: DeliveryRecord['outcome'], deps: DeliveryLogDeps): Promise<void> {
  const entry: DeliveryRecord = {
    eventId: event.id,
    source: event.source,
    groupKey: event.groupKey,
    receivedAt: event.receivedAt,
    processedAt: new Date(deps.clock.now()).toISOString(),
    attempt: retryCount + 1,
    outcome,
  };
  await deps.store.set(StorageKeys.delivery(Date.parse(event.receivedAt), event.id), entry);
}

/** Keeps the event as a failed delivery with its reason, so it is listed and can be retried. */
export async function recordFailedDelivery(event: RelayEvent, retryCount: number, failureKind: string, reason: string, deps: DeliveryLogDeps): Promise<void> {
  const failedDelivery: FailedDelivery = {
    eventId: event.id,
    groupKey: event.groupKey,
    receivedAt: event.receivedAt,
    failedAt: new Date(deps.clock.now()).toISOString(),
    attempts: retryCount + 1,
    failureKind,
    reason,
    event,
  };
  await deps.store.set(StorageKeys.failedDelivery(Date.parse(event.receivedAt), event.id), failedDelivery);
}
