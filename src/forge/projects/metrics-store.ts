/**
 * Precomputed project metrics in KVS (issue 17 item 3): a page view reads ONE value, whatever the project's size.
 *
 * - `pj:metrics:<projectId>` (head): the page's answer (`ProjectMetrics`, as of `computedAtMs`), a revision, and
 *   how many pieces hold the aggregate.
 * - `pj:metrics:<projectId>:part:<n>`: the aggregate (domain `MetricsAggregate`: counts, sums and the sorted
 *   duration lists) as JSON split into pieces of at most PIECE_CHARS characters, each tagged with the revision,
 *   so a head and pieces of different writes are never combined. 50,000 issues ≈ 5 pieces.
 * - `pj:metrics-stale:<projectId>`: set when the records changed and the answer may not follow them (a sync page
 *   changed records, a delete met a running sync or a busy lease). The end of the next sync recounts.
 * - `pj:metrics-lease:<projectId>` (TTL): held while the answer is rewritten, so a delete trigger and a sync's
 *   recount never both write from different views of the records.
 *
 * Who writes: the end of every sync that changed records (or finds the stale mark or no answer) recounts from
 * the records — in the same scan as a full sync's sweep; the delete trigger takes one issue out of the aggregate
 * (2 reads, ≤ 7 writes for 50,000 issues) under the lease.
 */
import {
  aggregate,
  decodeAggregate,
  drillDown,
  encodeAggregate,
  metricsAsOf,
  metricsFromAggregate,
  removeIssue,
  type DrillQuery,
  type MetricsAggregate,
  type ProjectMetrics,
  type SyncedIssue,
} from '../domain/projects';
import type { KeyValueStore } from '../ports/key-value-store';
import { ProjectKeys } from './project-store';

/** Characters per piece: ≤ ~200 KB per KVS value (FORGE-NOTES §4: the value limit is not published, ~240 KiB). */
export const PIECE_CHARS = 180_000;
/** Longer than the longest recount (⌈50,000/20⌉ queries at 50 ms ≈ 125 s), short enough to outlive a crash. */
const LEASE_SECONDS = 600;

export const MetricsKeys = {
  head: (projectId: string) => `pj:metrics:${projectId}`,
  piece: (projectId: string, n: number) => `pj:metrics:${projectId}:part:${String(n).padStart(4, '0')}`,
  stale: (projectId: string) => `pj:metrics-stale:${projectId}`,
  lease: (projectId: string) => `pj:metrics-lease:${projectId}`,
} as const;

export interface MetricsHead {
  readonly version: 1;
  readonly revision: string;
  readonly computedAtMs: number;
  readonly pieces: number;
  readonly metrics: ProjectMetrics;
}

interface Piece {
  readonly revision: string;
  readonly text: string;
}

export async function readMetricsHead(store: KeyValueStore, projectId: string): Promise<MetricsHead | undefined> {
  const head = await store.get<MetricsHead>(MetricsKeys.head(projectId));
  return head?.version === 1 ? head : undefined;
}

/** The stored answer as of `nowMs` (one KVS read), or undefined when none was computed yet. */
export async function storedMetrics(store: KeyValueStore, projectId: string, nowMs: number): Promise<ProjectMetrics | undefined> {
  const head = await readMetricsHead(store, projectId);
  return head ? metricsAsOf(head.metrics, nowMs) : undefined;
}

async function readAggregate(store: KeyValueStore, projectId: string, head: MetricsHead): Promise<MetricsAggregate | undefined> {
  const keys = Array.from({ length: head.pieces }, (_, n) => MetricsKeys.piece(projectId, n));
  const found = await store.getMany<Piece>(keys);
  const texts: string[] = [];
  for (const key of keys) {
    const piece = found.get(key);
    if (!piece || piece.revision !== head.revision) return undefined;
    texts.push(piece.text);
  }
  return decodeAggregate(texts);
}

