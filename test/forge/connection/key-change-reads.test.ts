/**
 * Rotating or retiring a signing key reads the key set and the relay records once, and answers from the keys it
 * just saved (secret storage from then on) plus those records, without reading them back.
 */
import { SecretKeys, StorageKeys } from '../../../src/forge/constants';
import { requireSettingsAdmin, type CallerContext } from '../../../src/forge/entry/resolvers/admin-check';
import { retireSigningKey, rotateSigningKey, type SigningResolverDeps } from '../../../src/forge/entry/resolvers/connection';
import type { JiraUserPort } from '../../../src/forge/ports/jira';
import { InMemoryStore } from '../../support/in-memory-store';

class CountingStore extends InMemoryStore {
  readonly reads: string[] = [];
  override async get<T>(key: string) {
    this.reads.push(`get ${key}`);
    return super.get<T>(key);
  }
  override async getMany<T>(keys: readonly string[]) {
    this.reads.push(`getMany ${keys.join(',')}`);
    return super.getMany<T>(keys);
  }
  override async getSecret<T>(key: string) {
    this.reads.push(`getSecret ${key}`);
    return super.getSecret<T>(key);
  }
}

const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(32);
const ADMIN: CallerContext = { accountId: 'acc-1', projectKey: 'OPS' };

function adminJira(allowed: ReadonlySet<string>, asked: string[] = []): JiraUserPort {
  return {
    async canAdministerProject(key) {
      asked.push(key);
      return { ok: true, value: allowed.has(key) };
    },
  };
}

function setup(env: NodeJS.ProcessEnv) {
  const store = new CountingStore();
  store.values.set(StorageKeys.lastReceived('alertmanager'), { value: { receivedAt: '2026-11-23T09:00:00.000Z', keyId: 'k-old', acceptedAt: '2026-11-23T09:00:01.000Z' }, expiresAt: undefined });
  store.values.set(StorageKeys.lastRejectedBatch, { value: { at: '2026-11-23T09:30:00.000Z', reason: 'unknown-key', keyId: 'k-gone' }, expiresAt: undefined });
  const deps: SigningResolverDeps = { store, secrets: store, env, userJira: adminJira(new Set(['OPS'])), now: () => NOW };
  return { store, deps };
}

const READS_ONCE = [
  `getSecret ${SecretKeys.relaySigningKeys}`,
  `getMany ${['alertmanager', 'impact', 'jira'].map((s) => StorageKeys.lastReceived(s)).join(',')}`,
  `get ${StorageKeys.lastRejectedBatch}`,
];

test('rotating a key from the Forge variable reads each record once and answers from the saved keys', async () => {
  const { store, deps } = setup({ RELAY_SIGNING_KEYS: `k-old:${SECRET_A}` });
  const result = await rotateSigningKey({ keyId: 'k-new', secret: SECRET_B }, ADMIN, deps);
  expect(store.reads).toEqual(READS_ONCE);
  expect(result).toEqual({
    ok: true,
    value: {
      source: 'secret-storage',
      keys: [
        { id: 'k-new', addedAt: '2026-11-23T10:00:00.000Z', lastUsedAt: null, inUseByRelay: false },
        { id: 'k-old', addedAt: null, lastUsedAt: '2026-11-23T09:00:01.000Z', inUseByRelay: true },
      ],
      lastRotatedAt: '2026-11-23T10:00:00.000Z',
      relayKeyId: 'k-old',
      lastAcceptedAt: '2026-11-23T09:00:01.000Z',
      lastRejected: { at: '2026-11-23T09:30:00.000Z', reason: 'unknown-key', keyId: 'k-gone' },
      maxKeys: 5,
    },
  });
  expect(store.secrets.get(SecretKeys.relaySigningKeys)).toEqual([{ id: 'k-new', secret: SECRET_B, createdAt: '2026-11-23T10:00:00.000Z' }, { id: 'k-old', secret: SECRET_A }]);
});

test('retiring a key reads each record once; the relay key found in those records is refused', async () => {
  const { store, deps } = setup({});
  store.secrets.set(SecretKeys.relaySigningKeys, [{ id: 'k-new', secret: SECRET_B, createdAt: '2026-11-23T08:00:00.000Z' }, { id: 'k-old', secret: SECRET_A }]);
  const refused = await retireSigningKey({ keyId: 'k-old' }, ADMIN, deps);
  expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(store.reads).toEqual(READS_ONCE);

  store.reads.length = 0;
  const retired = await retireSigningKey({ keyId: 'k-new' }, ADMIN, deps);
  expect(store.reads).toEqual(READS_ONCE);
  expect(retired).toMatchObject({ ok: true, value: { source: 'secret-storage', keys: [{ id: 'k-old', inUseByRelay: true }], lastRotatedAt: null, relayKeyId: 'k-old' } });
  expect(store.secrets.get(SecretKeys.relaySigningKeys)).toEqual([{ id: 'k-old', secret: SECRET_A }]);
});

test('requireSettingsAdmin: needs the page project, then asks for it and every extra project', async () => {
  const asked: string[] = [];
  const jira = adminJira(new Set(['OPS', 'INC']), asked);
  expect(await requireSettingsAdmin(jira, { accountId: 'acc-1', projectKey: undefined }, ['INC'])).toEqual({
    ok: false,
    error: { code: 'forbidden', message: 'open the settings from a project you administer' },
  });
  expect(asked).toEqual([]);
  expect(await requireSettingsAdmin(jira, ADMIN, ['INC', 'OPS'])).toBeNull();
  expect(asked).toEqual(['INC', 'OPS']);
  expect(await requireSettingsAdmin(jira, ADMIN, ['PM'])).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in PM' } });
});
