/** Shared pieces of the HTTP layer: the Hono env, body parsing with zod, and paging parameters. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from './errors';
import type { Actor, OpContext } from './issue-ops';
import type { SimState } from './state';
import type { WorkflowValidators } from './workflow-validators';

export interface SimEnv {
  Variables: { actor: Actor };
}

export interface RouteDeps extends OpContext {
  readonly state: SimState;
  readonly searchPages: SearchPageStore;
  readonly validators: WorkflowValidators;
}

/** Reads a JSON body and checks it with zod; both failures are Jira-shaped 400s. */
export async function parseBody<T>(c: Context<SimEnv>, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest(['Unexpected character in request body: the body is not valid JSON.']);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.slice(0, 10).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`));
  }
  return parsed.data;
}

/** `startAt` / `maxResults` query parameters with Jira's defaults and an upper bound. */
export function paging(c: Context<SimEnv>, defaultMax: number, cap: number): { startAt: number; maxResults: number } {
  const startAt = Number(c.req.query('startAt') ?? 0);
  const maxResults = Number(c.req.query('maxResults') ?? defaultMax);
  if (!Number.isInteger(startAt) || startAt < 0) throw badRequest(["The 'startAt' parameter must be a non-negative integer."]);
  if (!Number.isInteger(maxResults) || maxResults < 0) throw badRequest(["The 'maxResults' parameter must be a non-negative integer."]);
  return { startAt, maxResults: Math.min(maxResults, cap) };
}

/** Multi-valued, comma-separated query parameters such as `fields=summary,status&fields=labels`. */
export function listQuery(c: Context<SimEnv>, name: string): string[] | undefined {
  const values = c.req.queries(name);
  if (!values) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

/**
 * Result snapshots behind `nextPageToken`: a search fixes its result list on the first page, so paging visits
 * each matching issue exactly once even while issues change between pages. Oldest snapshots are dropped first.
 */
export class SearchPageStore {
  private readonly snapshots = new Map<string, readonly string[]>();
  private seq = 0;

  constructor(private readonly capacity = 500) {}

  save(ids: readonly string[]): string {
    this.seq += 1;
    const id = `s${this.seq}`;
    this.snapshots.set(id, ids);
    while (this.snapshots.size > this.capacity) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest === undefined) break;
      this.snapshots.delete(oldest);
    }
    return id;
  }

  get(id: string): readonly string[] | undefined {
    return this.snapshots.get(id);
  }

  /**
   * One page of a paged list: the first request computes the list (`fresh`), a `nextPageToken` resumes the
   * snapshot it came from. `nextPageToken` is set while more remains; an unknown or expired token is a 400.
   */
  page(nextPageToken: string | undefined, size: number, fresh: () => readonly string[]): { readonly ids: readonly string[]; readonly nextPageToken: string | undefined } {
    let all: readonly string[];
    let snapshot: string | undefined;
    let offset = 0;
    if (nextPageToken !== undefined) {
      const token = decodePageToken(nextPageToken);
      const saved = token ? this.get(token.snapshot) : undefined;
      if (!token || !saved) throw badRequest(['The provided next page token is invalid or expired.']);
      all = saved;
      snapshot = token.snapshot;
      offset = token.offset;
    } else {
      all = fresh();
    }
    const ids = all.slice(offset, offset + size);
    const end = offset + ids.length;
    return { ids, nextPageToken: end < all.length ? encodePageToken(snapshot ?? this.save(all), end) : undefined };
  }
}

export function encodePageToken(snapshot: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: snapshot, o: offset }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): { snapshot: string; offset: number } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const s = (parsed as Record<string, unknown>)['s'];
    const o = (parsed as Record<string, unknown>)['o'];
    return typeof s === 'string' && typeof o === 'number' ? { snapshot: s, offset: o } : null;
  } catch {
    return null;
  }
}
