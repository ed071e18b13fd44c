import type { EventSource, RelayEvent } from '../../shared/relay-envelope';
import { encodeBody, splitIntoParts } from '../../shared/relay-parts';
import { KVS_VALUE_MAX_BYTES } from '../constants';
import type { IncidentResyncJob, JiraChangeJob } from '../jobs';
import type { Clock } from '../ports/clock';
import type { KeyValueStore, StoredEntry } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { DeliveryKeys, facetsOf, indexKeysOf, type DeliveryIndexRef } from './delivery-keys';
import type { DeliveryRecord, FailedDelivery, RelayDeadLetter } from './delivery-record';
import { deliveryLogRetention } from './retention';

/** What writing to the delivery log needs; `env` carries the retention setting (Forge variables). */
export interface DeliveryLogDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** What retrying a failed delivery queues again: a relay event, a Jira change or a resync. */
export type Requeue =
  | { readonly event: RelayEvent }
  | { readonly jiraChange: JiraChangeJob['change'] }
  | { readonly resync: Omit<IncidentResyncJob, 'kind'> }
  /** Nothing the app can queue: the relay keeps the event (see RelayDeadLetter). */
  | { readonly relayDeadLetter: RelayDeadLetter };

/** The fields a delivery-log line and a failed delivery share; `receivedAt` (ISO) also dates their keys. */
export interface DeliveryRef {
  readonly eventId: string;
  readonly groupKey: string;
  readonly receivedAt: string;
  /** Jira projects the delivery targets, when known before Jira answers (alert rules' targets). */
  readonly projectKeys?: readonly string[];
}

/** A relay event as the delivery log sees it. */
export function relayDelivery(event: RelayEvent, projectKeys?: readonly string[]): DeliveryRef & { readonly source: EventSource; readonly requeue: Requeue } {
  return { eventId: event.id, source: event.source, groupKey: event.groupKey, receivedAt: event.receivedAt, requeue: { event }, ...(projectKeys && projectKeys.length > 0 ? { projectKeys } : {}) };
}

/** Issue keys an outcome names, in order, once each. */
export function issueKeysOf(outcome: DeliveryRecord['outcome']): string[] {
  const keys: string[] = [];
  if (outcome.kind === 'applied' || outcome.kind === 'failed') {
    for (const p of outcome.problems) {
      if (p.kind === 'created' || p.kind === 'commented' || p.kind === 'transitioned' || p.kind === 'rolled') keys.push(p.issueKey);
      if (p.kind === 'created' && p.linkedTo) keys.push(p.linkedTo);
    }
  }
  return [...new Set(keys)];
}

/** `OPS-12` → `OPS`. */
const projectOfIssue = (issueKey: string): string | undefined => /^([A-Z][A-Z0-9_]*)-\d+$/.exec(issueKey)?.[1];

/** A delivery's line in the delivery log: the record, its key (one per delivery, so a retry overwrites its own line). */
export function deliveryLine(delivery: DeliveryRef & { readonly source: EventSource }, attempt: number, outcome: DeliveryRecord['outcome'], nowMs: number): { readonly key: string; readonly entry: DeliveryRecord } {
  const issueKeys = issueKeysOf(outcome);
  const projectKeys = [...new Set([...(delivery.projectKeys ?? []), ...issueKeys.map(projectOfIssue).filter((k): k is string => k !== undefined)])];
  const entry: DeliveryRecord = {
    eventId: delivery.eventId,
    source: delivery.source,
    groupKey: delivery.groupKey,
    receivedAt: delivery.receivedAt,
    processedAt: new Date(nowMs).toISOString(),
    attempt,
    outcome,
    ...(projectKeys.length > 0 ? { projectKeys } : {}),
    ...(issueKeys.length > 0 ? { issueKeys } : {}),
  };
  return { key: DeliveryKeys.line(Date.parse(delivery.receivedAt), delivery.eventId), entry };
}

/** Source, group key and outcome, as JSON: equal means "nothing changed since that line". */
const samenessOf = (record: DeliveryRecord): string => JSON.stringify([record.source, record.groupKey, record.outcome]);

/**
 * Only deliveries that changed nothing in Jira fold: every problem skipped (an Alertmanager repeat), the same
 * failure or refusal again, an event only recorded. Two comments on an issue stay two lines.
 */
function changedNothing(outcome: DeliveryRecord['outcome']): boolean {
  return outcome.kind === 'applied' && outcome.problems.every((p) => p.kind === 'skipped');
}

