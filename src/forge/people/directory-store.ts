/**
 * The user directory in KVS, with bounded costs whatever the number of people (README "User directory"):
 *
 * - `ud:head`: when it was computed, the counts, and per list (matched, unmatched) its pages in email order as
 *   `{ id, first, count }` (`first`: the page's first email). Small: one ref per ≤ 200 people.
 * - `ud:page:<id>`: up to PAGE_SIZE entries of one list (a manual change may grow a page to 2 × PAGE_SIZE, then
 *   it splits). A run writes fresh page ids, then the head (the commit), then deletes the previous pages, so a
 *   reader never combines pages of two runs.
 * - `ud:overrides`: the admins' manual matches and unmatches (domain `DirectoryOverrides`), kept across runs.
 * - `ud:last-run`: how the newest run went (a failed run keeps the previous directory).
 * - `ud:lease` (TTL): held while the head and pages are rewritten (a run's write, a manual change).
 *
 * Costs: a list page view = 1 batch read (head + last run) + 1 batch read (≤ 2 pages at `limit` ≤ PAGE_SIZE);
 * the commander lookup = 1 read + 1 batch read; a manual change = 1 lease write + 2 reads + ≤ 4 writes; a run
 * = ⌈people / PAGE_SIZE⌉ page writes + head + overrides read + the previous run's page deletes.
 */
import { normalizeEmail } from '../domain/incidents';
import type { DirectoryOverrides, DirectoryResult, MatchedPerson, UnmatchedPerson } from '../domain/people';
import { NO_OVERRIDES } from '../domain/people';
import type { KeyValueStore } from '../ports/key-value-store';

export const PAGE_SIZE = 100;
/** More overrides than this are refused (the value stays far below the KVS value limit). */
export const MAX_OVERRIDES = 1000;
const LEASE_SECONDS = 120;

export const DirectoryKeys = {
  head: 'ud:head',
  page: (id: string) => `ud:page:${id}`,
  overrides: 'ud:overrides',
  lastRun: 'ud:last-run',
  lease: 'ud:lease',
} as const;

export type DirectoryList = 'matched' | 'unmatched';
export type DirectoryEntry<L extends DirectoryList> = L extends 'matched' ? MatchedPerson : UnmatchedPerson;

export interface PageRef {
  readonly id: string;
  readonly first: string;
  readonly count: number;
}

export interface DirectoryHead {
  readonly version: 1;
  readonly computedAtMs: number;
  /** Changed by manual matches since the run. */
  readonly changedAtMs: number;
  readonly jiraUsers: number;
  readonly impactPeople: number;
  readonly lists: { readonly matched: readonly PageRef[]; readonly unmatched: readonly PageRef[] };
}

export interface DirectoryRun {
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly outcome: 'ok' | 'failed' | 'busy';
  readonly message?: string;
  readonly jiraPages: number;
  readonly impactPages: number;
}

const total = (refs: readonly PageRef[]) => refs.reduce((n, r) => n + r.count, 0);
export const listTotal = (head: DirectoryHead, list: DirectoryList): number => total(head.lists[list]);

export async function readHead(store: KeyValueStore): Promise<DirectoryHead | undefined> {
  const head = await store.get<DirectoryHead>(DirectoryKeys.head);
  return head?.version === 1 ? head : undefined;
}

export async function readOverrides(store: KeyValueStore): Promise<DirectoryOverrides> {
  return (await store.get<DirectoryOverrides>(DirectoryKeys.overrides)) ?? NO_OVERRIDES;
}

export const takeDirectoryLease = (store: KeyValueStore) => store.setIfAbsent(DirectoryKeys.lease, { at: 'lease' }, { ttlSeconds: LEASE_SECONDS });
export const releaseDirectoryLease = (store: KeyValueStore) => store.delete(DirectoryKeys.lease);

