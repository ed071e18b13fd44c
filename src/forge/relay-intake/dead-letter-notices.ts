import type { DeadLetterNotice } from '../../shared/relay-envelope';
import { recordDelivery, recordFailedDelivery, type DeliveryLogDeps } from '../delivery/delivery-log';
import { relayRequeueCommand } from '../delivery/delivery-record';

/**
 * Files what the relay's dead-letter notices say: a failed delivery (listed on the settings page, its Retry
 * pointing at the relay's requeue) and a failed line in the delivery log. Idempotent by event id: both keys
 * derive from the event's id and receivedAt, and the line of an event already logged with the same outcome is
 * left alone, so a notice delivered twice writes the same record. Nothing is queued: a notice has no body.
 */
export async function recordDeadLetterNotices(notices: readonly DeadLetterNotice[], deps: DeliveryLogDeps): Promise<void> {
  for (const notice of notices) {
    const delivery = { eventId: notice.id, source: notice.source, groupKey: notice.groupKey, receivedAt: notice.receivedAt };
    const reason = `dead-lettered by the relay (${notice.sizeBytes} bytes, ${notice.source} event ${notice.id}, sequence ${notice.sequence}): ${notice.reason}; re-send it on the relay: ${relayRequeueCommand(notice.id)}`;
    const relayDeadLetter = { source: notice.source, sequence: notice.sequence, sizeBytes: notice.sizeBytes, deadLetteredAt: notice.deadLetteredAt };
    await recordFailedDelivery({ ...delivery, requeue: { relayDeadLetter } }, 0, 'relay-dead-letter', reason, deps);
    await recordDelivery(delivery, 0, { kind: 'failed', reason, problems: [], relayDeadLetter: true }, deps);
  }
}
