/**
 * The Delivery log tab in a real browser against the sandbox: an event Jira refuses is listed as failed;
 * Retry waits for the retried event and shows what really happened (failed again while the rule still
 * names an issue type Jira refuses; applied, with the issue created, once the rule is fixed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageKeys } from '../../src/forge/constants';
import type { DeliveryRecord } from '../../src/forge/delivery/delivery-record';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(90_000);

const ui = browserSuite({ pageTimeoutMs: 25_000 });

beforeAll(async () => {
  // Jira refuses to create an issue of a type the project does not have: HTTP 400, a failed delivery (in OPS,
  // which alice administers, so she may retry it).
  seedRules(ui.sandbox.forge, fixtureRules({ checkout: { target: { projectKey: 'OPS', issueType: 'Outage' } } }));
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(ui.sandbox);
});

const failedCount = async () => (await ui.invokeSettings<{ items: unknown[] }>('listFailedDeliveries', {})).items.length;

test('a retry that fails again says so, with Jira’s reason; after the rule is fixed a retry shows the issue it created', async () => {
  expect(await failedCount()).toBe(1);
  const page = await ui.open('/static/settings-ui/?user=alice&tab=deliveries');
  const failed = page.getByRole('table', { name: 'Failed deliveries' });
  await failed.getByText(/Jira refused the request \(HTTP 400\): issuetype/).waitFor();
  // The recent event wears the backend's word, never a green "applied".
  await page.getByRole('table', { name: 'Recent events' }).getByText('failed', { exact: true }).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);

  await failed.getByRole('button', { name: /^Retry event / }).click();
  const again = page.getByText('Retry failed again: alertname=HighErrorRate · cluster=prod-eu', { exact: true });
  await again.waitFor();
  await page.getByText(/^rejected: Jira refused the request \(HTTP 400\): issuetype/).first().waitFor();
  expect(await failedCount()).toBe(1);
  await ui.screenshot(page, 'retry-failed-again.png');

  seedRules(ui.sandbox.forge, fixtureRules());
  await page.getByRole('button', { name: 'Refresh' }).click();
  await failed.getByRole('button', { name: /^Retry event / }).click();
  const applied = page.getByText('Retried (applied): alertname=HighErrorRate · cluster=prod-eu', { exact: true });
  await applied.waitFor();
  await page.getByText(/^created OPS-\d+$/).first().waitFor();
  expect(await failedCount()).toBe(0);
  await page.getByText('None: every event reached Jira or was skipped on purpose.').waitFor();
  await ui.screenshot(page, 'retry-applied.png');
  await page.close();
});

test('recent events page by 20, newest first, and the outcome filter narrows them (skipped never shows as applied)', async () => {
  const start = Date.parse('2026-11-20T08:00:00Z');
  for (let i = 0; i < 25; i++) {
    const receivedAt = new Date(start + i * 60_000).toISOString();
    const eventId = `evt-page-${String(i).padStart(2, '0')}`;
    const outcome: DeliveryRecord['outcome'] =
      i % 5 === 0 ? { kind: 'applied', problems: [{ kind: 'skipped', reason: 'nothing changed since the last notification' }] } : { kind: 'applied', problems: [{ kind: 'commented', problemKey: 'p', issueKey: 'OPS-1', transitioned: false }] };
    const record: DeliveryRecord = { eventId, source: 'alertmanager', groupKey: `{}:{alertname="Paging${i}"}`, receivedAt, processedAt: receivedAt, attempt: 1, outcome };
    ui.sandbox.forge.kvs.set({ kind: 'kv' }, StorageKeys.delivery(Date.parse(receivedAt), eventId), record);
  }
  const page = await ui.open('/static/settings-ui/?user=alice&tab=deliveries');
  const recent = page.getByRole('table', { name: 'Recent events' });
  await recent.getByText('alertname=Paging24').waitFor();
  expect(await recent.locator('tbody tr').count()).toBe(20);
  // 25 seeded + the events of the first test, newest first: the next page (the backend's cursor) holds the rest,
  // and the previous one comes back the same.
  const pages = page.getByRole('navigation', { name: 'Delivery log pages' });
  expect(await pages.getByRole('button', { name: 'Newer events' }).isDisabled()).toBe(true);
  await pages.getByRole('button', { name: 'Older events' }).click();
  await recent.getByText('alertname=Paging0', { exact: true }).waitFor();
  expect(await recent.getByText('alertname=Paging24').count()).toBe(0);
  await pages.getByText('Page 2').waitFor();
  expect(await pages.getByRole('button', { name: 'Older events' }).isDisabled()).toBe(true);
  await pages.getByRole('button', { name: 'Newer events' }).click();
  await recent.getByText('alertname=Paging24').waitFor();
  expect(await recent.locator('tbody tr').count()).toBe(20);
  await pages.getByRole('button', { name: 'Older events' }).click();
  await recent.getByText('alertname=Paging0', { exact: true }).waitFor();

  await page.getByLabel('Outcome').selectOption('skipped');
  await recent.getByText('alertname=Paging20').waitFor();
  const rows = await recent.locator('tbody tr').allInnerTexts();
  expect(rows).toHaveLength(5);
  expect(rows.every((r) => /skipped because nothing changed/.test(r) && !/applied/.test(r))).toBe(true);
  await page.close();
});

test('filters by group (from a row), issue key and source use the backend’s filters; issue keys are links; times show the exact time on hover', async () => {
  const page = await ui.open('/static/settings-ui/?user=alice&tab=deliveries');
  const recent = page.getByRole('table', { name: 'Recent events' });
  await recent.getByText('alertname=Paging24').waitFor();
  // The group of the first test's real event: one line (the retried delivery rewrote its own line).
  await recent.getByRole('button', { name: 'alertname=HighErrorRate · cluster=prod-eu' }).click();
  await page.getByTestId('group-filter').getByText('alertname=HighErrorRate · cluster=prod-eu').waitFor();
  await recent.getByText('alertname=Paging24').waitFor({ state: 'detached' });
  const rows = await recent.locator('tbody tr').allInnerTexts();
  expect(rows).toHaveLength(1);
  const link = recent.getByRole('link', { name: /^OPS-\d+$/ });
  const issueKey = (await link.textContent()) ?? '';
  expect(issueKey).toMatch(/^OPS-\d+$/);
  await page.getByRole('button', { name: 'Show every group' }).click();
  await recent.getByText('alertname=Paging24').waitFor();

  await page.getByLabel('Issue key').fill(issueKey.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await recent.getByText('alertname=Paging24').waitFor({ state: 'detached' });
  expect(await recent.locator('tbody tr').count()).toBe(1);
  await recent.getByRole('link', { name: issueKey }).waitFor();
  // Exact time on hover.
  await recent.locator('time').first().hover();
  await page.getByRole('tooltip').getByText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/).waitFor();

  await page.getByLabel('Source').selectOption('impact');
  await page.getByText('No events match these filters').waitFor();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await recent.getByText('alertname=Paging24').waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.close();
});
