/**
 * Pages of a newest-first key range, both ways, at a bounded number of KVS calls whatever the log's size.
 *
 * Forge KVS lists only forward (`beginsWith`, at most 20 per call, opaque cursors: FORGE-NOTES §4), so
 * "newer" is answered from the way the reader came: our cursor carries the positions of the pages before
 * it (a stack, capped in size; past the cap, "newer" leads to the newest page). A position is a phase (which
 * prefix of the chain: the current layout, then keys of an older layout) and that prefix's KVS cursor.
 *
 * Cost of one page: one KVS query per prefix reached (the query asks for exactly the lines still missing,
 * so the next page starts right after the last one shown); with a `keep` filter (filters that have no index
 * of their own), at most `maxCalls` queries, after which the page may hold fewer lines and a next cursor.
 */
import { z } from 'zod';
import type { KeyValueStore, PrefixPage, StoredEntry } from '../ports/key-value-store';

interface Position {
  readonly p: number;
  readonly c: string | null;
}

const positionSchema = z.object({ p: z.number().int().min(0).max(8), c: z.string().max(2048).nullable() });
const tokenSchema = z.object({ v: z.literal(1), f: z.string().max(4096), at: positionSchema, back: z.array(positionSchema).max(400) });
type Token = z.infer<typeof tokenSchema>;

/** Encoded cursors stay under this size: the oldest "newer" positions are dropped first. */
export const MAX_CURSOR_CHARS = 8192;
/** The KVS query limit (Forge refuses more than 20). */
export const KVS_PAGE_MAX = 20;
/** Queries one page may make when lines are filtered after reading (a combination of filters). */
export const MAX_SCAN_CALLS = 5;

export interface PageRequest<T> {
  /** Prefixes read one after the other (newest layout first). */
  readonly prefixes: readonly string[];
  readonly limit: number;
  readonly cursor: string | undefined;
  /** What the cursor must have been made for (the filters), so a cursor is never applied to another range. */
  readonly signature: string;
  readonly keep?: (value: T) => boolean;
  readonly maxCalls?: number;
}

export interface Page<T> {
  readonly items: readonly StoredEntry<T>[];
  readonly nextCursor: string | null;
  readonly prevCursor: string | null;
  /** KVS queries this page made (for tests and logs). */
  readonly kvsCalls: number;
}

export class CursorError extends Error {}

const START: Position = { p: 0, c: null };
const isStart = (at: Position): boolean => at.p === 0 && at.c === null;

function encode(token: Token): string {
  let t = token;
  let text = Buffer.from(JSON.stringify(t)).toString('base64url');
  while (text.length > MAX_CURSOR_CHARS && t.back.length > 0) {
    t = { ...t, back: t.back.slice(1) };
    text = Buffer.from(JSON.stringify(t)).toString('base64url');
  }
  return text;
}

function decode(cursor: string, signature: string): Token {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor from this list (use nextCursor or prevCursor as given)');
  }
  const token = tokenSchema.safeParse(parsed);
  if (!token.success) throw new CursorError('not a cursor from this list (use nextCursor or prevCursor as given)');
  if (token.data.f !== signature) throw new CursorError('this cursor was made for other filters; start again without a cursor');
  return token.data;
}

export async function readPage<T>(store: KeyValueStore, request: PageRequest<T>): Promise<Page<T>> {
  const token: Token = request.cursor ? decode(request.cursor, request.signature) : { v: 1, f: request.signature, at: START, back: [] };
  if (token.at.p >= request.prefixes.length) throw new CursorError('not a cursor from this list (use nextCursor or prevCursor as given)');
  const maxCalls = request.keep ? (request.maxCalls ?? MAX_SCAN_CALLS) : request.prefixes.length - token.at.p;
  const items: StoredEntry<T>[] = [];
  let at: Position | null = token.at;
  let calls = 0;
  while (at && items.length < request.limit && calls < maxCalls) {
    const prefix: string = request.prefixes[at.p]!;
    // Ask for what is missing only: the next page then starts right after the last line shown.
    const page: PrefixPage<T> = await store.listByPrefix<T>(prefix, { limit: Math.min(KVS_PAGE_MAX, request.limit - items.length), cursor: at.c ?? undefined });
    calls += 1;
    for (const entry of page.results) if (!request.keep || request.keep(entry.value)) items.push(entry);
    if (page.nextCursor) at = { p: at.p, c: page.nextCursor };
    else at = at.p + 1 < request.prefixes.length ? { p: at.p + 1, c: null } : null;
  }
  const back = [...token.back, token.at];
  const previous = token.back[token.back.length - 1];
  return {
    items,
    nextCursor: at ? encode({ v: 1, f: request.signature, at, back }) : null,
    prevCursor: isStart(token.at) ? null : previous ? encode({ v: 1, f: request.signature, at: previous, back: token.back.slice(0, -1) }) : encode({ v: 1, f: request.signature, at: START, back: [] }),
    kvsCalls: calls,
  };
}
