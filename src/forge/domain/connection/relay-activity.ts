/**
 * What the app knows of the relay's signing from records it already keeps: the `last-received:<source>` value
 * per source (written once per accepted batch, now with the key id) and the last rejected batch.
 */
import type { StoredSigningKey } from './signing-keys';

/** `last-received:<source>`: newest event time, and (since key rotation) the batch that carried it. */
export interface LastReceivedRecord {
  readonly receivedAt: string;
  /** Key id the batch was signed with; absent on records written before it was kept, and for Jira events. */
  readonly keyId?: string;
  /** When the web trigger accepted that batch (ISO). */
  readonly acceptedAt?: string;
}

export interface RejectedBatchRecord {
  readonly at: string;
  readonly reason: string;
  readonly keyId: string | null;
}

/** At most one rejection write a minute: a misconfigured relay retrying must not burn the KVS write quota. */
export const REJECTION_RECORD_INTERVAL_MS = 60_000;

export function shouldRecordRejection(previous: RejectedBatchRecord | undefined, nowMs: number): boolean {
  if (!previous) return true;
  const at = Date.parse(previous.at);
  return !Number.isFinite(at) || nowMs - at >= REJECTION_RECORD_INTERVAL_MS || nowMs < at;
}

export interface RelayActivity {
  /** Key id of the newest accepted relay batch, or null when none is known. */
  readonly relayKeyId: string | null;
  readonly lastAcceptedAt: string | null;
  /** Per key id: the newest accepted batch signed with it. */
  readonly lastUsed: ReadonlyMap<string, string>;
}

export function relayActivity(records: readonly (LastReceivedRecord | undefined)[]): RelayActivity {
  let newest: { at: string; keyId: string } | null = null;
  const lastUsed = new Map<string, string>();
  for (const record of records) {
    if (!record?.keyId) continue;
    const at = record.acceptedAt ?? record.receivedAt;
    const used = lastUsed.get(record.keyId);
    if (used === undefined || at > used) lastUsed.set(record.keyId, at);
    if (newest === null || at > newest.at) newest = { at, keyId: record.keyId };
  }
  return { relayKeyId: newest?.keyId ?? null, lastAcceptedAt: newest?.at ?? null, lastUsed };
}

/** A key as people see it (the Connection tab's contract re-exports it): id and times, never the secret. */
export interface SigningKeyStatus {
  readonly id: string;
  /** When the key was added (ISO); null for keys added before rotation existed. */
  readonly addedAt: string | null;
  /** The newest accepted relay batch signed with this key that the app still has on record. */
  readonly lastUsedAt: string | null;
  /** The relay signed its newest accepted batch with this key: retiring it would stop the relay. */
  readonly inUseByRelay: boolean;
}

/** The keys as people see them: ids and times only. */
export function keyViews(keys: readonly StoredSigningKey[], activity: RelayActivity): SigningKeyStatus[] {
  return keys.map((k) => ({ id: k.id, addedAt: k.createdAt ?? null, lastUsedAt: activity.lastUsed.get(k.id) ?? null, inUseByRelay: k.id === activity.relayKeyId }));
}
