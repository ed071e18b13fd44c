import { kvs, WhereConditions, ForgeKvsAPIError } from '@forge/kvs';
import type { KeyValueStore, PrefixPage, SecretStore, SetOptions, StoredEntry } from '../ports/key-value-store';

/** Forge KVS batch operations take at most 20 items per call. */
const BATCH_LIMIT = 20;

function ttlOf(options: SetOptions | undefined) {
  return options?.ttlSeconds === undefined ? {} : { ttl: { value: options.ttlSeconds, unit: 'SECONDS' as const } };
}

/** KVS answers a FAIL_IF_EXISTS write on an existing key with 409 KEY_CONFLICT. */
function isKeyConflict(error: unknown): boolean {
  return error instanceof ForgeKvsAPIError && (error.code === 'KEY_CONFLICT' || error.responseDetails.status === 409);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createForgeKvsStore(): KeyValueStore & SecretStore {
  return {
    get: <T>(key: string) => kvs.get<T>(key),
    async getMany<T>(keys: readonly string[]) {
      const found = new Map<string, T>();
      for (const part of chunks(keys, BATCH_LIMIT)) {
        const result = await kvs.batchGet<T>(part.map((key) => ({ key })));
        // A missing key is reported as a failed key with KEY_NOT_FOUND; that only means "absent".
        const failed = result.failedKeys.filter((item) => item.error.code !== 'KEY_NOT_FOUND');
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(`KVS batchGet failed for ${failed.length} keys: ${first?.error.code} ${first?.error.message}`);
        }
        for (const item of result.successfulKeys) found.set(item.key, item.value);
      }
      return found;
    },
    set: <T>(key: string, value: T, options?: SetOptions) => kvs.set(key, value, ttlOf(options)),
    async setMany<T>(entries: readonly StoredEntry<T>[], options?: SetOptions) {
      for (const part of chunks(entries, BATCH_LIMIT)) {
        const result = await kvs.batchSet(part.map((entry) => ({ key: entry.key, value: entry.value, options: ttlOf(options) })));
        if (result.failedKeys.length > 0) {
          const first = result.failedKeys[0];
          throw new Error(`KVS batchSet failed for ${result.failedKeys.length} keys: ${first?.error.code} ${first?.error.message}`);
        }
      }
    },
    async setIfAbsent<T>(key: string, value: T, options?: SetOptions) {
      try {
        await kvs.set(key, value, { ...ttlOf(options), keyPolicy: 'FAIL_IF_EXISTS' });
        return true;
      } catch (error) {
        if (isKeyConflict(error)) return false;
        throw error;
      }
    },
    delete: (key: string) => kvs.delete(key),
    async listByPrefix<T>(prefix: string, page: { limit: number; cursor?: string | undefined }): Promise<PrefixPage<T>> {
      let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(page.limit);
      if (page.cursor) query = query.cursor(page.cursor);
      const result = await query.getMany<T>();
      return { results: result.results.map((r) => ({ key: r.key, value: r.value })), nextCursor: result.nextCursor };
    },
    getSecret: <T>(key: string) => kvs.getSecret<T>(key),
    setSecret: <T>(key: string, value: T) => kvs.setSecret(key, value),
  };
}
