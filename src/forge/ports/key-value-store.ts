/** The slice of Forge KVS the app uses. Implemented by adapters/forge-kvs-store.ts. */
export interface StoredEntry<T> {
  readonly key: string;
  readonly value: T;
}

export interface PrefixPage<T> {
  readonly results: readonly StoredEntry<T>[];
  readonly nextCursor: string | undefined;
}

export interface SetOptions {
  readonly ttlSeconds?: number;
}

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: readonly string[]): Promise<Map<string, T>>;
  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  setMany<T>(entries: readonly StoredEntry<T>[], options?: SetOptions): Promise<void>;
  /** Writes only when the key is absent; answers whether this call wrote it (Forge `FAIL_IF_EXISTS`). */
  setIfAbsent<T>(key: string, value: T, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  listByPrefix<T>(prefix: string, page: { limit: number; cursor?: string | undefined }): Promise<PrefixPage<T>>;
}

export interface SecretStore {
  getSecret<T>(key: string): Promise<T | undefined>;
  setSecret<T>(key: string, value: T): Promise<void>;
}
