import type { KeyValueStore, PrefixPage, SecretStore, StoredEntry } from '../../src/forge/ports/key-value-store';

/**
 * The one in-memory implementation of the app's KVS port for tests: sorted keys, cursor pages of at most 20
 * (Forge refuses other list limits), TTL by the given clock, values copied in and out as Forge serialises them.
 */
export class InMemoryStore implements KeyValueStore, SecretStore {
  readonly values = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  readonly secrets = new Map<string, unknown>();
  writes = 0;
  /** Throws once from setMany when this reaches 0 (simulates an invocation killed mid-page). */
  killAfterSetMany: number | undefined;

  constructor(private readonly now: () => number = () => 0) {}

  private live(key: string) {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The stored value now, without a port call (for assertions). */
  peek<T>(key: string): T | undefined {
    const entry = this.live(key);
    return entry ? (structuredClone(entry.value) as T) : undefined;
  }

  async get<T>(key: string) {
    return this.peek<T>(key);
  }
  async getMany<T>(keys: readonly string[]) {
    const out = new Map<string, T>();
    for (const key of keys) {
      const entry = this.live(key);
      if (entry) out.set(key, structuredClone(entry.value) as T);
    }
    return out;
  }
  async set<T>(key: string, value: T, options?: { ttlSeconds?: number }) {
    this.writes += 1;
    this.values.set(key, { value: structuredClone(value), expiresAt: options?.ttlSeconds === undefined ? undefined : this.now() + options.ttlSeconds * 1000 });
  }
  async setMany<T>(entries: readonly StoredEntry<T>[], options?: { ttlSeconds?: number }) {
    if (this.killAfterSetMany !== undefined) {
      this.killAfterSetMany -= 1;
      if (this.killAfterSetMany < 0) {
        this.killAfterSetMany = undefined;
        throw new Error('invocation killed');
      }
    }
    for (const entry of entries) await this.set(entry.key, entry.value, options);
  }
  async setIfAbsent<T>(key: string, value: T, options?: { ttlSeconds?: number }) {
    if (this.live(key)) return false;
    await this.set(key, value, options);
    return true;
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  async listByPrefix<T>(prefix: string, page: { limit: number; cursor?: string | undefined }): Promise<PrefixPage<T>> {
    // Forge KVS refuses list limits outside 1–20 (LIST_QUERY_LIMIT_EXCEEDED).
    if (page.limit < 1 || page.limit > 20) throw new Error('Limit for list query should be between 1 and 20.');
    const keys = [...this.values.keys()].filter((key) => key.startsWith(prefix) && this.live(key)).sort();
    const start = page.cursor ? keys.findIndex((key) => key > page.cursor!) : 0;
    const slice = start < 0 ? [] : keys.slice(start, start + page.limit);
    const last = slice[slice.length - 1];
    const more = start >= 0 && start + page.limit < keys.length;
    return { results: slice.map((key) => ({ key, value: structuredClone(this.values.get(key)!.value) as T })), nextCursor: more ? last : undefined };
  }
  async getSecret<T>(key: string) {
    return this.secrets.get(key) as T | undefined;
  }
  async setSecret<T>(key: string, value: T) {
    this.secrets.set(key, value);
  }
}
