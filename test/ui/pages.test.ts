/**
 * The Custom UI pages in a real browser against the sandbox: the local bridge shim calls the Forge host's
 * resolver endpoint as the chosen user, exactly the handlers Forge would run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTMANAGER_FIXTURES, ALERTMANAGER_TOKEN, postAlertmanager, settle } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';
import { SecretKeys } from '../../src/forge/constants';

jest.setTimeout(60_000);

const SIGNING_SECRET = 'e2e-signing-secret-0123456789';

const ui = browserSuite();

const settingsUrl = (query: string) => `/static/settings-ui/?${query}`;

async function ruleIds(): Promise<string[]> {
  return ((await ui.invokeSettings('listAlertRules')) as { rules: { id: string }[] }).rules.map((r) => r.id);
}

/** The reorder is saved asynchronously after the key press: wait (bounded) for the stored order. */
async function untilRuleOrder(expected: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ids = await ruleIds();
  while (JSON.stringify(ids) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    ids = await ruleIds();
  }
  expect(ids).toEqual(expected);
}

test('connection tab shows the web trigger and key ids, never secrets', async () => {
  const page = await ui.open(settingsUrl('user=alice'));
  await page.getByTestId('webtrigger-url').waitFor();
  expect(await page.getByTestId('webtrigger-url').textContent()).toBe(ui.sandbox.urls.webTrigger);
  await page.getByText('e2e', { exact: true }).waitFor();
  expect(await page.content()).not.toContain(SIGNING_SECRET);
  await page.close();
});

test('an admin creates a rule through the UI, with a live template preview', async () => {
  const page = await ui.open(settingsUrl('user=alice&tab=rules'));
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
  const page = await ui.open(settingsUrl('user=alice&tab=rules'));
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
  const page = await ui.open(settingsUrl('user=dave&tab=rules'));
  // Read-only from the start, saying why; the server refuses the write all the same.
  await page.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
  expect(await page.getByRole('button', { name: 'Disable Checkout alerts' }).isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'Create rule' }).isDisabled()).toBe(true);
  expect(await page.getByLabel(/Paste a rules file/).isDisabled()).toBe(true);
  const { rules: current } = await ui.invokeSettings<{ rules: { active: boolean }[] }>('listAlertRules');
  expect(await ui.invokeSettings('saveAlertRule', { rule: { ...current[0], active: false } }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
  const rules = ((await ui.invokeSettings('listAlertRules')) as { rules: { active: boolean }[] }).rules;
  expect(rules.map((r) => r.active)).toEqual([true]);
  await page.close();
});

test('the rules editor works with the keyboard alone', async () => {
  const page = await ui.open(settingsUrl('user=alice&tab=rules'));
  const create = page.getByRole('button', { name: 'Create rule' });
  await create.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // name
  await page.keyboard.type('Disk alerts');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab'); // id, project, issue type, matchers
  await page.keyboard.type('alertname="DiskFilling"');
  // grouping, active, summary, description; priority label, default priority, "Add priority row"; Jira labels,
  // copy labels, components; "Add custom field"; resolve and re-fire policies, link type; order, the storm
  // guard's two numbers; save.
  for (let i = 0; i < 18; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save rule');
  await page.keyboard.press('Enter');
  await page.locator('tr[data-rule-id="disk-alerts"]').waitFor();
  await page.getByRole('button', { name: 'Move Disk alerts up' }).focus();
  await page.keyboard.press('Enter');
  await untilRuleOrder(['disk-alerts', 'checkout-alerts']);
  // As a person would: act on the table once it shows the saved order (a press on the old rows moves from a stale list).
  await page.locator('tbody tr').first().locator('code', { hasText: 'disk-alerts' }).waitFor();
  await page.getByRole('button', { name: 'Move Checkout alerts up' }).focus();
  await page.keyboard.press('Enter');
  await untilRuleOrder(['checkout-alerts', 'disk-alerts']);
  // The table follows the saved order too.
  await page.locator('tbody tr').first().locator('code', { hasText: 'checkout-alerts' }).waitFor();
  await page.close();
});

test('YAML export then import round-trips, with a diff before importing', async () => {
  const before = await ui.invokeSettings('listAlertRules');
  const page = await ui.open(settingsUrl('user=alice&tab=rules'));
  await page.getByRole('button', { name: 'Export YAML' }).click();
  const yaml = (await page.getByTestId('exported-yaml').textContent()) ?? '';
  expect(yaml).toContain('checkout-alerts');
  await page.getByLabel(/Paste a rules file/).fill(yaml.replace('name: Disk alerts', 'name: Disk filling'));
  await page.getByRole('button', { name: 'Review changes' }).click();
  const diff = page.getByRole('table', { name: 'Changes the import would make' });
  await diff.waitFor();
  // Cell by cell (Atlaskit's lozenge is a block in sentence case, so a row's innerText has line breaks).
  const cells = await diff.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => (td as HTMLElement).innerText.trim())));
  expect(cells).toEqual([
    ['checkout-alerts', 'unchanged', ''],
    ['disk-alerts', 'changed', 'name'],
  ]);
  await page.getByRole('button', { name: /^Import 2 rule/ }).click();
  await page.getByText('Imported 2 rule(s).').waitFor();
  // Import the original back: the rules are exactly what they were.
  await page.getByLabel(/Paste a rules file/).fill(yaml);
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('button', { name: /^Import 2 rule/ }).click();
  await page.getByText('Imported 2 rule(s).').waitFor();
  const after = (await ui.invokeSettings('listAlertRules')) as { rules: unknown };
  expect(after.rules).toEqual((before as { rules: unknown }).rules);
  await page.close();
});

