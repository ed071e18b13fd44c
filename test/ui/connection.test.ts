/**
 * The Connection tab in a real browser against the sandbox: Impact status without its token, a key rotation
 * done the way an operator would (rotate, restart the relay with the new key first, retire the old key), and
 * a batch signed with the retired key refused and shown. No resolver response may carry a secret.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SecretKeys } from '../../src/forge/constants';
import { signRequest } from '../../src/shared/signing';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { ensureChromium, ensureUiBuilt, launchBrowser, type TestBrowser } from './browser';

jest.setTimeout(60_000);

const OLD_SECRET = 'e2e-signing-secret-0123456789';
const SCREENSHOTS = join(__dirname, '../../test-results/screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let env: TestSandbox;
let browser: TestBrowser;
const responses: string[] = [];
let generated = '';
let newKeyId = '';

beforeAll(async () => {
  ensureUiBuilt();
  ensureChromium();
  env = await startTestSandbox();
  browser = await launchBrowser();
  browser.context.on('response', (response) => {
    if (response.url().includes('/api/invoke/')) response.text().then((t) => responses.push(t), () => undefined);
  });
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function open(user: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${env.sandbox.urls.forgeHost}/static/settings-ui/?user=${user}&tab=connection`);
  await page.getByTestId('webtrigger-url').waitFor();
  return page;
}

const secret = (key: string) => {
  const item = env.sandbox.forge.kvs.get({ kind: 'secret' }, key);
  return item.ok ? item.value.value : undefined;
};
const keyRow = (page: Page, id: string) => page.locator(`tr[data-key-id="${id}"]`);

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('alice sees the Impact URL and that a token is set, never the token', async () => {
  const page = await open('alice');
  expect(await page.getByTestId('impact-url').textContent()).toBe(env.sandbox.urls.impact);
  await page.getByTestId('impact-token').getByText('set', { exact: true }).waitFor();
  expect(await page.getByLabel('New API token').inputValue()).toBe('');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByTestId('impact-test').getByText('accepted the token').waitFor();
  expect(await page.content()).not.toContain(env.sandbox.impactApiToken);
  await page.close();
});

test('dave (not an admin) can neither rotate a key nor save the Impact connection', async () => {
  const keysBefore = secret(SecretKeys.relaySigningKeys);
  const impactBefore = secret(SecretKeys.impactApi);
  const page = await open('dave');
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add key' }).click();
  await page.getByRole('alert').getByText(/you need the Administer Projects permission in OPS/).waitFor();
  await page.getByLabel('Impact API URL').fill('http://127.0.0.1:1');
  await page.getByLabel('New API token').fill('dave-token-0123');
  await page.getByRole('button', { name: 'Save Impact connection' }).click();
  await page.getByRole('alert').filter({ hasText: 'Impact connection' }).getByText(/Administer Projects/).waitFor();
  expect(secret(SecretKeys.relaySigningKeys)).toEqual(keysBefore);
  expect(secret(SecretKeys.impactApi)).toEqual(impactBefore);
  await page.close();
});

test('alice generates a key in the browser and rotates to it; the old key stays valid', async () => {
  const page = await open('alice');
  newKeyId = await page.getByLabel('New key id').inputValue();
  expect(newKeyId).toMatch(/^k-\d{8}$/);
  await page.getByRole('button', { name: 'Generate' }).click();
  generated = await page.getByLabel('New secret').inputValue();
  expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await page.getByLabel('New secret').getAttribute('type')).toBe('password');
  expect(await page.getByLabel('Relay setting to copy').inputValue()).toBe(`RELAY_SIGNING_KEYS=${newKeyId}:${generated},e2e:<unchanged>`);
  await page.getByRole('button', { name: 'Add key' }).click();
  await page.getByTestId('rotated').waitFor();
  await page.getByTestId('rotated').getByText('Restart the relay.').waitFor();
  await keyRow(page, newKeyId).waitFor();
  expect(await page.getByTestId('last-rotated').textContent()).not.toBe('—');
  expect((secret(SecretKeys.relaySigningKeys) as { id: string }[]).map((k) => k.id)).toEqual([newKeyId, 'e2e']);
  await page.close();
});

test('after the relay restarts with the new key first, the tab shows it in use and the old key retires', async () => {
  // As an operator would: the new key first in the relay's env, then a restart on the same outbox.
  await env.sandbox.restartRelay({ RELAY_SIGNING_KEYS: `${newKeyId}:${generated},e2e:${OLD_SECRET}` });
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(env.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(env.sandbox);

  const page = await open('alice');
  await keyRow(page, newKeyId).getByText('in use by the relay').waitFor();
  expect(await page.getByTestId('last-accepted').textContent()).toContain(newKeyId);
  await page.getByRole('button', { name: 'Retire key e2e' }).click();
  await page.getByText('Key e2e retired').waitFor();
  expect(await keyRow(page, 'e2e').count()).toBe(0);
  // The key the relay uses now cannot be retired, and the page says why.
  await page.getByRole('button', { name: `Retire key ${newKeyId}` }).click();
  await page.getByRole('alert').getByText(/only signing key/).waitFor();
  await page.close();
});

test('a batch signed with the retired key is refused and shows as the last rejected batch', async () => {
  const body = JSON.stringify({ version: 1, events: [{ id: 'evt-retired-key-1', source: 'alertmanager', receivedAt: new Date().toISOString(), groupKey: 'g', body: { groupKey: 'g' } }] });
  const response = await fetch(env.sandbox.urls.webTrigger, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signRequest({ id: 'e2e', secret: OLD_SECRET }, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  expect(response.status).toBe(401);

  const page = await open('alice');
  const rejected = page.getByTestId('last-rejected');
  await rejected.getByText(/key id the app does not know/).waitFor();
  expect(await rejected.locator('code').textContent()).toBe('e2e');
  expect(await seriousAxeViolations(page)).toEqual([]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-connection.png'), fullPage: false });
  await page.close();
});

test('no resolver response the page received carried a secret', () => {
  expect(responses.length).toBeGreaterThan(8);
  expect(generated).not.toBe('');
  for (const text of responses) {
    expect(text).not.toContain(generated);
    expect(text).not.toContain(OLD_SECRET);
    expect(text).not.toContain(env.sandbox.impactApiToken);
  }
});
