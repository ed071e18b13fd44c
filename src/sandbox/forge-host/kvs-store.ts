import type { SqliteDatabase } from './database';

/** Published KVS limits (developer.atlassian.com/platform/forge/limits-kvs-ce, handling-errors-kvs). */
export const KVS_LIMITS = {
  keyMaxLength: 500,
  keyPattern: /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/,
  valueMaxBytes: 240 * 1024,
  secretMaxBytes: 128 * 1024,
  maxDepth: 32,
  queryMaxLimit: 20,
  queryDefaultLimit: 10,
} as const;

/**
 * Code the host answers (HTTP 409) when `keyPolicy: FAIL_IF_EXISTS` meets an existing key. Atlassian
 * does not document it; apps should branch on `ForgeKvsAPIError.responseDetails.status === 409`.
 */
export const KEY_CONFLICT_CODE = 'KEY_CONFLICT';
export const CONDITION_FAILED_CODE = 'CONDITIONAL_CHECK_FAILED';

export type KvsSpace = { readonly kind: 'kv' } | { readonly kind: 'secret' } | { readonly kind: 'entity'; readonly name: string };

export interface KvsFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}
export type KvsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: KvsFailure };

export interface StoredItem {
  readonly key: string;
  readonly value: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expireTime?: string;
}

export type TtlUnit = 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
export interface SetOptions {
  readonly ttl?: { readonly value: number; readonly unit: TtlUnit };
  readonly keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
  readonly returnValue?: 'PREVIOUS' | 'LATEST';
}

export interface FilterClause {
  readonly property: string;
  readonly condition: string;
  readonly values: readonly unknown[];
}
export interface Conditions {
  readonly and?: readonly FilterClause[];
  readonly or?: readonly FilterClause[];
}
export interface TransactionOps {
  readonly set?: readonly { key: string; value: unknown; entityName?: string; conditions?: Conditions; options?: SetOptions }[];
  readonly delete?: readonly { key: string; entityName?: string; conditions?: Conditions }[];
  readonly check?: readonly { key: string; entityName?: string; conditions: Conditions }[];
}

const TTL_MS: Record<TtlUnit, number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

interface Row {
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
  expire_at: number | null;
}

const fail = (status: number, code: string, message: string): { ok: false; failure: KvsFailure } => ({ ok: false, failure: { status, code, message } });
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export function spaceId(space: KvsSpace): string {
  switch (space.kind) {
    case 'kv':
      return 'kv';
    case 'secret':
      return 'secret';
    case 'entity':
      return `entity:${space.name}`;
  }
}

export function validateKey(key: unknown): KvsFailure | undefined {
  if (typeof key !== 'string' || key.length === 0) return { status: 400, code: 'KEY_TOO_SHORT', message: 'The provided key needs to be at least one character.' };
  if (key.length > KVS_LIMITS.keyMaxLength) return { status: 400, code: 'KEY_TOO_LONG', message: 'The provided key has exceeded the maximum 500 characters.' };
  if (!KVS_LIMITS.keyPattern.test(key)) return { status: 400, code: 'INVALID_KEY', message: 'The provided key does not match the regex: /^(?!\\s+$)[a-zA-Z0-9:._\\s-#]+$/' };
  return undefined;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

function validateValue(space: KvsSpace, value: unknown): KvsFailure | undefined {
  if (value === undefined) return { status: 400, code: 'BAD_REQUEST', message: 'Provided request body is invalid' };
  const bytes = Buffer.byteLength(JSON.stringify(value));
  const max = space.kind === 'secret' ? KVS_LIMITS.secretMaxBytes : KVS_LIMITS.valueMaxBytes;
  if (bytes > max) return { status: 400, code: 'MAX_SIZE', message: 'The provided value has exceeded the maximum size limit.' };
  if (depthOf(value) > KVS_LIMITS.maxDepth) return { status: 400, code: 'MAX_DEPTH', message: 'The provided value has exceeded the maximum object depth (32) limit.' };
  return undefined;
}

function matches(clause: FilterClause, actual: unknown): boolean {
  const [a, b] = clause.values;
  const cmp = (x: unknown, y: unknown): number => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  switch (clause.condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return actual === a;
    case 'NOT_EQUAL_TO':
      return actual !== a;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && actual.startsWith(String(a));
    case 'CONTAINS':
      return (typeof actual === 'string' || Array.isArray(actual)) && actual.includes(a as never);
    case 'NOT_CONTAINS':
      return !((typeof actual === 'string' || Array.isArray(actual)) && actual.includes(a as never));
    case 'GREATER_THAN':
      return actual !== undefined && cmp(actual, a) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return actual !== undefined && cmp(actual, a) >= 0;
    case 'LESS_THAN':
      return actual !== undefined && cmp(actual, a) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return actual !== undefined && cmp(actual, a) <= 0;
    case 'BETWEEN':
      return actual !== undefined && cmp(actual, a) >= 0 && cmp(actual, b) <= 0;
    default:
      return false;
  }
}

function conditionsHold(conditions: Conditions | undefined, current: unknown): boolean {
  if (!conditions) return true;
  const prop = (p: string): unknown => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[p] : undefined);
  if (conditions.and) return conditions.and.every((c) => matches(c, prop(c.property)));
  if (conditions.or) return conditions.or.some((c) => matches(c, prop(c.property)));
  return true;
}

