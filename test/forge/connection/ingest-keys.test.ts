/**
 * The ingest web trigger's part in key rotation: it keeps the signing key id in the per-source record it already
 * writes, accepts any stored key by id, and notes a batch refused for its signature (at most once a minute).
 */
import { handleIngest, type IngestDeps } from '../../../src/forge/entry/webtrigger/ingest';
import { recordRejectedBatch } from '../../../src/forge/adapters/signing-keys';
import { SecretKeys, StorageKeys } from '../../../src/forge/constants';
import { signRequest, type SigningKey } from '../../../src/shared/signing';
import type { WebTriggerRequest } from '../../../src/forge/entry/webtrigger/web-trigger-types';
import type { RelayEvent } from '../../../src/shared/relay-envelope';
import { InMemoryStore } from '../../support/in-memory-store';

const T0 = Date.parse('2026-11-23T09:00:00Z');
const NEW: SigningKey = { id: 'k-new', secret: 'new-signing-secret-0123456789abcdef' };
const OLD: SigningKey = { id: 'k-old', secret: 'old-signing-secret-0123456789abcdef' };

function setup(keys: unknown = [{ ...NEW, createdAt: new Date(T0).toISOString() }, OLD]) {
  let now = T0;
  const store = new InMemoryStore(() => now);
  store.secrets.set(SecretKeys.relaySigningKeys, keys);
  const pushed: unknown[] = [];
  const deps: IngestDeps = {
    store,
    secrets: store,
    queue: { push: async (jobs) => void pushed.push(...jobs) },
    clock: { now: () => now },
    logger: { info() {}, warn() {}, error() {} } as unknown as IngestDeps['logger'],
    env: {},
    rejections: { record: (rejection, nowMs) => recordRejectedBatch(store, rejection, nowMs) },
  };
  return { store, deps, pushed, advance: (ms: number) => (now += ms), now: () => now };
}

let seq = 0;
function batchBody(source: RelayEvent['source'] = 'alertmanager'): string {
  seq += 1;
  const event: RelayEvent = { id: `evt-key-${seq}`, source, receivedAt: new Date(T0 - 1000).toISOString(), sequence: seq, groupKey: 'g', body: { groupKey: 'g' } };
  return JSON.stringify({ version: 1, events: [event] });
}

function request(body: string, headers: Record<string, string>): WebTriggerRequest {
  return { method: 'POST', body, path: '/', headers: { 'content-type': ['application/json'], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) }, queryParameters: {} };
}

const signedWith = (key: SigningKey, body: string, nowMs: number) => request(body, signRequest(key, body, Math.floor(nowMs / 1000)));

test('keeps the signing key id and the accept time in the per-source record, one write per source', async () => {
  const { store, deps, now } = setup();
  const writesBefore = store.writes;
  const response = await handleIngest(signedWith(OLD, batchBody(), now()), deps);
  expect(response.statusCode).toBe(202);
  expect(await store.get(StorageKeys.lastReceived('alertmanager'))).toEqual({ receivedAt: new Date(T0 - 1000).toISOString(), keyId: 'k-old', acceptedAt: new Date(T0).toISOString() });
  // One seen marker and one last-received record: the key id costs no extra write.
  expect(store.writes - writesBefore).toBe(2);
  expect(await handleIngest(signedWith(NEW, batchBody(), now()), deps)).toMatchObject({ statusCode: 202 });
  expect(await store.get(StorageKeys.lastReceived('alertmanager'))).toMatchObject({ keyId: 'k-new' });
});

test('keys stored before createdAt existed still verify', async () => {
  const { deps, now } = setup([OLD]);
  expect((await handleIngest(signedWith(OLD, batchBody(), now()), deps)).statusCode).toBe(202);
});

test.each<[string, (body: string, nowMs: number) => WebTriggerRequest, string, string | null]>([
  ['a retired (unknown) key', (body, nowMs) => signedWith({ id: 'k-retired', secret: 'retired-secret-0123456789abcdef' }, body, nowMs), 'unknown-key', 'k-retired'],
  ['a wrong secret for a known id', (body, nowMs) => signedWith({ id: 'k-new', secret: 'not-the-secret-0123456789abcdef' }, body, nowMs), 'bad-signature', 'k-new'],
  ['a key id that is not an id', (body, nowMs) => request(body, { ...signRequest(NEW, body, Math.floor(nowMs / 1000)), 'x-bridge-key-id': '<img src=x>' }), 'unknown-key', null],
  ['no signature headers', (body) => request(body, {}), 'missing-headers', null],
])('records a batch refused for %s, with the reason and a safe key id', async (_name, build, reason, keyId) => {
  const { store, deps, now, pushed } = setup();
  const response = await handleIngest(build(batchBody(), now()), deps);
  expect(response.statusCode).toBe(401);
  expect(pushed).toHaveLength(0);
  expect(await store.get(StorageKeys.lastRejectedBatch)).toEqual({ at: new Date(T0).toISOString(), reason, keyId });
});

test('a storm of refused batches writes at most once a minute', async () => {
  const { store, deps, now, advance } = setup();
  const retired = { id: 'k-retired', secret: 'retired-secret-0123456789abcdef' };
  for (let i = 0; i < 10; i++) {
    await handleIngest(signedWith(retired, batchBody(), now()), deps);
    advance(5_000);
  }
  expect(store.writes).toBe(1);
  expect(await store.get(StorageKeys.lastRejectedBatch)).toMatchObject({ at: new Date(T0).toISOString() });
  advance(15_000); // 65 s after the first
  await handleIngest(signedWith({ ...NEW, secret: 'x'.repeat(40) }, batchBody(), now()), deps);
  expect(store.writes).toBe(2);
  expect(await store.get(StorageKeys.lastRejectedBatch)).toMatchObject({ at: new Date(T0 + 65_000).toISOString(), reason: 'bad-signature', keyId: 'k-new' });
});

test('a failure to record does not change the answer', async () => {
  const { deps, now } = setup();
  const failing: IngestDeps = { ...deps, rejections: { record: async () => Promise.reject(new Error('KVS down')) } };
  expect((await handleIngest(signedWith({ id: 'k-x', secret: 'x'.repeat(40) }, batchBody(), now()), failing)).statusCode).toBe(401);
});
