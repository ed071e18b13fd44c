/**
 * The Connection tab in a real browser against the sandbox: Impact status without its token, a key rotation
 * done the way an operator would (rotate, restart the relay with the new key first, retire the old key), and
 * a batch signed with the retired key refused and shown. No resolver response may carry a secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SecretKeys } from '../../src/forge/constants';
import { signRequest } from '../../src/shared/signing';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(60_000);

const OLD_SECRET = 'e2e-signing-secret-0123456789';

const ui = browserSuite();
let generated = '';
let newKeyId = '';

async function open(user: string): Promise<Page> {
  const page = await ui.open(`/static/settings-ui/?user=${user}&tab=connection`);
  await page.getByTestId('webtrigger-url').waitFor();
  return page;
}

const secret = (key: string) => {
  const item = ui.sandbox.forge.kvs.get({ kind: 'secret' }, key);
  return item.ok ? item.value.value : undefined;
};
const keyRow = (page: Page, id: string) => page.locator(`tr[data-key-id="${id}"]`);

test('alice sees the Impact URL and that a token is set, never the token', async () => {
  const page = await open('alice');
  expect(await page.getByTestId('impact-url').textContent()).toBe(ui.sandbox.urls.impact);
  await page.getByTestId('impact-token').getByText('set', { exact: true }).waitFor();
  expect(await page.getByLabel('New API token').inputValue()).toBe('');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByTestId('impact-test').getByText('accepted the token').waitFor();
  expect(await page.content()).not.toContain(ui.sandbox.impactApiToken);
  await page.close();
});

test('dave (not an admin) can neither rotate a key nor save the Impact connection', async () => {
  const keysBefore = secret(SecretKeys.relaySigningKeys);
  const impactBefore = secret(SecretKeys.impactApi);
  const page = await open('dave');
  // Read-only from the start, saying why; the server refuses the writes all the same.
  await page.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
  for (const name of ['Generate', 'Add key', 'Save Impact connection', 'Test connection']) expect(await page.getByRole('button', { name }).isDisabled()).toBe(true);
  expect(await page.getByLabel('Impact API URL').isDisabled()).toBe(true);
  expect(await page.getByLabel('New API token').isDisabled()).toBe(true);
  expect(await ui.invokeSettings('rotateSigningKey', { keyId: 'dave-key', secret: 'dave-secret-0123456789-0123456789-0123' }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
  expect(await ui.invokeSettings('saveImpactConnection', { baseUrl: 'http://127.0.0.1:1', token: 'dave-token-0123' }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
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
  await ui.sandbox.restartRelay({ RELAY_SIGNING_KEYS: `${newKeyId}:${generated},e2e:${OLD_SECRET}` });
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(ui.sandbox);

  const page = await open('alice');
  await keyRow(page, newKeyId).getByText('in use by the relay').waitFor();
  expect(await page.getByTestId('last-accepted').textContent()).toContain(newKeyId);
  await page.getByRole('button', { name: 'Retire key e2e' }).click();
  // Retiring asks first, saying what it does; nothing changes until confirmed.
  const dialog = page.getByRole('dialog');
  await dialog.getByText(/refuse every batch signed with e2e/).waitFor();
  expect(await keyRow(page, 'e2e').count()).toBe(1);
  await dialog.getByRole('button', { name: 'Retire key', exact: true }).click();
  await page.getByText('Key e2e retired').waitFor();
  expect(await keyRow(page, 'e2e').count()).toBe(0);
  // The key the relay uses now cannot be retired, and the page says why.
  await page.getByRole('button', { name: `Retire key ${newKeyId}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Retire key', exact: true }).click();
  await page.getByRole('alert').getByText(/only signing key/).waitFor();
  await page.close();
});

test('a batch signed with the retired key is refused and shows as the last rejected batch', async () => {
  const body = JSON.stringify({ version: 1, events: [{ id: 'evt-retired-key-1', source: 'alertmanager', receivedAt: new Date().toISOString(), sequence: 1, groupKey: 'g', body: { groupKey: 'g' } }] });
  const response = await fetch(ui.sandbox.urls.webTrigger, {
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
  await ui.screenshot(page, 'settings-connection.png', { fullPage: false });
  await page.close();
});

test('no resolver response the page received carried a secret', () => {
  expect(ui.resolverResponses.length).toBeGreaterThan(8);
  expect(generated).not.toBe('');
  for (const text of ui.resolverResponses) {
    expect(text).not.toContain(generated);
    expect(text).not.toContain(OLD_SECRET);
    expect(text).not.toContain(ui.sandbox.impactApiToken);
  }
});
