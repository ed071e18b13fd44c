import { RelayError } from '../errors';
import type { AcceptedBody, RelayAppDeps } from '../app-types';
import type { NewEvent } from '../outbox/outbox';
import { carriable } from '../forwarder/batch';
import { MAX_EVENT_PARTS, PART_DATA_CHARS } from '../../shared/relay-envelope';

/** Writes the event durably (or finds its duplicate) and counts it; the 202 is sent only after this. */
export async function storeEvent(deps: Pick<RelayAppDeps, 'outbox' | 'metrics'>, event: NewEvent): Promise<AcceptedBody> {
  const carry = carriable(event.bodyJson);
  if (!carry.ok) {
    throw new RelayError(
      'payload-too-large',
      `body compresses to ${carry.parts} parts; the relay forwards at most ${MAX_EVENT_PARTS} parts of ${PART_DATA_CHARS} base64 characters`,
      { parts: carry.parts, maxParts: MAX_EVENT_PARTS },
    );
  }
  let result;
  try {
    result = await deps.outbox.accept(event);
  } catch (cause) {
    throw new RelayError('outbox-unavailable', 'the event could not be stored; retry later', undefined, { cause });
  }
  if (result.duplicate) deps.metrics.duplicate(event.source);
  else deps.metrics.accepted(event.source);
  return { accepted: true, id: result.id, duplicate: result.duplicate };
}