let pageCounter = 0;
const newPageId = (nowMs: number) => `${nowMs.toString(36)}-${(pageCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

function chunk<T extends { email: string }>(entries: readonly T[], nowMs: number): { refs: PageRef[]; pages: Map<string, T[]> } {
  const refs: PageRef[] = [];
  const pages = new Map<string, T[]>();
  for (let i = 0; i < entries.length; i += PAGE_SIZE) {
    const slice = entries.slice(i, i + PAGE_SIZE);
    const id = newPageId(nowMs);
    refs.push({ id, first: slice[0]!.email, count: slice.length });
    pages.set(id, slice);
  }
  return { refs, pages };
}

/** Writes a run's result (caller holds the lease): fresh pages, then the head, then the old pages go. */
export async function writeDirectory(store: KeyValueStore, result: DirectoryResult, counts: { jiraUsers: number; impactPeople: number }, nowMs: number): Promise<DirectoryHead> {
  const previous = await readHead(store);
  const matched = chunk(result.matched, nowMs);
  const unmatched = chunk(result.unmatched, nowMs);
  for (const [id, entries] of [...matched.pages, ...unmatched.pages]) await store.set(DirectoryKeys.page(id), entries);
  const head: DirectoryHead = { version: 1, computedAtMs: nowMs, changedAtMs: nowMs, ...counts, lists: { matched: matched.refs, unmatched: unmatched.refs } };
  await store.set(DirectoryKeys.head, head);
  for (const ref of [...(previous?.lists.matched ?? []), ...(previous?.lists.unmatched ?? [])]) await store.delete(DirectoryKeys.page(ref.id));
  return head;
}

export interface ListedPage<L extends DirectoryList> {
  readonly total: number;
  readonly entries: readonly DirectoryEntry<L>[];
}

/** Entries `offset`…`offset + limit` of one list, reading only the pages that hold them. */
export async function readListPage<L extends DirectoryList>(store: KeyValueStore, head: DirectoryHead, list: L, offset: number, limit: number): Promise<ListedPage<L>> {
  const refs = head.lists[list];
  const wanted: { ref: PageRef; from: number; to: number }[] = [];
  let start = 0;
  for (const ref of refs) {
    const end = start + ref.count;
    if (end > offset && start < offset + limit) wanted.push({ ref, from: Math.max(0, offset - start), to: Math.min(ref.count, offset + limit - start) });
    start = end;
  }
  const pages = wanted.length === 0 ? new Map<string, DirectoryEntry<L>[]>() : await store.getMany<DirectoryEntry<L>[]>(wanted.map((w) => DirectoryKeys.page(w.ref.id)));
  const entries = wanted.flatMap((w) => (pages.get(DirectoryKeys.page(w.ref.id)) ?? []).slice(w.from, w.to));
  return { total: total(refs), entries };
}

/** Index of the page that holds (or would hold) `email` in email order. */
function pageIndexFor(refs: readonly PageRef[], email: string): number {
  let found = 0;
  for (let i = 0; i < refs.length; i += 1) if (refs[i]!.first <= email) found = i;
  return found;
}

export interface Located {
  readonly list: DirectoryList;
  readonly entry: MatchedPerson | UnmatchedPerson;
}

/** The directory's verdict on one person (1 batch read of at most two pages), or undefined when not listed. */
export async function findPerson(store: KeyValueStore, head: DirectoryHead, email: string): Promise<Located | undefined> {
  const key = normalizeEmail(email);
  const candidates = (['matched', 'unmatched'] as const).flatMap((list) => {
    const refs = head.lists[list];
    return refs.length === 0 ? [] : [{ list, ref: refs[pageIndexFor(refs, key)]! }];
  });
  if (candidates.length === 0) return undefined;
  const pages = await store.getMany<(MatchedPerson | UnmatchedPerson)[]>(candidates.map((c) => DirectoryKeys.page(c.ref.id)));
  for (const c of candidates) {
    const entry = pages.get(DirectoryKeys.page(c.ref.id))?.find((e) => e.email === key);
    if (entry) return { list: c.list, entry };
  }
  return undefined;
}

/**
 * Moves one person's entry (caller holds the lease): out of the page that holds it, into its place in `to`.
 * Writes the ≤ 2 (3 on a split) changed pages, then the head. Answers the new head.
 */
export async function replaceEntry(store: KeyValueStore, head: DirectoryHead, from: DirectoryList, entry: MatchedPerson | UnmatchedPerson, to: DirectoryList, nowMs: number): Promise<DirectoryHead> {
  const lists: Record<DirectoryList, PageRef[]> = { matched: [...head.lists.matched], unmatched: [...head.lists.unmatched] };
  const fromIndex = pageIndexFor(lists[from], entry.email);
  const fromRef = lists[from][fromIndex]!;
  const toIndex = lists[to].length === 0 ? -1 : pageIndexFor(lists[to], entry.email);
  const toRef = toIndex < 0 ? undefined : lists[to][toIndex];
  const keys = [DirectoryKeys.page(fromRef.id), ...(toRef && toRef.id !== fromRef.id ? [DirectoryKeys.page(toRef.id)] : [])];
  const pages = await store.getMany<(MatchedPerson | UnmatchedPerson)[]>(keys);

  const writes = new Map<string, (MatchedPerson | UnmatchedPerson)[]>();
  const source = (pages.get(DirectoryKeys.page(fromRef.id)) ?? []).filter((e) => e.email !== entry.email);
  writes.set(fromRef.id, source);
  const target = [...(toRef ? (writes.get(toRef.id) ?? pages.get(DirectoryKeys.page(toRef.id)) ?? []) : []).filter((e) => e.email !== entry.email), entry].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));

  const refOf = (id: string, list: readonly (MatchedPerson | UnmatchedPerson)[]): PageRef => ({ id, first: list[0]?.email ?? '', count: list.length });
  lists[from][fromIndex] = refOf(fromRef.id, source);
  if (toRef) {
    if (target.length > 2 * PAGE_SIZE) {
      const half = Math.ceil(target.length / 2);
      const id = newPageId(nowMs);
      writes.set(toRef.id, target.slice(0, half));
      writes.set(id, target.slice(half));
      lists[to].splice(toIndex, 1, refOf(toRef.id, target.slice(0, half)), refOf(id, target.slice(half)));
    } else {
      writes.set(toRef.id, target);
      lists[to][toIndex] = refOf(toRef.id, target);
    }
  } else {
    const id = newPageId(nowMs);
    writes.set(id, target);
    lists[to].push(refOf(id, target));
  }
  for (const [id, entries] of writes) if (entries.length > 0) await store.set(DirectoryKeys.page(id), entries);
  const emptied = [...writes].filter(([, entries]) => entries.length === 0).map(([id]) => id);
  const next: DirectoryHead = {
    ...head,
    changedAtMs: nowMs,
    lists: { matched: lists.matched.filter((r) => r.count > 0), unmatched: lists.unmatched.filter((r) => r.count > 0) },
  };
  await store.set(DirectoryKeys.head, next);
  for (const id of emptied) await store.delete(DirectoryKeys.page(id));
  return next;
}

/** The directory's verdict for the incident sync's commander lookup: 2 KVS calls; undefined when it has none. */
export async function directoryVerdict(store: KeyValueStore, email: string): Promise<{ kind: 'matched'; accountId: string; name: string } | { kind: 'manual-unmatch' } | undefined> {
  const head = await readHead(store);
  if (!head) return undefined;
  const found = await findPerson(store, head, email);
  if (!found) return undefined;
  if (found.list === 'matched') {
    const m = found.entry as MatchedPerson;
    return { kind: 'matched', accountId: m.account.accountId, name: m.name };
  }
  return (found.entry as UnmatchedPerson).reason === 'manual' ? { kind: 'manual-unmatch' } : undefined;
}
