import { z } from 'zod';
import { eventSourceSchema } from '../../../shared/relay-envelope';
import type { KeyValueStore, SecretStore, StoredEntry } from '../../ports/key-value-store';
import { describeOutcome, verdictOf, type DeliveryRecord } from '../../delivery/delivery-record';
import { DeliveryKeys, type DeliveryFacets, type DeliveryIndex, type DeliveryIndexRef } from '../../delivery/delivery-keys';
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
  })
  .strict();
type ListInput = z.infer<typeof listDeliveriesInputSchema>;

/** Filters by how few lines they usually match: the most selective one is read by its index, the others checked per line. */
const FILTERS: readonly { readonly index: DeliveryIndex; readonly field: keyof ListInput; readonly holds: (r: DeliveryFacets, v: string) => boolean }[] = [
  { index: 'issue', field: 'issueKey', holds: (r, v) => r.issueKeys.includes(v) },
  { index: 'group', field: 'groupKey', holds: (r, v) => r.groupKey === v },
  { index: 'project', field: 'projectKey', holds: (r, v) => r.projectKeys.includes(v) },
  { index: 'source', field: 'source', holds: (r, v) => r.source === v },
  { index: 'outcome', field: 'outcome', holds: (r, v) => r.outcome === v },
];

type PageSpec = { readonly kind: 'lines'; readonly request: Omit<PageRequest<DeliveryRecord>, 'limit' | 'cursor'> } | { readonly kind: 'index'; readonly request: Omit<PageRequest<DeliveryIndexRef>, 'limit' | 'cursor'> };

/** Which prefixes a page reads and what it checks per index entry, for these filters. */
export function deliveryPageSpec(input: ListInput): PageSpec {
  const active = FILTERS.flatMap((f) => {
    const value = input[f.field];
    return typeof value === 'string' ? [{ ...f, value }] : [];
  });
  const signature = JSON.stringify(active.map((f) => [f.index, f.value]));
  const [primary, ...rest] = active;
  // Unfiltered: the log, then lines of the layout before newest-first (they expire with nothing; shown last).
  if (!primary) return { kind: 'lines', request: { prefixes: [DeliveryKeys.linePrefix, DeliveryKeys.legacyLinePrefix], signature } };
  const keep = rest.length > 0 ? (r: DeliveryIndexRef) => rest.every((f) => f.holds(r, f.value)) : undefined;
  return { kind: 'index', request: { prefixes: [DeliveryKeys.indexPrefix(primary.index, primary.value)], signature, ...(keep ? { keep } : {}) } };
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
    return value ? [{ key, value }] : [];
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
 * no filter (2 where the current layout ends and the older one begins); 2 with one filter (index query + batch
 * read of the lines); a combination reads the most selective filter's index, checks the others on the index
 * entries, in at most MAX_SCAN_CALLS queries (the page may then be short, with a next cursor), + 1 batch read.
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
