/**
 * The Delivery log tab in a real browser against the sandbox: an event Jira refuses is listed as failed;
 * Retry waits for the retried event and shows what really happened (failed again while the rule still
 * targets a project Jira refuses; applied, with the issue created, once the rule is fixed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(90_000);

const ui = browserSuite({ pageTimeoutMs: 25_000 });

beforeAll(async () => {
  // Jira refuses to create issues in a project that does not exist: HTTP 400, a failed delivery.
  seedRules(ui.sandbox.forge, fixtureRules({ checkout: { target: { projectKey: 'NOPE', issueType: 'Incident' } } }));
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(ui.sandbox);
});

const failedCount = async () => (await ui.invokeSettings<{ items: unknown[] }>('listFailedDeliveries', {})).items.length;

test('a retry that fails again says so, with Jira’s reason; after the rule is fixed a retry shows the issue it created', async () => {
  expect(await failedCount()).toBe(1);
  const page = await ui.open('/static/settings-ui/?user=alice&tab=deliveries');
  const failed = page.getByRole('table', { name: 'Failed deliveries' });
  await failed.getByText(/Specify a valid project ID or key/).waitFor();
  // The recent event wears the backend's word, never a green "applied".
  await page.getByRole('table', { name: 'Recent events' }).getByText('failed', { exact: true }).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);

  await failed.getByRole('button', { name: /^Retry event / }).click();
  const again = page.getByText('Retry failed again: alertname=HighErrorRate · cluster=prod-eu', { exact: true });
  await again.waitFor();
  await page.getByText(/rejected: .*Specify a valid project ID or key/).first().waitFor();
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
