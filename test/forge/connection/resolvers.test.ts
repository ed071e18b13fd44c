/**
 * Connection tab resolvers in the real local Forge host (full sandbox: relay, Jira and Impact simulators), called
 * the way the Custom UI calls them: POST /api/invoke/bridge-settings as a Jira user of the OPS settings page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretKeys } from '../../../src/forge/constants';
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import type { ConnectionStatus, ImpactConnectionStatus, ImpactTestResult, ResolverResult, SigningStatus } from '../../../src/forge/entry/resolvers/contract';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle, startTestSandbox, type TestSandbox } from '../../support/sandbox-harness';

jest.setTimeout(45_000);

const OLD_SECRET = 'e2e-signing-secret-0123456789';
const NEW_SECRET = 'Zq3xV9mN2bL8kJ7hG6fD5sA4pO1iU0yT-_Rw';
const ALICE = SANDBOX_USERS.alice.accountId;
const DAVE = SANDBOX_USERS.dave.accountId;

let env: TestSandbox;
const texts: string[] = [];

beforeAll(async () => {
  env = await startTestSandbox();
});
afterAll(async () => {
  await env?.close();
});

async function call<T>(functionKey: string, payload: Record<string, unknown> = {}, accountId: string = ALICE): Promise<T> {
  const response = await env.sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': accountId },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS' } } }),
    }),
  );
  const text = await response.text();
  texts.push(text);
  const json = JSON.parse(text) as { ok: boolean; result?: T; error?: { message: string } };
  if (!json.ok) throw new Error(`resolver ${functionKey} failed: ${json.error?.message}`);
  return json.result as T;
}

const storedKeys = () => env.sandbox.forge.kvs.get({ kind: 'secret' }, SecretKeys.relaySigningKeys);
const storedImpact = () => env.sandbox.forge.kvs.get({ kind: 'secret' }, SecretKeys.impactApi);

test('the status names keys and the Impact connection without any secret', async () => {
  const status = await call<ConnectionStatus>('getConnectionStatus');
  expect(status.signing).toMatchObject({ source: 'secret-storage', keys: [{ id: 'e2e', addedAt: null, lastUsedAt: null, inUseByRelay: false }], relayKeyId: null, lastRejected: null, maxKeys: 5 });
  expect(status.impact).toEqual({ source: 'secret-storage', baseUrl: env.sandbox.urls.impact, token: 'set', updatedAt: null });
});

test('a non-admin can neither rotate nor retire a key, nor save the Impact connection', async () => {
  const before = { keys: storedKeys(), impact: storedImpact() };
  const rotate = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'k-dave', secret: NEW_SECRET }, DAVE);
  expect(rotate).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('Administer Projects') } });
  const retire = await call<ResolverResult<SigningStatus>>('retireSigningKey', { keyId: 'e2e' }, DAVE);
  expect(retire).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const save = await call<ResolverResult<ImpactConnectionStatus>>('saveImpactConnection', { baseUrl: 'http://127.0.0.1:1', token: 'dave-token-123' }, DAVE);
  expect(save).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect({ keys: storedKeys(), impact: storedImpact() }).toEqual(before);
});

test('invalid input is refused field by field, before anything is stored', async () => {
  const before = storedKeys();
  const result = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'bad id', secret: 'short,secret' });
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe('invalid-input');
    expect([...new Set(result.error.problems?.map((p) => p.path))].sort()).toEqual(['keyId', 'secret']);
  }
  expect(storedKeys()).toEqual(before);
});

test('rotation adds the new key first; the relay switches over with no lost batch; the old key retires', async () => {
  const rotated = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'k-20261123', secret: NEW_SECRET });
  expect(rotated.ok).toBe(true);
  if (!rotated.ok) return;
  expect(rotated.value.keys.map((k) => k.id)).toEqual(['k-20261123', 'e2e']);
  expect(rotated.value.lastRotatedAt).toBe(rotated.value.keys[0]?.addedAt);
  const again = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'k-20261123', secret: NEW_SECRET.replace('Z', 'Y') });
  expect(again).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

  // The relay still signs with the old key: its batch is accepted, and that key cannot be retired.
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(env.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(env.sandbox);
  let status = await call<ConnectionStatus>('getConnectionStatus');
  expect(status.signing.relayKeyId).toBe('e2e');
  const refused = await call<ResolverResult<SigningStatus>>('retireSigningKey', { keyId: 'e2e' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('restart it') } });

  // The operator gives the relay the new key first and restarts it.
  await env.sandbox.restartRelay({ RELAY_SIGNING_KEYS: `k-20261123:${NEW_SECRET},e2e:${OLD_SECRET}` });
  const second = readFileSync(join(ALERTMANAGER_FIXTURES, '02-disk-first-firing.json'), 'utf8');
  expect((await postAlertmanager(env.sandbox.urls.relay, second)).status).toBe(202);
  await settle(env.sandbox);
  status = await call<ConnectionStatus>('getConnectionStatus');
  expect(status.signing.relayKeyId).toBe('k-20261123');
  expect(status.signing.keys.find((k) => k.id === 'k-20261123')).toMatchObject({ inUseByRelay: true, lastUsedAt: status.signing.lastAcceptedAt });

  const retired = await call<ResolverResult<SigningStatus>>('retireSigningKey', { keyId: 'e2e' });
  expect(retired).toMatchObject({ ok: true, value: { keys: [{ id: 'k-20261123' }] } });
  const last = await call<ResolverResult<SigningStatus>>('retireSigningKey', { keyId: 'k-20261123' });
  expect(last).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(storedKeys()).toMatchObject({ ok: true, value: { value: [{ id: 'k-20261123', secret: NEW_SECRET }] } });
});

test('at most five keys are valid at once', async () => {
  for (let i = 2; i <= 5; i++) {
    const r = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: `k-spare-${i}`, secret: `${NEW_SECRET}-${i}` });
    expect(r.ok).toBe(true);
  }
  const sixth = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'k-spare-6', secret: `${NEW_SECRET}-6` });
  expect(sixth).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('retire a key first') } });
  for (let i = 2; i <= 5; i++) expect((await call<ResolverResult<SigningStatus>>('retireSigningKey', { keyId: `k-spare-${i}` })).ok).toBe(true);
});

test('keys from the Forge variable are carried into secret storage on rotation', async () => {
  const saved = storedKeys();
  env.sandbox.forge.kvs.delete({ kind: 'secret' }, SecretKeys.relaySigningKeys);
  process.env['RELAY_SIGNING_KEYS'] = `var-key:${OLD_SECRET}`;
  try {
    const before = await call<ConnectionStatus>('getConnectionStatus');
    expect(before.signing).toMatchObject({ source: 'forge-variable', keys: [{ id: 'var-key' }] });
    const rotated = await call<ResolverResult<SigningStatus>>('rotateSigningKey', { keyId: 'k-from-var', secret: NEW_SECRET });
    expect(rotated).toMatchObject({ ok: true, value: { source: 'secret-storage', keys: [{ id: 'k-from-var' }, { id: 'var-key' }] } });
    expect(storedKeys()).toMatchObject({ ok: true, value: { value: [{ id: 'k-from-var', secret: NEW_SECRET }, { id: 'var-key', secret: OLD_SECRET }] } });
  } finally {
    delete process.env['RELAY_SIGNING_KEYS'];
    if (saved.ok) env.sandbox.forge.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, saved.value.value);
  }
});

test('the Impact connection: URL checks, a kept token, and a test call that says what is wrong', async () => {
  const impactUrl = env.sandbox.urls.impact!;
  const outside = await call<ResolverResult<ImpactConnectionStatus>>('saveImpactConnection', { baseUrl: 'https://impact.attacker.test' });
  expect(outside).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'baseUrl', message: expect.stringContaining('impact.example.com') }] } });

  const ok = await call<ResolverResult<ImpactTestResult>>('testImpactConnection');
  expect(ok).toEqual({ ok: true, value: { outcome: 'ok', message: expect.any(String) } });

  // A wrong token: Impact refuses it, and the status never shows it.
  const wrong = await call<ResolverResult<ImpactConnectionStatus>>('saveImpactConnection', { baseUrl: impactUrl, token: 'wrong-token-123' });
  expect(wrong).toMatchObject({ ok: true, value: { source: 'secret-storage', baseUrl: impactUrl, token: 'set', updatedAt: expect.any(String) } });
  expect(await call<ResolverResult<ImpactTestResult>>('testImpactConnection')).toMatchObject({ ok: true, value: { outcome: 'token-refused', status: 401 } });

  // Saving the URL alone keeps the stored token; the right token makes the test pass again.
  await call('saveImpactConnection', { baseUrl: impactUrl, token: env.sandbox.impactApiToken });
  const kept = await call<ResolverResult<ImpactConnectionStatus>>('saveImpactConnection', { baseUrl: `${impactUrl}/`, token: '' });
  expect(kept).toMatchObject({ ok: true, value: { baseUrl: impactUrl, token: 'set' } });
  expect(storedImpact()).toMatchObject({ ok: true, value: { value: { baseUrl: impactUrl, token: env.sandbox.impactApiToken } } });
  expect(await call<ResolverResult<ImpactTestResult>>('testImpactConnection')).toMatchObject({ ok: true, value: { outcome: 'ok' } });

  // Nothing listens on port 1: unreachable.
  await call('saveImpactConnection', { baseUrl: 'http://127.0.0.1:1' });
  expect(await call<ResolverResult<ImpactTestResult>>('testImpactConnection')).toMatchObject({ ok: true, value: { outcome: 'unreachable' } });
  await call('saveImpactConnection', { baseUrl: impactUrl });
});

test('no resolver response carried a secret', () => {
  expect(texts.length).toBeGreaterThan(10);
  for (const text of texts) {
    for (const secret of [OLD_SECRET, NEW_SECRET, env.sandbox.impactApiToken, 'wrong-token-123']) expect(text).not.toContain(secret);
  }
});