test('the dry run explains why an alert matches no rule', async () => {
  const page = await ui.open(settingsUrl('user=alice&tab=dry-run'));
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
  expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(ui.sandbox);

  const page = await ui.open(settingsUrl('user=alice&tab=deliveries'));
  const created = page.getByText(/created OPS-\d+/);
  await created.waitFor();
  const issueKey = /OPS-\d+/.exec((await created.textContent()) ?? '')?.[0] ?? '';
  await page.getByLabel('Outcome').selectOption('applied');
  expect(await page.getByRole('table', { name: 'Recent events' }).locator('tbody tr').count()).toBeGreaterThan(0);
  await ui.screenshot(page, 'settings-delivery-log.png');
  await page.close();

  const panel = await ui.open(`/static/panel-ui/?user=alice&issueKey=${issueKey}`);
  await panel.getByTestId('alert-group').waitFor();
  await panel.getByText('1 firing').waitFor();
  await panel.getByText('ea57a5cee65a9cf3').waitFor();
  await ui.screenshot(panel, 'issue-panel.png');
  expect(await seriousAxeViolations(panel)).toEqual([]);
  await panel.close();
});

test('axe finds no serious or critical violations on the settings page', async () => {
  const page = await ui.open(settingsUrl('user=alice&tab=rules'));
  await page.locator('tr[data-rule-id="checkout-alerts"]').waitFor();
  await page.getByRole('button', { name: 'Edit Checkout alerts' }).click();
  await page.getByLabel(/^Matchers/).fill('service=~"check(out"');
  await ui.screenshot(page, 'settings-rules.png', { fullPage: false });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: 'Dry run' }).click();
  await page.getByRole('button', { name: 'Run dry run' }).click();
  await page.getByTestId('dry-run-report').waitFor();
  await ui.screenshot(page, 'settings-dry-run.png');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: 'Connection' }).click();
  await page.getByTestId('webtrigger-url').waitFor();
  await ui.screenshot(page, 'settings-connection.png');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.close();
});

/** Every `secret` and `token` string the app holds in Forge secret storage (signing keys, Impact API token). */
function appSecrets(): string[] {
  const found: string[] = [];
  const walk = (value: unknown, name: string): void => {
    if (typeof value === 'string' && (name === 'secret' || name === 'token')) found.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v, name));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  for (const key of Object.values(SecretKeys)) {
    const item = ui.sandbox.forge.kvs.get({ kind: 'secret' }, key);
    if (item.ok) walk(item.value.value, '');
  }
  return found;
}

test('no resolver response the pages received carries a secret', () => {
  expect(ui.resolverResponses.length).toBeGreaterThan(10);
  const secrets = appSecrets();
  // The scan looks for what the app really holds: the relay signing secret and the Impact API token.
  expect(secrets).toEqual(expect.arrayContaining([SIGNING_SECRET, ui.sandbox.impactApiToken]));
  for (const body of ui.resolverResponses) {
    expect(body).not.toContain(SIGNING_SECRET);
    expect(body).not.toContain(ALERTMANAGER_TOKEN);
    expect(body).not.toContain('dev-impact-secret');
    for (const secret of secrets) expect(body).not.toContain(secret);
  }
});
