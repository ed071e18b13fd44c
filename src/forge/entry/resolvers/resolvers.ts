import { z } from 'zod';
import { eventSourceSchema } from '../../../shared/relay-envelope';
import type { KeyValueStore, SecretStore, StoredEntry } from '../../ports/key-value-store';
import { describeOutcome, verdictOf, type DeliveryRecord, type DeliveryVerdict } from '../../delivery/delivery-record';
import { DeliveryKeys, INDEXED_OUTCOMES, facetsOf, type DeliveryFacets, type DeliveryIndex, type DeliveryIndexRef } from '../../delivery/delivery-keys';
import { CursorError, readPage, MAX_CURSOR_CHARS, type PageRequest } from '../../delivery/delivery-pages';
import { deliveryLogRetention } from '../../delivery/retention';
import type { DeliverySummary, InputProblem, RecentDeliveries } from './contract';
import { zodProblems } from './resolver-errors';

/** getConnectionStatus moved to ./connection (the Connection tab's resolvers). */
export interface ResolverDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly webTriggerUrl: () => Promise<string | null>;
}

const OUTCOME_KINDS = ['recorded', 'rejected', 'applied', 'failed', 'incident'] as const satisfies readonly DeliveryRecord['outcome']['kind'][];
const VERDICTS = ['applied', 'skipped', 'partial', 'failed', 'rejected', 'recorded'] as const satisfies readonly DeliveryVerdict[];

/** The record kinds a verdict can come from (verdictOf), checked on index entries before a line is read. */
const KINDS_OF_VERDICT: Record<DeliveryVerdict, readonly DeliveryRecord['outcome']['kind'][]> = {
  applied: ['applied', 'incident'],
  skipped: ['applied'],
  partial: ['applied'],
  failed: ['failed', 'applied'],
  rejected: ['rejected'],
  recorded: ['recorded'],
};

/** Strict: a misspelt filter is refused rather than ignored (it would show an unfiltered log). */
export const listDeliveriesInputSchema = z
  .object({
    cursor: z.string().max(MAX_CURSOR_CHARS).optional(),
    limit: z.number().int().min(1).max(20).optional(),
    outcome: z.enum(OUTCOME_KINDS).optional(),
    source: eventSourceSchema.optional(),
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key such as OPS').optional(),
    groupKey: z.string().min(1).max(4096).optional(),
    issueKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,17}$/, 'a Jira issue key such as OPS-12').optional(),
    /** The row's word (verdictOf): finer than `outcome` (an applied line may be skipped or partial). */
    verdict: z.enum(VERDICTS).optional(),
  })
  .strict();
type ListInput = z.infer<typeof listDeliveriesInputSchema>;

/**
 * Filters by how few lines they usually match. The first active one that has an index (`indexed` says for which
 * values) is read by its index and the others are checked on its entries; with none indexed (source, a common
 * outcome) the newest-first lines are scanned and checked, in at most MAX_SCAN_CALLS queries per page.
 */
const FILTERS: readonly { readonly index: DeliveryIndex | null; readonly field: keyof ListInput; readonly indexed: (v: string) => boolean; readonly holds: (r: DeliveryFacets, v: string) => boolean }[] = [
  { index: 'issue', field: 'issueKey', indexed: () => true, holds: (r, v) => r.issueKeys.includes(v) },
  { index: 'group', field: 'groupKey', indexed: () => true, holds: (r, v) => r.groupKey === v },
  { index: 'outcome', field: 'outcome', indexed: (v) => (INDEXED_OUTCOMES as readonly string[]).includes(v), holds: (r, v) => r.outcome === v },
  { index: 'project', field: 'projectKey', indexed: () => true, holds: (r, v) => r.projectKeys.includes(v) },
  { index: null, field: 'source', indexed: () => false, holds: (r, v) => r.source === v },
];

type PageSpec =
  | { readonly kind: 'lines'; readonly request: Omit<PageRequest<DeliveryRecord>, 'limit' | 'cursor'> }
  /** `lineKeep`: what only the line can tell (its verdict), checked once the page's lines are read (the page may be short). */
  | { readonly kind: 'index'; readonly request: Omit<PageRequest<DeliveryIndexRef>, 'limit' | 'cursor'>; readonly lineKeep?: (r: DeliveryRecord) => boolean };