/** Writes the aggregate's pieces, then the head naming them (the head is the commit), then drops leftovers. */
async function writeAggregate(store: KeyValueStore, projectId: string, agg: MetricsAggregate, nowMs: number, previous: MetricsHead | undefined): Promise<MetricsHead> {
  const revision = `${nowMs.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const texts = encodeAggregate(agg, PIECE_CHARS);
  // One value per call: a batch of several near-limit values could exceed a request size Forge does not publish.
  for (const [n, text] of texts.entries()) await store.set<Piece>(MetricsKeys.piece(projectId, n), { revision, text });
  const head: MetricsHead = { version: 1, revision, computedAtMs: nowMs, pieces: texts.length, metrics: metricsFromAggregate(agg, nowMs) };
  await store.set(MetricsKeys.head(projectId), head);
  for (let n = texts.length; n < (previous?.pieces ?? 0); n += 1) await store.delete(MetricsKeys.piece(projectId, n));
  return head;
}

export const takeMetricsLease = (store: KeyValueStore, projectId: string) => store.setIfAbsent(MetricsKeys.lease(projectId), { at: 'lease' }, { ttlSeconds: LEASE_SECONDS });
export const releaseMetricsLease = (store: KeyValueStore, projectId: string) => store.delete(MetricsKeys.lease(projectId));
export const markMetricsStale = (store: KeyValueStore, projectId: string) => store.set(MetricsKeys.stale(projectId), { stale: true });

/** True when the next sync's end must recount: the records changed under the answer, or there is no answer. */
export async function metricsNeedRecount(store: KeyValueStore, projectId: string): Promise<boolean> {
  const found = await store.getMany<unknown>([MetricsKeys.stale(projectId), MetricsKeys.head(projectId)]);
  return found.has(MetricsKeys.stale(projectId)) || !found.has(MetricsKeys.head(projectId));
}

export type RecountOutcome = { readonly written: true; readonly head: MetricsHead } | { readonly written: false; readonly reason: 'lease-busy' };

/**
 * Recounts from the records. `scan` visits every record of the project (the caller's scan: the sweep's, or
 * its own) and runs after the stale mark is cleared and under the lease, so a delete during the scan leaves
 * the mark for the next sync instead of being lost.
 */
export async function recountMetrics(
  store: KeyValueStore,
  projectId: string,
  timeZone: string,
  nowMs: number,
  scan: (visit: (issue: SyncedIssue) => void) => Promise<void>,
): Promise<RecountOutcome> {
  if (!(await takeMetricsLease(store, projectId))) return { written: false, reason: 'lease-busy' };
  try {
    await store.delete(MetricsKeys.stale(projectId));
    const issues: SyncedIssue[] = [];
    await scan((issue) => issues.push(issue));
    const previous = await readMetricsHead(store, projectId);
    const head = await writeAggregate(store, projectId, aggregate(issues, timeZone), nowMs, previous);
    return { written: true, head };
  } finally {
    await releaseMetricsLease(store, projectId);
  }
}

export type DeltaOutcome = 'applied' | 'marked-stale';

/**
 * The delete trigger's part: takes one issue (its record, just deleted) out of the stored aggregate. When that
 * cannot be done safely — a sync is running, another writer holds the lease, there is no answer, or the
 * aggregate did not hold this record — the answer is marked stale for the next sync's end to recount.
 */
export async function removeFromMetrics(store: KeyValueStore, projectId: string, issue: SyncedIssue, nowMs: number, syncRunning: boolean): Promise<DeltaOutcome> {
  if (syncRunning || !(await takeMetricsLease(store, projectId))) {
    await markMetricsStale(store, projectId);
    return 'marked-stale';
  }
  try {
    const head = await readMetricsHead(store, projectId);
    const agg = head ? await readAggregate(store, projectId, head) : undefined;
    if (!head || !agg || !removeIssue(agg, issue)) {
      await markMetricsStale(store, projectId);
      return 'marked-stale';
    }
    await writeAggregate(store, projectId, agg, nowMs, head);
    return 'applied';
  } finally {
    await releaseMetricsLease(store, projectId);
  }
}

/** Forgets a project's answer (untrack). */
export async function deleteMetrics(store: KeyValueStore, projectId: string): Promise<void> {
  const head = await readMetricsHead(store, projectId);
  for (let n = 0; n < (head?.pieces ?? 0); n += 1) await store.delete(MetricsKeys.piece(projectId, n));
  await store.delete(MetricsKeys.head(projectId));
  await store.delete(MetricsKeys.stale(projectId));
}

/** One issue of a drill-down page: enough for a row, with the path of its Jira page (`<siteUrl>/browse/KEY`). */
export interface DrillIssue {
  readonly id: string;
  readonly key: string;
  readonly summary: string;
  readonly status: string;
  readonly statusCategory: SyncedIssue['statusCategory'];
  readonly createdMs: number;
  readonly resolvedMs: number | null;
  readonly leadTimeHours: number | null;
  readonly cycleTimeHours: number | null;
  readonly storyPoints: number | null;
  readonly browsePath: string;
}

export interface DrillDownPage {
  /** Every matching issue's count; `issues` is the page from `offset`. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** A percentile query's threshold (hours). */
  readonly thresholdHours: number | undefined;
  readonly timeZone: string;
  /** When the answer the drill-down reads was computed (the metrics page's figures are of the same moment). */
  readonly computedAtMs: number;
  readonly issues: readonly DrillIssue[];
}

export type DrillDownResult = { readonly ok: true; readonly page: DrillDownPage } | { readonly ok: false; readonly reason: 'not-computed' };

/**
 * The issues behind one figure, paged. Bounded KVS cost whatever the project's size: 1 read (head) + 1 batch
 * read of the aggregate's pieces (≤ 20 pieces per call: ~3.6 MB, beyond 50,000 issues) + ⌈limit/20⌉ batch reads
 * of the page's records. A record deleted since the answer was computed is left out of the page.
 */
export async function drillDownIssues(store: KeyValueStore, projectId: string, query: DrillQuery, offset: number, limit: number): Promise<DrillDownResult> {
  const head = await readMetricsHead(store, projectId);
  const agg = head ? await readAggregate(store, projectId, head) : undefined;
  if (!head || !agg) return { ok: false, reason: 'not-computed' };
  const answer = drillDown(agg, query, offset, limit);
  const keys = answer.ids.map((id) => ProjectKeys.issue(projectId, id));
  const records = keys.length === 0 ? new Map<string, SyncedIssue>() : await store.getMany<SyncedIssue>(keys);
  const issues = keys.flatMap((key) => {
    const r = records.get(key);
    if (!r) return [];
    const lead = r.resolvedMs === null ? null : Math.round(((r.resolvedMs - r.createdMs) / 3_600_000) * 100) / 100;
    return [{ id: r.id, key: r.key, summary: r.summary, status: r.status, statusCategory: r.statusCategory, createdMs: r.createdMs, resolvedMs: r.resolvedMs, leadTimeHours: lead, cycleTimeHours: r.cycleTimeHours, storyPoints: r.storyPoints, browsePath: `/browse/${encodeURIComponent(r.key)}` }];
  });
  return { ok: true, page: { total: answer.total, offset, limit, thresholdHours: answer.thresholdHours, timeZone: agg.timeZone, computedAtMs: head.computedAtMs, issues } };
}
