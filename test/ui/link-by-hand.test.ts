/**
 * Link by hand (issue 16, row 37) in a real browser against the sandbox, in the issue view's narrowest column
 * (320 px): a non-admin reads why they cannot link; an admin searches an open alert group, links an existing
 * issue to it after a confirmation, sees the next notification land on it, and unlinks it again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { jiraRequest, opsIssuesNewestFirst, transitionAsPerson } from '../support/jira-as-person';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(90_000);

const ui = browserSuite({ pageTimeoutMs: 15_000 });
let closedIssue = '';
let mine = '';

async function notify(name: string): Promise<void> {
  expect((await postAlertmanager(ui.sandbox.urls.relay, readFileSync(join(ALERTMANAGER_FIXTURES, name), 'utf8'))).status).toBe(202);
  await settleWithImpact(ui.sandbox);
}

async function commentsOf(key: string): Promise<string[]> {
  const response = await jiraRequest(ui.sandbox.urls.jira, 'alice@example.com', 'GET', `/rest/api/3/issue/${key}/comment`);
  const body = (await response.json()) as { comments: { body: unknown }[] };
  return body.comments.map((c) => JSON.stringify(c.body));
}

/** Opens the panel at 320 px, collecting console errors. */
const panelAt320 = (user: string, issueKey: string) => ui.openAt(`/static/panel-ui/?user=${user}&issueKey=${issueKey}`, 320);

/** The document is no wider than the viewport (no horizontal scroll). */
const widths = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth }));

beforeAll(async () => {
  seedRules(ui.sandbox.forge, fixtureRules());
  await notify('01-checkout-first-firing.json');
  closedIssue = (await opsIssuesNewestFirst(ui.sandbox.urls.jira))[0]?.key ?? '';
  // Someone closed the group's issue while its alert still fires.
  await transitionAsPerson(ui.sandbox.urls.jira, closedIssue, 'Closed');
  await settleWithImpact(ui.sandbox);
  const created = await jiraRequest(ui.sandbox.urls.jira, 'alice@example.com', 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Checkout error budget' } });
  mine = ((await created.json()) as { key: string }).key;
});

test('a non-admin reads why they cannot link the issue', async () => {
  const { page, errors } = await panelAt320('dave', mine);
  await page.getByTestId('not-linked').waitFor();
  await page.getByTestId('link-read-only').getByText(/you cannot: you need the Administer Projects permission in OPS/).waitFor();
  expect(await page.getByRole('button', { name: 'Search' }).count()).toBe(0);
  expect(await widths(page)).toEqual({ scrollWidth: 320, viewport: 320 });
  expect(errors).toEqual([]);
  await page.close();
});

test('link → the next notification comments on the issue → unlink', async () => {
  const { page, errors } = await panelAt320('alice', mine);
  await page.getByTestId('not-linked').waitFor();
  await page.getByLabel('Rule or labels').fill('checkout prod-eu');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('1 open group').waitFor();
  await page.getByRole('combobox', { name: 'Alert group' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByText(new RegExp(`^checkout · alertname=HighErrorRate, cluster=prod-eu · 1 firing · was ${closedIssue} \\(done\\)$`)).waitFor();
  expect(await widths(page)).toEqual({ scrollWidth: 320, viewport: 320 });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, 'link-search-320.png', { fullPage: true });

  await page.getByRole('button', { name: 'Link to alert group' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(`Link ${mine} to this alert group?`).waitFor();
  // The confirmation fits the column too, and says what will happen.
  const box = await dialog.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 320).toBe(true);
  await dialog.getByText(/The next notification of checkout · alertname=HighErrorRate, cluster=prod-eu · 1 firing · was OPS-\d+ \(done\) comments on/).waitFor();
  await dialog.getByRole('button', { name: 'Link issue' }).click();
  await page.getByTestId('alert-group').waitFor();
  await page.getByText('Linked to the alert group of rule checkout.').first().waitFor();
  expect(await widths(page)).toEqual({ scrollWidth: 320, viewport: 320 });

  // The group grows: the comment lands on the linked issue, and the panel shows the new alert.
  expect(await commentsOf(mine)).toEqual([]);
  await notify('03-checkout-group-grows.json');
  const comments = await commentsOf(mine);
  expect(comments).toHaveLength(1);
  expect(comments[0]).toContain('checkout-8c1a');
  await page.reload();
  await page.getByTestId('alert-group').waitFor();
  await page.getByText('2 firing').waitFor();
  await ui.screenshot(page, 'linked-after-notification-320.png', { fullPage: true });

  await page.getByRole('button', { name: 'Unlink' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Unlink issue' }).click();
  await page.getByTestId('unlinked').waitFor();
  // Unlinked, not "never linked", and it can be linked again.
  expect(await page.getByTestId('not-linked').count()).toBe(0);
  await page.getByTestId('link-issue').waitFor();
  await notify('04-checkout-one-resolved.json');
  expect(await commentsOf(mine)).toHaveLength(1);
  expect(errors).toEqual([]);
  await page.close();
});
