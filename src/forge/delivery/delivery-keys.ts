/**
 * Storage keys of the delivery log and of failed deliveries. Forge KVS lists keys in ascending order with
 * `beginsWith` only (FORGE-NOTES §4), so newest-first order is built into the keys: the time part is an
 * inverted, zero-padded millisecond count, and every filter is its own key prefix (an index entry per line).
 */
// The pure SHA-256 of the domain, not node:crypto: constants.ts imports these keys and the Custom UI's type
// check (no Node types) reads constants.ts.
import { sha256Hex } from '../domain/alerts/problem-key';
import type { DeliveryRecord } from './delivery-record';

/** 13 nines: inverted timestamps of any date before year 2286 keep 13 digits and sort newest first. */
const MAX_MS = 9_999_999_999_999;

/** `MAX - ms`, 13 digits: a later time makes a smaller key. */
export function newestFirst(ms: number): string {
  const clamped = Math.min(Math.max(Math.trunc(Number.isFinite(ms) ? ms : 0), 0), MAX_MS);
  return String(MAX_MS - clamped).padStart(13, '0');
}

/** A short stable hash for values people choose (group keys): KVS keys allow only `[a-zA-Z0-9:._\s-#]`. */
export function keyHash(value: string): string {
  return sha256Hex(value).slice(0, 32);
}

/** The filters a delivery log page can be read by; each has its own index prefix. */
export type DeliveryIndex = 'outcome' | 'source' | 'project' | 'group' | 'issue';

const INDEX_TAG: Record<DeliveryIndex, string> = { outcome: 'o', source: 's', project: 'p', group: 'g', issue: 'i' };

/** Index values go into keys verbatim except group keys (hashed); the resolver validates the others' alphabet. */
function indexValue(index: DeliveryIndex, value: string): string {
  return index === 'group' ? keyHash(value) : value;
}

export const DeliveryKeys = {
  /** Every line, newest first: `dlog:<inverted received ms>:<eventId>`. */
  linePrefix: 'dlog:',
  line: (receivedAtMs: number, eventId: string) => `dlog:${newestFirst(receivedAtMs)}:${eventId}`,
  /** Copies of a line under one filter value: `dlogx:<tag>:<value>:<inverted ms>:<eventId>` (read in one query). */
  indexPrefix: (index: DeliveryIndex, value: string) => `dlogx:${INDEX_TAG[index]}:${indexValue(index, value)}:`,
  /** The last line of a group (source + group key), so an unchanged repeat folds into it. */
  lastOfGroup: (source: string, groupKey: string) => `dlog-last:${keyHash(`${source}\u0000${groupKey}`)}`,
  /** Failed deliveries, newest first: `dfail:<inverted received ms>:<eventId>`. */
  failedPrefix: 'dfail:',
  failed: (receivedAtMs: number, eventId: string) => `dfail:${newestFirst(receivedAtMs)}:${eventId}`,
  /** Failed deliveries written before the newest-first layout (`failed:<ms>:<eventId>`, oldest first): still listed and retryable. */
  legacyFailedPrefix: 'failed:',
  /** Lines written before the newest-first layout (`dlv:<ms>:<eventId>`): listed after the new ones in the unfiltered view. */
  legacyLinePrefix: 'dlv:',
} as const;

/** What a filter checks of a line: fields a fold never changes (it folds only an identical outcome). */
export interface DeliveryFacets {
  readonly source: string;
  readonly outcome: DeliveryRecord['outcome']['kind'];
  readonly groupKey: string;
  readonly projectKeys: readonly string[];
  readonly issueKeys: readonly string[];
}

/** An index entry: which line, and its facets, so a combination of filters is checked without reading the line. */
export interface DeliveryIndexRef extends DeliveryFacets {
  readonly lineKey: string;
}

export function facetsOf(record: DeliveryRecord): DeliveryFacets {
  return { source: record.source, outcome: record.outcome.kind, groupKey: record.groupKey, projectKeys: record.projectKeys ?? [], issueKeys: record.issueKeys ?? [] };
}

/** Which index entries a line is filed under. Bounded, so writing a line is at most one batch of 20 keys. */
export const MAX_INDEXED_PROJECTS = 5;
export const MAX_INDEXED_ISSUES = 10;

/** A line's index keys: each filter's prefix plus the line's id (its key without `dlog:`), so they sort like the line. */
export function indexKeysOf(record: DeliveryRecord, lineId: string): string[] {
  const keys = [DeliveryKeys.indexPrefix('outcome', record.outcome.kind) + lineId, DeliveryKeys.indexPrefix('source', record.source) + lineId, DeliveryKeys.indexPrefix('group', record.groupKey) + lineId];
  for (const project of (record.projectKeys ?? []).slice(0, MAX_INDEXED_PROJECTS)) keys.push(DeliveryKeys.indexPrefix('project', project) + lineId);
  for (const issue of (record.issueKeys ?? []).slice(0, MAX_INDEXED_ISSUES)) keys.push(DeliveryKeys.indexPrefix('issue', issue) + lineId);
  return keys;
}
