import { createHash } from 'node:crypto';
import { z } from 'zod';
import { problemStateSchema, type JiraCommand, type Problem, type ProblemState, type StatusCategory } from '../domain/alerts';
import { KVS_VALUE_MAX_BYTES, StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { TrackedIssueStatus } from './status-mirror';

/**
 * KVS records of the Alertmanager feature: one ProblemRecord per problem key, and the shared status mirror
 * (`issue-status:<issueId>`) the issue-updated trigger keeps current.
 */
const pendingSchema = z.object({
  /** Jira commands still to run for a decision that failed half-way (issue refs already resolved to keys). */
  commands: z.array(z.custom<JiraCommand>((v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string')),
  /** The state to store once they ran. */
  next: problemStateSchema.nullable(),
  eventId: z.string(),
});

const labelsSchema = z.record(z.string(), z.string());

/** What the issue panel needs to link to Alertmanager: the group's labels, and each alert's labels and source. */
const linksSchema = z.object({
  externalURL: z.string().max(2048),
  receiver: z.string().max(500),
  groupLabels: labelsSchema,
  alerts: z.record(z.string(), z.object({ labels: labelsSchema, generatorURL: z.string().max(2048) })),
});
export type ProblemLinks = z.infer<typeof linksSchema>;

export const problemRecordSchema = z.object({
  version: z.literal(1),
  state: problemStateSchema,
  /** Jira's numeric id of `state.issue`, the key of its status mirror. */
  issueId: z.string().nullable(),
  pending: pendingSchema.optional(),
  /** Absent on records written before the panel showed links. */
  links: linksSchema.optional(),
  /**
   * The rule and identity the problem came from, as its issue's entity property carries them: what a by-hand
   * link (alerts/link-problem.ts) writes on the issue it links. Absent on records written before it.
   */
  origin: z
    .object({
      ruleId: z.string().max(64),
      grouping: z.enum(['fingerprint', 'group']),
      identity: z.string().max(20_000),
      /** Alertmanager's groupKey of the last notification: the queue lane its notifications are applied in. */
      groupKey: z.string().max(20_000).optional(),
    })
    .optional(),
  /**
   * The relay event whose delivery created the current issue (kept while the issue is): a retry of that delivery
   * after its invocation died between the create and its delivery-log line (a KVS 429 in a storm) still says
   * "created KEY", not "nothing changed". Absent on records written before it, and for issues found in Jira.
   */
  createdBy: z.string().max(200).optional(),
  /**
   * The relay event whose delivery last changed Jira for this problem, and what its line said ("commented OPS-1",
   * "rolled into storm issue OPS-51"): a retry of that delivery after its invocation died between the Jira change
   * and its delivery-log line finds the change applied and still reports it, not "nothing changed". Kept beside
   * the domain's `state.lastApplied` (sequence order, decided before Jira runs) because the outcome is known only
   * after Jira answered. Absent on records written before it.
   */
  lastChange: z
    .object({
      eventId: z.string().max(200),
      outcome: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('created'), problemKey: z.string(), issueKey: z.string(), linkedTo: z.string().optional() }),
        z.object({ kind: z.literal('commented'), problemKey: z.string(), issueKey: z.string(), transitioned: z.boolean() }),
        z.object({ kind: z.literal('transitioned'), problemKey: z.string(), issueKey: z.string() }),
        z.object({ kind: z.literal('rolled'), problemKey: z.string(), issueKey: z.string(), action: z.enum(['rolled-in', 'commented']), stormResolved: z.boolean() }),
      ]),
    })
    .optional(),
  /**
   * Written just before a delivery comments on an existing issue (cleared by the save after it): a retry of that
   * delivery that finds it knows the comment may exist although its record was never saved, and looks for it by
   * its `incident-bridge-alert` property before commenting (apply-notification.ts, findAlertComments). A new problem
   * rolling into a storm issue gets a record that knows no issue and no alert just to hold it (rollIn).
   */
  commenting: z.object({ eventId: z.string().max(200), at: z.number() }).optional(),
});
export type ProblemChange = NonNullable<ProblemRecord['lastChange']>;
export type ProblemOrigin = NonNullable<ProblemRecord['origin']>;
export type ProblemRecord = z.infer<typeof problemRecordSchema>;
export type PendingWork = z.infer<typeof pendingSchema>;

