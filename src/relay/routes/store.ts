import { RelayError } from '../errors';
import type { AcceptedBody, RelayAppDeps } from '../app-types';
import type { NewEvent } from '../outbox/outbox';

/** Writes the event durably (or finds its duplicate) and counts it; the 202 is sent only after this. */
export async function storeEvent(deps: Pick<RelayAppDeps, 'outbox' | 'metrics'>, event: NewEvent): Promise<AcceptedBody> {
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