/** Which prefixes a page reads and what it checks per index entry or line, for these filters. */
export function deliveryPageSpec(input: ListInput): PageSpec {
  const active = FILTERS.flatMap((f) => {
    const value = input[f.field];
    return typeof value === 'string' ? [{ ...f, value }] : [];
  });
  const verdict = input.verdict;
  const signature = JSON.stringify([...active.map((f) => [f.field, f.value]), ...(verdict ? [['verdict', verdict]] : [])]);
  // A verdict that only one indexed outcome gives (rejected) reads that index.
  const implied = verdict === 'rejected' && input.outcome === undefined ? [{ ...FILTERS.find((f) => f.field === 'outcome')!, value: 'rejected' }] : [];
  const filters = [...active, ...implied];
  const primary = filters.find((f) => f.index !== null && f.indexed(f.value));
  const rest = filters.filter((f) => f !== primary);
  const kinds = verdict ? KINDS_OF_VERDICT[verdict] : null;
  const holdsAll = (facets: DeliveryFacets) => rest.every((f) => f.holds(facets, f.value)) && (kinds === null || kinds.includes(facets.outcome));
  const verdictHolds = verdict ? (r: DeliveryRecord) => verdictOf(r.outcome) === verdict : undefined;
  const filtered = rest.length > 0 || kinds !== null;
  // No indexed filter: the log, then lines of the layout before newest-first (they expire with nothing; shown last).
  if (!primary || primary.index === null) {
    const keep = filtered ? (r: DeliveryRecord) => holdsAll(facetsOf(r)) && (verdictHolds?.(r) ?? true) : undefined;
    return { kind: 'lines', request: { prefixes: [DeliveryKeys.linePrefix, DeliveryKeys.legacyLinePrefix], signature, ...(keep ? { keep } : {}) } };
  }
  const keep = filtered ? (r: DeliveryIndexRef) => holdsAll(r) : undefined;
  return { kind: 'index', request: { prefixes: [DeliveryKeys.indexPrefix(primary.index, primary.value)], signature, ...(keep ? { keep } : {}) }, ...(verdictHolds ? { lineKeep: verdictHolds } : {}) };
}

/** A page's lines: read directly, or the index entries' lines in one batch read (an entry whose line expired is skipped). */
async function readLines(store: KeyValueStore, spec: PageSpec, limit: number, cursor: string | undefined): Promise<{ lines: StoredEntry<DeliveryRecord>[]; nextCursor: string | null; prevCursor: string | null }> {
  if (spec.kind === 'lines') {
    const page = await readPage(store, { ...spec.request, limit, cursor });
    return { lines: [...page.items], nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  }
  const page = await readPage(store, { ...spec.request, limit, cursor });
  const keys = page.items.map((entry) => entry.value.lineKey);
  const found = keys.length > 0 ? await store.getMany<DeliveryRecord>(keys) : new Map<string, DeliveryRecord>();
  const lines = keys.flatMap((key) => {
    const value = found.get(key);
    return value && (spec.lineKeep?.(value) ?? true) ? [{ key, value }] : [];
  });
  return { lines, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

function summary(key: string, value: DeliveryRecord): DeliverySummary {
  return {
    key,
    eventId: value.eventId,
    source: value.source,
    groupKey: value.groupKey,
    receivedAt: value.receivedAt,
    processedAt: value.processedAt,
    attempt: value.attempt,
    outcome: value.outcome.kind,
    verdict: verdictOf(value.outcome),
    detail: describeOutcome(value.outcome),
    count: value.count ?? 1,
    lastAt: value.lastAt ?? value.processedAt,
    lastEventId: value.lastEventId ?? value.eventId,
    projectKeys: value.projectKeys ?? [],
    issueKeys: value.issueKeys ?? [],
  };
}

/**
 * The delivery log, newest first, a page at a time both ways, optionally filtered. KVS calls per page: 1 with
 * no filter (2 where the current layout ends and the older one begins); 2 with one indexed filter (index query
 * + batch read of the lines); a combination reads the most selective indexed filter's index and checks the
 * others on its entries, in at most MAX_SCAN_CALLS queries, + 1 batch read; source or a common outcome alone
 * scans the lines in at most MAX_SCAN_CALLS queries. A bounded page may be short, with a next cursor.
 */
export async function listRecentDeliveries(input: unknown, deps: Pick<ResolverDeps, 'store' | 'env'>): Promise<RecentDeliveries> {
  const retentionDays = deliveryLogRetention(deps.env).days;
  const parsed = listDeliveriesInputSchema.safeParse(input ?? {});
  if (!parsed.success) return refused(zodProblems(parsed.error), retentionDays);
  try {
    const page = await readLines(deps.store, deliveryPageSpec(parsed.data), parsed.data.limit ?? 20, parsed.data.cursor);
    return { ok: true, items: page.lines.map(({ key, value }) => summary(key, value)), nextCursor: page.nextCursor, prevCursor: page.prevCursor, retentionDays };
  } catch (error) {
    if (error instanceof CursorError) return refused([{ path: 'cursor', message: error.message }], retentionDays);
    throw error;
  }
}

/** `invalid-input`, with the old fields empty so a page that only reads `items` shows nothing rather than failing. */
function refused(problems: InputProblem[], retentionDays: number): RecentDeliveries {
  return { ok: false, error: { code: 'invalid-input', message: 'the input is not valid', problems }, items: [], nextCursor: null, prevCursor: null, retentionDays };
}