export interface LoadedProblem {
  readonly record: ProblemRecord | undefined;
  readonly mirror: TrackedIssueStatus | undefined;
}

/** Reads the records of these problems and the mirrors of their issues: two batch reads. */
export async function loadProblems(store: KeyValueStore, problemKeys: readonly string[]): Promise<Map<string, LoadedProblem>> {
  const raw = await store.getMany<unknown>(problemKeys.map(StorageKeys.problem));
  const heads = new Map<string, ChunkedHead>();
  for (const key of problemKeys) {
    const head = chunkedHeadSchema.safeParse(raw.get(StorageKeys.problem(key)));
    if (head.success) heads.set(key, head.data);
  }
  const chunkKeys = [...heads].flatMap(([key, head]) => chunkKeysOf(key, head));
  const chunks = chunkKeys.length > 0 ? await store.getMany<string>(chunkKeys) : new Map<string, string>();
  const records = new Map<string, ProblemRecord>();
  for (const key of problemKeys) {
    const head = heads.get(key);
    const parsed = problemRecordSchema.safeParse(head ? joinChunks(key, head, chunks) : raw.get(StorageKeys.problem(key)));
    if (parsed.success) records.set(key, parsed.data);
  }
  const issueIds = [...records.values()].flatMap((r) => (r.issueId && r.state.issue ? [r.issueId] : []));
  const mirrors = issueIds.length > 0 ? await store.getMany<TrackedIssueStatus>(issueIds.map(StorageKeys.issueStatus)) : new Map<string, TrackedIssueStatus>();
  const out = new Map<string, LoadedProblem>();
  for (const key of problemKeys) {
    const record = records.get(key);
    const mirror = record?.issueId ? mirrors.get(StorageKeys.issueStatus(record.issueId)) : undefined;
    // A mirror of a different issue (the key was reused after a move) is no mirror.
    out.set(key, { record, mirror: mirror && mirror.issueKey === record?.state.issue?.key ? mirror : undefined });
  }
  return out;
}

export function mirrorCategory(mirror: TrackedIssueStatus): StatusCategory {
  const c = mirror.statusCategory;
  return c === 'new' || c === 'indeterminate' || c === 'done' ? c : 'unknown';
}

/** The stored state with its issue's status category taken from the mirror, which is newer when present. */
export function withMirror(state: ProblemState, mirror: TrackedIssueStatus | undefined): ProblemState {
  if (!state.issue || !mirror) return state;
  return { ...state, issue: { ...state.issue, statusCategory: mirrorCategory(mirror) } };
}

/**
 * The problem's links as of this notification: this notification's group and alerts, plus earlier alerts
 * the state still tracks (a group notification may not repeat every alert). Only tracked alerts are kept.
 */
export function problemLinks(problem: Problem, previous: ProblemLinks | undefined, tracked: ProblemState | undefined): ProblemLinks {
  const alerts: ProblemLinks['alerts'] = {};
  for (const fingerprint of Object.keys(tracked?.alerts ?? {})) {
    const before = previous?.alerts[fingerprint];
    if (before) alerts[fingerprint] = before;
  }
  for (const a of problem.alerts) alerts[a.fingerprint] = { labels: { ...a.labels }, generatorURL: a.generatorURL };
  return { externalURL: problem.externalURL, receiver: problem.receiver, groupLabels: { ...problem.groupLabels }, alerts };
}

/**
 * A record that fits one KVS value (Forge: 240 KiB) is one write, as always. A bigger one (a group of
 * thousands of alerts) is cut into string chunks under `problem-chunk:<key>:<generation>:<n>`, the generation
 * being a hash of the content, and the head `problem:<key>` then names the generation. Chunks are written first,
 * then the head is swapped in one write, then the old generation's chunks are deleted: a crash before the swap
 * leaves the old record whole (the event was not applied and runs again), a crash after it leaves only unread
 * chunks of the old generation. So no crash applies an event twice or loses one.
 */
