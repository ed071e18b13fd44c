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
  // 25 seeded + the events of the first test, newest first: page 2 holds the rest.
  await page.getByRole('navigation').getByRole('button', { name: /^(page )?2$/i }).click();
  await recent.getByText('alertname=Paging0', { exact: true }).waitFor();
  expect(await recent.getByText('alertname=Paging24').count()).toBe(0);

  await page.getByLabel('Outcome').selectOption('skipped');
  await recent.getByText('alertname=Paging20').waitFor();
  const rows = await recent.locator('tbody tr').allInnerTexts();
  expect(rows).toHaveLength(5);
  expect(rows.every((r) => /skipped because nothing changed/.test(r) && !/applied/.test(r))).toBe(true);
  await page.close();
});
