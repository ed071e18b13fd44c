/**
 * Storm guard (feature row 39) in a real browser against the sandbox: the Rules tab shows a rule's storm guard
 * ("≤ 2 new issues / 60 min"), and after three new groups under it the Delivery log shows the third one's
 * line "rolled into storm issue KEY", the key a link to the issue; the Dry run says a fourth group would roll.
 */
import { storedRuleSchema } from '../../src/forge/domain/alerts';
import { issues, seedRules } from '../forge/alerts/support';
import { serviceGroupNotification } from '../forge/alerts/service-group';
import { postAlertmanager, settle } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(240_000);

const ui = browserSuite({ pageTimeoutMs: 25_000 });
const WINDOW_MS = 60 * 60_000;

const notification = (group: number): string =>
  JSON.stringify(serviceGroupNotification({ alertname: 'UiStorm', group, fingerprintBase: 0xa000, startsAt: new Date().toISOString(), generatorURL: 'http://prometheus:9090/graph' }));

beforeAll(async () => {
  // The window is fixed (epoch-aligned hours by the relay's receivedAt): send well inside one.
  const intoWindow = Date.now() % WINDOW_MS;
  if (intoWindow > WINDOW_MS - 120_000) await new Promise((r) => setTimeout(r, WINDOW_MS - intoWindow + 1000));
  seedRules(ui.sandbox.forge, [
    storedRuleSchema.parse({
      id: 'ui-storm',
      name: 'UI storm alerts',
      order: 10,
      target: { projectKey: 'OPS', issueType: 'Incident' },
      matchers: ['alertname="UiStorm"'],
      stormGuard: { maxNewIssues: 2, windowMinutes: 60 },
    }),
  ]);
  for (const g of [1, 2, 3]) expect((await postAlertmanager(ui.sandbox.urls.relay, notification(g))).status).toBe(202);
  await settle(ui.sandbox, 60_000);
});

test('the rule list shows the storm guard, and the Delivery log the rolled line with the storm issue', async () => {
  const sim = ui.sandbox.jira!;
  const storm = issues(sim).find((i) => i.summary.startsWith('[Storm] UI storm alerts'));
  expect(storm).toBeDefined();
  expect(issues(sim).filter((i) => /svc-\d is down/.test(i.summary))).toHaveLength(2);

  const rulesPage = await ui.open('/static/settings-ui/?user=alice&tab=rules');
  const row = rulesPage.getByRole('table', { name: 'Alert rules in order' }).locator('tr[data-rule-id="ui-storm"]');
  await row.getByText('Storm guard: ≤ 2 new issues / 60 min').waitFor();
  expect(await seriousAxeViolations(rulesPage)).toEqual([]);
  await ui.screenshot(rulesPage, 'rules-storm-guard.png');
  await rulesPage.close();

  const page = await ui.open('/static/settings-ui/?user=alice&tab=deliveries');
  const recent = page.getByRole('table', { name: 'Recent events' });
  const line = recent.locator('tbody tr').filter({ hasText: `rolled into storm issue ${storm!.key}` });
  await line.first().waitFor();
  expect(await line.count()).toBe(1);
  await line.getByRole('link', { name: storm!.key }).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, 'delivery-log-rolled.png');
  await page.close();
});

test('the Dry run says a fourth new group would roll into the storm issue', async () => {
  const storm = issues(ui.sandbox.jira!).find((i) => i.summary.startsWith('[Storm] UI storm alerts'))!;
  const page = await ui.open('/static/settings-ui/?user=alice&tab=dry-run');
  await page.locator('#dry-run-payload').fill(notification(4));
  await page.getByRole('button', { name: 'Run dry run' }).click();
  await page.getByTestId('dry-run-report').waitFor();
  await page.getByTestId('dry-run-storm').getByText(`Storm guard ≤ 2 new issues / 60 min: 2 of 2 new issues used`).waitFor();
  await page.getByTestId('dry-run-storm').getByText(`rolls into the storm issue ${storm.key}`).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, 'dry-run-storm.png');
  await page.close();
});