export async function saveProblem(store: KeyValueStore, record: ProblemRecord): Promise<void> {
  const key = record.state.problemKey;
  const json = JSON.stringify(record);
  const old = await chunkedHeadOf(store, key);
  if (Buffer.byteLength(json) <= RECORD_INLINE_MAX_BYTES) {
    await store.set(StorageKeys.problem(key), record);
  } else {
    const parts = cutForKvs(json);
    const head: ChunkedHead = { version: 1, chunked: { generation: createHash('sha256').update(json).digest('hex').slice(0, 16), count: parts.length, bytes: Buffer.byteLength(json) } };
    if (old?.chunked.generation === head.chunked.generation) return;
    await store.setMany(parts.map((value, i) => ({ key: StorageKeys.problemChunk(key, head.chunked.generation, i), value })));
    await store.set(StorageKeys.problem(key), head);
  }
  if (old) for (const chunkKey of chunkKeysOf(key, old)) await store.delete(chunkKey);
}

/** Deletes a problem's record and, if it was chunked, its chunks (head first: a crash leaves only unread chunks). */
export async function deleteProblem(store: KeyValueStore, key: string): Promise<void> {
  const old = await chunkedHeadOf(store, key);
  await store.delete(StorageKeys.problem(key));
  if (old) for (const chunkKey of chunkKeysOf(key, old)) await store.delete(chunkKey);
}

/** Under KVS's 240 KiB per value, with room for the key and envelope. */
export const RECORD_INLINE_MAX_BYTES = KVS_VALUE_MAX_BYTES - 16 * 1024;

const chunkedHeadSchema = z.object({
  version: z.literal(1),
  chunked: z.object({ generation: z.string().regex(/^[0-9a-f]{16}$/), count: z.number().int().positive().max(1000), bytes: z.number().int().positive() }),
});
type ChunkedHead = z.infer<typeof chunkedHeadSchema>;

/** Only a chunked record's head is read back here; an inline record needs no cleanup. */
async function chunkedHeadOf(store: KeyValueStore, key: string): Promise<ChunkedHead | undefined> {
  const head = chunkedHeadSchema.safeParse(await store.get(StorageKeys.problem(key)));
  return head.success ? head.data : undefined;
}

function chunkKeysOf(key: string, head: ChunkedHead): string[] {
  return Array.from({ length: head.chunked.count }, (_, i) => StorageKeys.problemChunk(key, head.chunked.generation, i));
}

/** The record a head names, parsed; a missing chunk is an error (never "no record", which would create a duplicate). */
function joinChunks(key: string, head: ChunkedHead, chunks: Map<string, string>): unknown {
  const parts = chunkKeysOf(key, head).map((k) => chunks.get(k));
  if (parts.some((p) => typeof p !== 'string')) throw new Error(`problem ${key}: a chunk of generation ${head.chunked.generation} is missing`);
  return JSON.parse(parts.join(''));
}

/** Cuts a string into pieces whose JSON encoding (what KVS measures) stays under the inline limit. */
export function cutForKvs(json: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < json.length) {
    let size = Math.min(json.length - at, 160_000);
    // Escapes (\" \\ \uXXXX) and multi-byte characters make the stored value bigger than the slice.
    while (Buffer.byteLength(JSON.stringify(json.slice(at, at + size))) > RECORD_INLINE_MAX_BYTES) size = Math.floor(size / 2);
    // Never cut a surrogate pair in two.
    const last = json.charCodeAt(at + size - 1);
    if (size > 1 && last >= 0xd800 && last <= 0xdbff) size -= 1;
    out.push(json.slice(at, at + size));
    at += size;
  }
  return out;
}

export async function writeMirror(store: KeyValueStore, issueId: string, status: TrackedIssueStatus): Promise<void> {
  await store.set(StorageKeys.issueStatus(issueId), status);
}