/**
 * The Forge Key-Value Store (plain keys, secrets, custom entities) over SQLite. Expiry is judged by
 * the injected clock; expired rows read as absent and are purged lazily.
 */
export class KvsStore {
  /** Successful writes (set, delete, each write of a transaction): benchmarks report KVS writes per alert. */
  private writeCount = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
  ) {}

  private row(space: KvsSpace, key: string): Row | undefined {
    const row = this.db.prepare('SELECT key, value, created_at, updated_at, expire_at FROM kvs_items WHERE space = ? AND key = ?').get(spaceId(space), key) as Row | undefined;
    if (row && row.expire_at !== null && row.expire_at <= this.clock()) {
      this.db.prepare('DELETE FROM kvs_items WHERE space = ? AND key = ?').run(spaceId(space), key);
      return undefined;
    }
    return row;
  }

  private toItem(row: Row): StoredItem {
    return {
      key: row.key,
      value: JSON.parse(row.value) as unknown,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.expire_at !== null ? { expireTime: new Date(row.expire_at).toISOString() } : {}),
    };
  }

  get(space: KvsSpace, key: string): KvsResult<StoredItem> {
    const bad = validateKey(key);
    if (bad) return { ok: false, failure: bad };
    const row = this.row(space, key);
    return row ? ok(this.toItem(row)) : fail(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
  }

  /** Returns the item the caller asked for with `returnValue` (PREVIOUS/LATEST), else undefined. */
  set(space: KvsSpace, key: string, value: unknown, options: SetOptions = {}): KvsResult<StoredItem | undefined> {
    return this.db.transaction((): KvsResult<StoredItem | undefined> => {
      const bad = validateKey(key) ?? validateValue(space, value);
      if (bad) return { ok: false, failure: bad };
      if (options.ttl && (!Number.isInteger(options.ttl.value) || options.ttl.value <= 0 || !(options.ttl.unit in TTL_MS))) {
        return fail(400, 'INVALID_TTL', 'TTL value must be a positive integer with a valid unit');
      }
      if (options.keyPolicy === 'FAIL_IF_EXISTS' && options.returnValue !== undefined) {
        return fail(400, 'BAD_REQUEST', 'returnValue requires keyPolicy OVERRIDE');
      }
      const previous = this.row(space, key);
      if (previous && options.keyPolicy === 'FAIL_IF_EXISTS') return fail(409, KEY_CONFLICT_CODE, 'The provided key already exists');
      const now = this.clock();
      const expireAt = options.ttl ? now + options.ttl.value * TTL_MS[options.ttl.unit] : null;
      const createdAt = previous?.created_at ?? now;
      this.db
        .prepare('INSERT OR REPLACE INTO kvs_items (space, key, value, created_at, updated_at, expire_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(spaceId(space), key, JSON.stringify(value), createdAt, now, expireAt);
      this.writeCount += 1;
      if (options.returnValue === 'PREVIOUS') return ok(previous ? this.toItem(previous) : undefined);
      if (options.returnValue === 'LATEST') return ok(this.toItem({ key, value: JSON.stringify(value), created_at: createdAt, updated_at: now, expire_at: expireAt }));
      return ok(undefined);
    })();
  }

  delete(space: KvsSpace, key: string): KvsResult<undefined> {
    const bad = validateKey(key);
    if (bad) return { ok: false, failure: bad };
    if (!this.row(space, key)) return fail(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
    this.db.prepare('DELETE FROM kvs_items WHERE space = ? AND key = ?').run(spaceId(space), key);
    this.writeCount += 1;
    return ok(undefined);
  }

  /** `query().where('key', beginsWith(prefix))` with an opaque cursor (the last key, base64url). */
  query(prefix: string, limit: number | undefined, cursor: string | undefined): KvsResult<{ items: StoredItem[]; cursor?: string }> {
    const take = limit ?? KVS_LIMITS.queryDefaultLimit;
    if (!Number.isInteger(take) || take < 1 || take > KVS_LIMITS.queryMaxLimit) {
      return fail(400, 'LIST_QUERY_LIMIT_EXCEEDED', `Limit for list query should be between 1 and ${KVS_LIMITS.queryMaxLimit}.`);
    }
    let after = '';
    if (cursor !== undefined) {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
      if (!after.startsWith('k:')) return fail(400, 'INVALID_CURSOR', 'The provided cursor is invalid');
      after = after.slice(2);
    }
    const now = this.clock();
    // Range scan on the primary key: keys >= prefix that still start with it, skipping expired rows.
    const rows = this.db
      .prepare(
        `SELECT key, value, created_at, updated_at, expire_at FROM kvs_items
         WHERE space = 'kv' AND key >= ? AND key > ? AND substr(key, 1, ?) = ? AND (expire_at IS NULL OR expire_at > ?)
         ORDER BY key LIMIT ?`,
      )
      .all(prefix, after, prefix.length, prefix, now, take + 1) as Row[];
    const page = rows.slice(0, take);
    const last = page[page.length - 1];
    const more = rows.length > take && last !== undefined;
    return ok({ items: page.map((r) => this.toItem(r)), ...(more ? { cursor: Buffer.from(`k:${last.key}`).toString('base64url') } : {}) });
  }

  /** All-or-nothing: every check/condition is read first, then every write is applied. */
  transact(ops: TransactionOps): KvsResult<undefined> {
    try {
      return this.transactUnsafe(ops);
    } catch (error) {
      if (error instanceof TransactionAbort) return { ok: false, failure: error.failure };
      throw error;
    }
  }

  private transactUnsafe(ops: TransactionOps): KvsResult<undefined> {
    return this.db.transaction((): KvsResult<undefined> => {
      const space = (entityName: string | undefined): KvsSpace => (entityName ? { kind: 'entity', name: entityName } : { kind: 'kv' });
      const current = (key: string, entityName: string | undefined): unknown => this.row(space(entityName), key)?.value;
      const parsed = (key: string, entityName: string | undefined): unknown => {
        const raw = current(key, entityName);
        return typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined;
      };
      const all = [...(ops.set ?? []), ...(ops.delete ?? []), ...(ops.check ?? [])];
      if (all.length === 0) return fail(400, 'BAD_REQUEST', 'Transaction must contain at least one operation');
      for (const op of all) {
        const bad = validateKey(op.key);
        if (bad) return { ok: false, failure: bad };
        if (!conditionsHold(op.conditions, parsed(op.key, op.entityName))) {
          return fail(409, CONDITION_FAILED_CODE, `Condition failed for key '${op.key}'`);
        }
      }
      for (const op of ops.set ?? []) {
        const r = this.set(space(op.entityName), op.key, op.value, { ...(op.options?.ttl ? { ttl: op.options.ttl } : {}) });
        if (!r.ok) throw new TransactionAbort(r.failure);
      }
      for (const op of ops.delete ?? []) {
        this.db.prepare('DELETE FROM kvs_items WHERE space = ? AND key = ?').run(spaceId(space(op.entityName)), op.key);
        this.writeCount += 1;
      }
      return ok(undefined);
    })();
  }

  /** Successful writes since the store was created (a failed or conflicting write does not count). */
  writes(): number {
    return this.writeCount;
  }

  /** Removes every item of every space (KVS, secrets, entities): what a reinstall starts from. */
  clearAll(): void {
    this.db.prepare('DELETE FROM kvs_items').run();
  }

  /** Counts live items in a space (tests and stats). */
  count(space: KvsSpace): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM kvs_items WHERE space = ? AND (expire_at IS NULL OR expire_at > ?)').get(spaceId(space), this.clock()) as { n: number };
    return row.n;
  }
}

/** Thrown inside a SQLite transaction to roll it back; converted back into a failure by the caller. */
export class TransactionAbort extends Error {
  constructor(readonly failure: KvsFailure) {
    super(failure.message);
  }
}
