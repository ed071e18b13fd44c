import type { RelayEvent, RelayWireEvent } from '../../shared/relay-envelope';
import { alertmanagerWebhookSchema } from '../../shared/alertmanager-webhook';
import { MAX_PENDING_DIGESTS, digestOf, supersededBy, type PendingDigest } from '../domain/alerts/coalesce';
import { StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { concurrencyKeyFor } from '../relay-intake/queue-jobs';

/**
 * The per-group slot of waiting Alertmanager notifications (domain/alerts/coalesce.ts): one KVS key per noted
 * notification, `alert-pending:<concurrency key>:<inverted sequence>`, so the web trigger only writes (one write per
 * notification, no read) and the consumer reads the group's newest few with one prefix query per job. Keys live an
 * hour (a notification waiting longer than that is simply applied, not coalesced).
 */
export const PENDING_TTL_SECONDS = 3_600;
const SEQUENCE_DIGITS = 16;

function slotPrefix(groupKey: string): string {
  return StorageKeys.alertPending(concurrencyKeyFor(groupKey));
}

function slotKey(groupKey: string, sequence: number): string {
  return `${slotPrefix(groupKey)}${String(Number.MAX_SAFE_INTEGER - sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

function notificationOf(body: unknown): { alerts: ReturnType<typeof alertmanagerWebhookSchema.parse>['alerts'] } | null {
  const parsed = alertmanagerWebhookSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/**
 * Notes the queued Alertmanager events in their group's slot. Parts and parked bodies (large groups) are not
 * noted: they only lose coalescing. A failed write is logged, not thrown: the events are queued, and a notification
 * missing from the slot is simply applied.
 */
export async function notePendingNotifications(events: readonly RelayWireEvent[], store: KeyValueStore, logger: Logger): Promise<void> {
  const entries: { key: string; value: PendingDigest }[] = [];
  for (const event of events) {
    if (event.source !== 'alertmanager' || 'part' in event) continue;
    const notification = notificationOf(event.body);
    const digest = notification ? digestOf(event.id, event.sequence, notification) : null;
    if (digest) entries.push({ key: slotKey(event.groupKey, event.sequence), value: digest });
  }
  if (entries.length === 0) return;
  try {
    await store.setMany(entries, { ttlSeconds: PENDING_TTL_SECONDS });
  } catch (error) {
    logger.warn('pending notifications not noted (no coalescing for them)', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** The group's newest noted notifications (newest first), for a job about to apply its notifications. */
export async function loadPendingSlot(store: KeyValueStore, groupKey: string): Promise<readonly PendingDigest[]> {
  const page = await store.listByPrefix<PendingDigest>(slotPrefix(groupKey), { limit: MAX_PENDING_DIGESTS });
  return page.results.map((r) => r.value);
}

/** The id of a newer waiting notification that covers this one (then this one is skipped), if any. */
export function coveringNotification(event: RelayEvent, slot: readonly PendingDigest[]): string | undefined {
  if (slot.length === 0) return undefined;
  const notification = notificationOf(event.body);
  return notification ? supersededBy(event.id, event.sequence, notification, slot)?.id : undefined;
}
