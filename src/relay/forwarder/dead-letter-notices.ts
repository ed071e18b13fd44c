import { MAX_DEAD_LETTER_REASON_CHARS, RELAY_ENVELOPE_VERSION, type DeadLetterNotice } from '../../shared/relay-envelope';
import type { FailedEvent } from '../outbox/outbox';

/** What the app is told about a dead letter: where it came from, how big, why; never its body. */
export function noticeOf(dead: FailedEvent): DeadLetterNotice {
  return {
    kind: 'dead-letter',
    id: dead.id,
    source: dead.source,
    receivedAt: dead.receivedAt,
    sequence: dead.sequence,
    groupKey: dead.groupKey,
    sizeBytes: dead.sizeBytes,
    reason: dead.reason.slice(0, MAX_DEAD_LETTER_REASON_CHARS) || 'unknown',
    deadLetteredAt: dead.failedAt,
  };
}

/** A dead letter is notified once per time it failed: re-queued and dead-lettered again, it is notified again. */
export const noticeKey = (dead: FailedEvent): string => `${dead.id}@${dead.failedAt}`;

/** The oldest-first notices that fit one batch (count and bytes), as the exact JSON to sign. */
export function noticeBatch(due: readonly FailedEvent[], maxEvents: number, maxBytes: number): { readonly body: string; readonly sent: readonly FailedEvent[] } | undefined {
  const sent: FailedEvent[] = [];
  const jsons: string[] = [];
  let bytes = Buffer.byteLength(`{"version":${RELAY_ENVELOPE_VERSION},"events":[]}`);
  for (const dead of due) {
    const json = JSON.stringify(noticeOf(dead));
    const size = Buffer.byteLength(json) + 1;
    if (sent.length >= maxEvents || bytes + size > maxBytes) break;
    sent.push(dead);
    jsons.push(json);
    bytes += size;
  }
  if (sent.length === 0) return undefined;
  return { body: `{"version":${RELAY_ENVELOPE_VERSION},"events":[${jsons.join(',')}]}`, sent };
}
