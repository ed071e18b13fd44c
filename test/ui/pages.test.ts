/**
 * The Custom UI pages in a real browser against the sandbox: the local bridge shim calls the Forge host's
 * resolver endpoint as the chosen user, exactly the handlers Forge would run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ALERTMANAGER_FIXTURES, ALERTMANAGER_TOKEN, postAlertmanager, settle, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { ensureChromium, ensureUiBuilt, launchBrowser, type TestBrowser } from './browser';

jest.setTimeout(60_000);

const SIGNING_SECRET = 'e2e-signing-secret-0123456789';
const SCREENSHOTS = join(__dirname, '../../test-results/screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let env: TestSandbox;
let browser: TestBrowser;
const responses: string[] = [];

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

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${env.sandbox.urls.forgeHost}${path}`);
  return page;
}

const settingsUrl = (query: string) => `/static/settings-ui/?${query}`;

async function invoke(functionKey: string, payload: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forge-account-id': '5b10a2844c20165700ede21a' },
    body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS' } } }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

async function ruleIds(): Promise<string[]> {
  return ((await invoke('listAlertRules')) as { rules: { id: string }[] }).rules.map((r) => r.id);
}

/** The reorder is saved asynchronously after the key press: wait (bounded) for the stored order. */
async function untilRuleOrder(expected: string[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ids = await ruleIds();
  while (JSON.stringify(ids) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    ids = await ruleIds();
  }
  expect(ids).toEqual(expected);
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('connection tab shows the web trigger and key ids, never secrets', async () => {
  const page = await open(settingsUrl('user=alice'));
  await page.getByTestId('webtrigger-url').waitFor();
  expect(await page.getByTestId('webtrigger-url').textContent()).toBe(env.sandbox.urls.webTrigger);
  await page.getByText('e2e', { exact: true }).waitFor();
  expect(await page.content()).not.toContain(SIGNING_SECRET);
  await page.close();
});

test('an admin creates a rule through the UI, with a live template preview', async () => {
  const page = await open(settingsUrl('user=alice&tab=rules'));
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByLabel('Name').fill('Checkout alerts');
  await page.getByLabel(/^Matchers/).fill('service="checkout"\nseverity=~"critical|warning"');
  expect(await page.getByTestId('summary-preview').textContent()).toBe('[Critical] 5xx rate above 5% on checkout');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.locator('tr[data-rule-id="checkout-alerts"]').waitFor();
  expect(await ruleIds()).toEqual(['checkout-alerts']);
  await page.close();
});

test('an invalid regex shows an inline error and saves nothing', async () => {
  const before = await ruleIds();
  const page = await open(settingsUrl('user=alice&tab=rules'));
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByLabel('Name').fill('Broken');
  await page.getByLabel(/^Matchers/).fill('service=~"check(out"');
  await page.getByText(/line 1: invalid regular expression/).waitFor();
  expect(await page.getByLabel(/^Matchers/).getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByRole('button', { name: 'Save rule' }).isDisabled()).toBe(true);
  await page.getByLabel(/^Matchers/).press('Enter'); // a keyboard submit is refused too
  expect(await ruleIds()).toEqual(before);
  await page.close();
});

test('a user who does not administer the project cannot change rules and sees why', async () => {
  const page = await open(settingsUrl('user=dave&tab=rules'));
  await page.getByRole('button', { name: 'Disable Checkout alerts' }).click();
  await page.getByText(/you need the Administer Projects permission in OPS/).waitFor();
  const rules = ((await invoke('listAlertRules')) as { rules: { active: boolean }[] }).rules;
  expect(rules.map((r) => r.active)).toEqual([true]);
  await page.close();
});

test('the rules editor works with the keyboard alone', async () => {
  const page = await open(settingsUrl('user=alice&tab=rules'));
  const create = page.getByRole('button', { name: 'Create rule' });
  await create.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // name
  await page.keyboard.type('Disk alerts');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab'); // id, project, issue type, matchers
  await page.keyboard.type('alertname="DiskFilling"');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Tab'); // grouping, active, summary, description, save
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save rule');
  await page.keyboard.press('Enter');
  await page.locator('tr[data-rule-id="disk-alerts"]').waitFor();
  await page.getByRole('button', { name: 'Move Disk alerts up' }).focus();
  await page.keyboard.press('Enter');
  await untilRuleOrder(['disk-alerts', 'checkout-alerts']);
  await page.getByRole('button', { name: 'Move Checkout alerts up' }).focus();
  await page.keyboard.press('Enter');
  await untilRuleOrder(['checkout-alerts', 'disk-alerts']);
  // The table follows the saved order too.
  await page.locator('tbody tr').first().locator('code', { hasText: 'checkout-alerts' }).waitFor();
  await page.close();
});

test('YAML export then import round-trips, with a diff before importing', async () => {
  const before = await invoke('listAlertRules');
  const page = await open(settingsUrl('user=alice&tab=rules'));
  await page.getByRole('button', { name: 'Export YAML' }).click();
  const yaml = (await page.getByTestId('exported-yaml').textContent()) ?? '';
  expect(yaml).toContain('checkout-alerts');
  await page.getByLabel(/Paste a rules file/).fill(yaml.replace('name: Disk alerts', 'name: Disk filling'));
  await page.getByRole('button', { name: 'Review changes' }).click();
  const diff = page.getByRole('table', { name: 'Changes the import would make' });
  await diff.waitFor();
  expect(await diff.locator('tbody tr').allInnerTexts()).toEqual(['checkout-alerts\tUNCHANGED\t', 'disk-alerts\tCHANGED\tname']);
  await page.getByRole('button', { name: /^Import 2 rule/ }).click();
  await page.getByText('Imported 2 rule(s).').waitFor();
  // Import the original back: the rules are exactly what they were.
  await page.getByLabel(/Paste a rules file/).fill(yaml);
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('button', { name: /^Import 2 rule/ }).click();
  await page.getByText('Imported 2 rule(s).').waitFor();
  const after = (await invoke('listAlertRules')) as { rules: unknown };
  expect(after.rules).toEqual((before as { rules: unknown }).rules);
  await page.close();
});

test('the dry run explains why an alert matches no rule', async () => {
  const page = await open(settingsUrl('user=alice&tab=dry-run'));
  const sample = await page.getByLabel(/Alertmanager payload/).inputValue();
  await page.getByLabel(/Alertmanager payload/).fill(sample.replace('"service": "checkout"', '"service": "search"'));
  await page.getByRole('button', { name: 'Run dry run' }).click();
  await page.getByTestId('dry-run-report').waitFor();
  await page.getByText('no rule matches').waitFor();
  await page.getByText('service="checkout" does not hold: the label is "search"').waitFor();
  await page.getByText('alertname="DiskFilling" does not hold: the label is "HighErrorRate"').waitFor();
  await page.close();
});

test('an alert sent to the relay shows in the delivery log and in the panel on its issue', async () => {
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(env.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(env.sandbox);

  const page = await open(settingsUrl('user=alice&tab=deliveries'));
  const created = page.getByText(/created OPS-\d+/);
  await created.waitFor();
  const issueKey = /OPS-\d+/.exec((await created.textContent()) ?? '')?.[0] ?? '';
  await page.getByLabel('Outcome').selectOption('applied');
  expect(await page.getByRole('table', { name: 'Recent events' }).locator('tbody tr').count()).toBeGreaterThan(0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-delivery-log.png') });
  await page.close();

  const panel = await open(`/static/panel-ui/?user=alice&issueKey=${issueKey}`);
  await panel.getByTestId('alert-group').waitFor();
  await panel.getByText('1 firing').waitFor();
  await panel.getByText('ea57a5cee65a9cf3').waitFor();
  await panel.screenshot({ path: join(SCREENSHOTS, 'issue-panel.png') });
  expect(await seriousAxeViolations(panel)).toEqual([]);
  await panel.close();
});

test('axe finds no serious or critical violations on the settings page', async () => {
  const page = await open(settingsUrl('user=alice&tab=rules'));
  await page.locator('tr[data-rule-id="checkout-alerts"]').waitFor();
  await page.getByRole('button', { name: 'Edit Checkout alerts' }).click();
  await page.getByLabel(/^Matchers/).fill('service=~"check(out"');
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-rules.png'), fullPage: false });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: 'Dry run' }).click();
  await page.getByRole('button', { name: 'Run dry run' }).click();
  await page.getByTestId('dry-run-report').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-dry-run.png') });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: 'Connection' }).click();
  await page.getByTestId('webtrigger-url').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-connection.png') });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.close();
});

test('no resolver response the pages received carries a secret', () => {
  expect(responses.length).toBeGreaterThan(10);
  for (const body of responses) {
    expect(body).not.toContain(SIGNING_SECRET);
    expect(body).not.toContain(ALERTMANAGER_TOKEN);
    expect(body).not.toContain('dev-impact-secret');
  }
});