export function foldable(outcome: DeliveryRecord['outcome']): boolean {
  switch (outcome.kind) {
    case 'applied':
      return outcome.problems.every((p) => p.kind === 'skipped');
    case 'failed':
    case 'rejected':
    case 'recorded':
      return true;
    case 'incident':
      return false;
    default:
      return assertNever(outcome);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected delivery outcome ${JSON.stringify(x)}`);
}

/** The line key minus its prefix, shared by the line's index entries so a rewrite files under the same ids. */
const lineIdOf = (lineKey: string): string => lineKey.slice(DeliveryKeys.linePrefix.length);

/**
 * Index entries live a quarter longer than lines and are refreshed by a fold once a quarter of the retention
 * has passed since they were written, so they never expire before their line (an entry that outlives its
 * line is skipped when read) and a repeat every minute writes one key, not all.
 */
const INDEX_TTL_FACTOR = 1.25;
const INDEX_REFRESH_FRACTION = 0.25;

/**
 * How many of a group's newest lines (by received time) are read to find the one it last wrote: Forge runs a
 * group's events out of order (FORGE-NOTES §2), so the last written line need not be the newest received.
 */
export const FOLD_LOOKBACK = 5;

/** The group's last written line among its newest `FOLD_LOOKBACK` (one query of its index, one batch read). */
async function lastWrittenOfGroup(store: KeyValueStore, groupKey: string): Promise<{ readonly key: string; readonly record: DeliveryRecord } | undefined> {
  const newest = await store.listByPrefix<DeliveryIndexRef>(DeliveryKeys.indexPrefix('group', groupKey), { limit: FOLD_LOOKBACK });
  const keys = newest.results.map((entry) => entry.value.lineKey);
  const lines = keys.length > 0 ? await store.getMany<DeliveryRecord>(keys) : new Map<string, DeliveryRecord>();
  let last: { key: string; record: DeliveryRecord } | undefined;
  for (const key of keys) {
    const record = lines.get(key);
    // Highest write order wins; lines written before it was kept (no groupSeq) rank by their last write time.
    if (record && (!last || laterWrite(record, last.record))) last = { key, record };
  }
  return last;
}

function laterWrite(a: DeliveryRecord, b: DeliveryRecord): boolean {
  const seqA = a.groupSeq ?? 0;
  const seqB = b.groupSeq ?? 0;
  if (seqA !== seqB) return seqA > seqB;
  return Date.parse(a.lastAt ?? a.processedAt) > Date.parse(b.lastAt ?? b.processedAt);
}

/**
 * Writes a delivery's line, or folds it into the line its group last wrote when the outcome is the same and
 * changed nothing (count + 1, last time and event): an Alertmanager repeat every few minutes costs no new key and
 * one write (the line). That line is found through the group's index entries (they sort newest first), so no
 * pointer key is written per line.
 *
 * KVS cost (Forge counts writes per key written, batch or not; FORGE-NOTES §4: 4,000 writes/min per install):
 * - unchanged repeat: 2 reads (a query of the group's newest entries, one batch read of their lines), 1 write
 *   (+ the line's index entries once a quarter of the retention has passed);
 * - new line: at most 3 reads (the same two; the line at this key), 1 write for the line and 1 batch of its
 *   index entries: 1 (group) + 1 if failed or rejected + projects (≤ 5) + issues (≤ 10). A first fire that
 *   creates one issue in one project: 4 writes. A rewritten line (a retry) also deletes its old entries the new
 *   outcome no longer names.
 * Lines expire after the retention period (Forge KVS TTL), counted from their last write. Writers of one group
 * do not race: the queue runs a group's jobs under one concurrency key.
 */
export async function recordDelivery(delivery: DeliveryRef & { readonly source: EventSource }, retryCount: number, outcome: DeliveryRecord['outcome'], deps: DeliveryLogDeps): Promise<void> {
  const nowMs = deps.clock.now();
  const line = deliveryLine(delivery, retryCount + 1, outcome, nowMs);
  const retention = deliveryLogRetention(deps.env);
  if (!retention.ok) deps.logger?.warn('delivery log retention setting ignored', { problem: retention.problem });
  const ttl: Ttl = { line: retention.days * 86_400, index: Math.ceil(retention.days * 86_400 * INDEX_TTL_FACTOR) };
  const last = await lastWrittenOfGroup(deps.store, line.entry.groupKey);
  const groupSeq = (last?.record.groupSeq ?? 0) + 1;
  if (last && foldable(line.entry.outcome) && samenessOf(last.record) === samenessOf(line.entry)) {
    const previous = last.record;
    // The same event again with the same outcome (a redelivery): its line already says so.
    if (previous.eventId === line.entry.eventId || previous.lastEventId === line.entry.eventId) return;
    const folded: DeliveryRecord = { ...previous, count: (previous.count ?? 1) + 1, lastAt: line.entry.processedAt, lastEventId: line.entry.eventId, groupSeq };
    const indexedAt = Date.parse(previous.indexedAt ?? previous.processedAt);
    if (nowMs - indexedAt < retention.days * 86_400_000 * INDEX_REFRESH_FRACTION) await deps.store.set(last.key, folded, { ttlSeconds: ttl.line });
    else await writeLine(deps.store, last.key, { ...folded, indexedAt: line.entry.processedAt }, ttl);
    return;
  }
  let key = line.key;
  const existing = await deps.store.get<DeliveryRecord>(key);
  // A redelivery (Forge delivers at least once) that changed nothing keeps the line of what the event did
  // ("created OPS-1", "rolled into storm issue OPS-51"), instead of "skipped because nothing changed".
  if (existing && existing.eventId === line.entry.eventId && !foldable(existing.outcome) && changedNothing(line.entry.outcome)) return;
  // The same event again with the same outcome (a redelivery of the delivery that created an issue): its line says so.
  if (existing && existing.eventId === line.entry.eventId && !foldable(existing.outcome) && samenessOf(existing) === samenessOf(line.entry)) return;
  if (existing) await clearRelayDeadLetter(existing, line.entry, deps.store);
  if (existing && (existing.count ?? 1) > 1) {
    // Others folded into this event's old line: keep it, and give the new outcome a line of its own.
    key = `${line.key}.${nowMs}`;
  } else if (existing) {
    const stale = indexKeysOf(existing, lineIdOf(key)).filter((k) => !indexKeysOf(line.entry, lineIdOf(key)).includes(k));
    for (const k of stale) await deps.store.delete(k);
  }
  await writeLine(deps.store, key, { ...line.entry, indexedAt: line.entry.processedAt, groupSeq }, ttl);
}

/**
 * The event the relay had dead-lettered has now reached the app (an operator re-queued it on the relay): its
 * line was the notice's, so the failed record the notice left (which only said "requeue on the relay") goes.
 * One read and one delete, only on that rare path; a failed record the consumer wrote for the event itself (the
 * retryable kind) is kept.
 */
async function clearRelayDeadLetter(previous: DeliveryRecord, next: DeliveryRecord, store: KeyValueStore): Promise<void> {
  if (previous.outcome.kind !== 'failed' || previous.outcome.relayDeadLetter !== true) return;
  if (next.outcome.kind === 'failed' && next.outcome.relayDeadLetter === true) return;
  const failedKey = DeliveryKeys.failed(Date.parse(next.receivedAt), next.eventId);
  const failed = await store.get<FailedDelivery>(failedKey);
  if (failed?.relayDeadLetter) await store.delete(failedKey);
}

interface Ttl {
  readonly line: number;
  readonly index: number;
}

/** The line and its index entries (references with the fields filters check). */
async function writeLine(store: KeyValueStore, lineKey: string, record: DeliveryRecord, ttl: Ttl): Promise<void> {
  const ref: DeliveryIndexRef = { lineKey, ...facetsOf(record) };
  await store.set(lineKey, record, { ttlSeconds: ttl.line });
  const entries: StoredEntry<unknown>[] = indexKeysOf(record, lineIdOf(lineKey)).map((key) => ({ key, value: ref }));
  await store.setMany(entries, { ttlSeconds: ttl.index });
}

/** Keeps the delivery as a failed one with its reason and target projects, so it is listed and can be retried. */
export async function recordFailedDelivery(delivery: DeliveryRef & { readonly requeue: Requeue }, retryCount: number, failureKind: string, reason: string, deps: DeliveryLogDeps): Promise<void> {
  const failedDelivery: FailedDelivery = {
    eventId: delivery.eventId,
    groupKey: delivery.groupKey,
    receivedAt: delivery.receivedAt,
    failedAt: new Date(deps.clock.now()).toISOString(),
    attempts: retryCount + 1,
    failureKind,
    reason,
    ...(delivery.projectKeys && delivery.projectKeys.length > 0 ? { projectKeys: delivery.projectKeys } : {}),
    ...delivery.requeue,
  };
  // No TTL: a failed delivery waits for someone to retry it (nothing lost), whatever the log's retention.
  await deps.store.set(DeliveryKeys.failed(Date.parse(delivery.receivedAt), delivery.eventId), await fitForKvs(failedDelivery, deps.store));
}

/**
 * A failed delivery of a very large event (a group of thousands of alerts) would pass KVS's 240 KiB per value:
 * its body is kept as gzip parts (the relay's own format, each well under the limit) written before the record,
 * and the retry queues those parts, which the consumer joins (relay-intake/assemble-parts.ts).
 */
async function fitForKvs(failed: FailedDelivery, store: KeyValueStore): Promise<FailedDelivery> {
  if (!failed.event || Buffer.byteLength(JSON.stringify(failed)) <= KVS_VALUE_MAX_BYTES - 16 * 1024) return failed;
  const { body, ...header } = failed.event;
  const parts = splitIntoParts(header, encodeBody(JSON.stringify(body)));
  await store.setMany(parts.map((part, index) => ({ key: DeliveryKeys.failedPart(failed.eventId, index), value: part })));
  return { ...failed, event: { ...header, body: {} }, eventParts: parts.length };
}
