import { sha256Hex } from './problem-key';
import { alertState, type AlertInput } from './problems';

/**
 * Coalescing a group's waiting notifications (issue 13). On Forge, events of a busy concurrency key wait out a
 * backoff and then run in any order, so in a storm several notifications of one Alertmanager group wait at once.
 * The web trigger notes what each accepted notification says in a per-group "pending" slot; a consumer about to
 * apply a notification that a newer one in the slot already covers skips it as superseded, so the group's Jira
 * work is done once, for the newest state.
 *
 * "Covers" is decided by Alertmanager's own per-alert state and times, never by arrival order or the relay's
 * sequence alone (an HA replica that lags sends an older state later): the newer notification must carry every
 * alert of the skipped one in the same state with the same startsAt, and more (a group that grew).
 * Applying it alone then ends in the state applying both in order ends in: every alert of the skipped one is in it
 * unchanged, and it infers no less from an absent alert. A notification whose alert resolved or fired again since is
 * not covered: in order it would have made its own issue or comment (a flap that resolved while waiting still gets
 * its issue, as a late firing does, see decide.ts). Identical copies (HA replicas, repeats) cover nothing: each
 * runs and finds nothing changed, at no Jira call; the covering one always has a higher sequence, so no two
 * notifications skip each other.
 */

/**
 * One waiting notification as the slot keeps it: per alert, the first 16 hex digits (64 bits) of
 * sha256(`<fingerprint>|<state>|<startsAt>`), sorted. ~19 bytes an alert instead of ~55, so the consumer's read of
 * the group's newest digests stays one KVS read unit (10 KB) in a storm; a false "same alert, same observation"
 * needs a 64-bit collision between two alerts of one group (about 1 in 10^16 for two 50-alert notifications).
 */
export interface PendingDigest {
  readonly id: string;
  readonly sequence: number;
  readonly alerts: readonly string[];
}

/** A notification is noted only up to this many alerts (its digest is one KVS value of ~19 bytes an alert). */
export const MAX_DIGEST_ALERTS = 600;
/** The slot keeps the newest few notifications by sequence: enough to cover any waiting one, bounded in size. */
export const MAX_PENDING_DIGESTS = 4;

export interface NotificationAlerts {
  readonly alerts: readonly AlertInput[];
}

const HASH_HEX = 16;

function observation(alert: AlertInput): string {
  return sha256Hex(`${alert.fingerprint}|${alertState(alert)}|${alert.startsAt}`).slice(0, HASH_HEX);
}

/** The digest of a notification, or null when it cannot cover another (too many alerts, an alert without fingerprint). */
export function digestOf(id: string, sequence: number, notification: NotificationAlerts): PendingDigest | null {
  if (notification.alerts.length === 0 || notification.alerts.length > MAX_DIGEST_ALERTS) return null;
  const fingerprints = new Set<string>();
  for (const alert of notification.alerts) {
    if (typeof alert.fingerprint !== 'string' || alert.fingerprint === '' || fingerprints.has(alert.fingerprint)) return null;
    fingerprints.add(alert.fingerprint);
  }
  return { id, sequence, alerts: notification.alerts.map(observation).sort() };
}

/**
 * The slot's notification that covers this one, if any: a different notification with a higher relay sequence
 * that carries each of this one's alerts unchanged, and more. Such a notification is applied (or was, or is a failed
 * delivery to retry), so this one adds nothing.
 */
export function supersededBy(id: string, sequence: number, notification: NotificationAlerts, slot: readonly PendingDigest[]): PendingDigest | undefined {
  const mine = digestOf(id, sequence, notification);
  if (!mine) return undefined;
  return slot.find((other) => {
    // Strictly more alerts: an identical copy (HA replica, repeat) is left to run, as it costs no Jira call anyway
    // ("unchanged") and its delivery-log line folds with the others.
    if (other.id === id || other.sequence <= sequence || other.alerts.length <= mine.alerts.length) return false;
    const theirs = new Set(other.alerts);
    return mine.alerts.every((seen) => theirs.has(seen));
  });
}

/** The slot with these digests added: newest by sequence first, one per id, at most MAX_PENDING_DIGESTS. */
export function withPending(slot: readonly PendingDigest[], added: readonly PendingDigest[]): PendingDigest[] {
  const byId = new Map<string, PendingDigest>();
  for (const d of [...added, ...slot]) if (!byId.has(d.id)) byId.set(d.id, d);
  return [...byId.values()].sort((a, b) => b.sequence - a.sequence).slice(0, MAX_PENDING_DIGESTS);
}
