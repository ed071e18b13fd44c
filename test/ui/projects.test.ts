/**
 * The settings page's Projects & metrics tab in a real browser against the sandbox: an admin tracks OPS
 * and syncs it through the real queue and consumer, the metrics charts render from the synced issues, a
 * non-admin cannot track, the user directory lists unmatched Impact people, and the tab has no serious axe findings.
 */
import type { Page } from 'playwright-core';
import { mulberry32, seedBulkIssues, SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const ALICE = SANDBOX_USERS.alice.accountId;

const ui = browserSuite();
let seeded = 0;

beforeAll(async () => {
  const jira = ui.sandbox.jira;
  if (!jira) throw new Error('the sandbox runs without its Jira simulator');
  // Resolved and open OPS issues over the last ten weeks, so the throughput chart has bars.
  seeded = seedBulkIssues(jira.state, { projectKey: 'OPS', count: 40, startMs: Date.now() - 70 * DAY, spanMs: 60 * DAY, random: mulberry32(11), authorId: SANDBOX_USERS.dave.accountId, assigneeIds: [ALICE] }).length;
  // An Impact person whom no Jira account matches, in the user directory's first run.
  ui.impact.admin.addUser({ email: 'zed@example.com', name: 'Zed Nobody' });
  await ui.sandbox.forge.runScheduledTrigger('people-directory');
  await settleWithImpact(ui.sandbox);
});

async function open(user: string): Promise<Page> {
  const page = await ui.open(`/static/settings-ui/?user=${user}&tab=projects`);
  await page.getByRole('table', { name: 'Projects' }).waitFor();
  return page;
}

const opsTracked = async () => (await ui.invokeSettings<{ ok: boolean; value: { key: string; tracked: boolean }[] }>('listProjects')).value.find((p) => p.key === 'OPS')?.tracked;

test('a user who does not administer OPS cannot track it and sees why', async () => {
  const page = await open('dave');
  await page.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
  expect(await page.getByRole('checkbox', { name: 'Track OPS' }).isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'Save sync settings' }).isDisabled()).toBe(true);
  const ops = (await ui.invokeSettings<{ value: { id: string; key: string }[] }>('listProjects')).value.find((p) => p.key === 'OPS');
  expect(await ui.invokeSettings('trackProject', { projectId: ops?.id, projectKey: 'OPS' }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
  expect(await opsTracked()).toBe(false);
  expect(await page.getByRole('checkbox', { name: 'Track OPS' }).isChecked()).toBe(false);
  await page.close();
});

test('an admin tracks OPS, syncs it now, and sees it complete with its charts', async () => {
  const page = await open('alice');
  await page.getByRole('checkbox', { name: 'Track OPS' }).click();
  await page.getByText('OPS is tracked; its first sync is queued.').waitFor();
  const status = page.getByTestId('status-OPS');
  await status.getByText('complete').waitFor({ timeout: 20_000 });
  expect(await opsTracked()).toBe(true);

  await page.getByRole('button', { name: 'Sync now OPS' }).click();
  await page.getByText('Sync of OPS queued.').waitFor();
  await status.getByText('complete').waitFor({ timeout: 20_000 });
  const row = page.locator('tr[data-project-key="OPS"]');
  await row.getByRole('cell', { name: String(seeded), exact: true }).waitFor();

  const metrics = page.getByTestId('metrics-OPS');
  const chart = metrics.getByRole('img', { name: /OPS: issues resolved per week/ });
  await chart.waitFor();
  expect(await chart.locator('rect').count()).toBeGreaterThan(0);
  expect(await chart.locator('title').first().textContent()).toMatch(/^OPS: issues resolved per week/);
  // Twelve weeks, weeks without a resolution drawn as 0 (not left out), and durations in days.
  const weeks = ((await chart.locator('desc').first().textContent()) ?? '').split('; ');
  expect(weeks).toHaveLength(12);
  expect(weeks.every((w) => /^[A-Z][a-z]{2} \d{1,2}: \d+ issues$/.test(w))).toBe(true);
  expect(await metrics.getByTestId('cycle-p50-OPS').textContent()).toMatch(/^\d+(\.\d)? (d|h)$/);
  await page.getByRole('table', { name: 'Unmatched people' }).getByRole('cell', { name: 'zed@example.com' }).waitFor();

  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, 'settings-projects.png', { fullPage: true });
  await page.close();
});

test('sync settings: a bad interval is refused in the form; an admin saves, and the flag says what was saved', async () => {
  const page = await open('alice');
  const interval = page.getByLabel('Sync every (hours)');
  await interval.fill('30');
  await page.getByText('a whole number of hours from 1 to 24').waitFor();
  expect(await page.getByRole('button', { name: 'Save sync settings' }).isDisabled()).toBe(true);
  await interval.fill('6');
  await page.getByLabel('Story points field').fill('customfield_10016');
  await page.getByRole('button', { name: 'Save sync settings' }).click();
  await page.getByText('Sync settings saved: every 6 h, story points from customfield_10016.').waitFor();
  const saved = await ui.invokeSettings<{ ok: boolean; value: { intervalHours: number; storyPointsField?: string } }>('getProjectSyncSettings');
  expect(saved.value).toEqual({ intervalHours: 6, storyPointsField: 'customfield_10016' });
  await page.close();
});

test('untracking asks first, saying what it deletes, and Cancel changes nothing', async () => {
  const page = await open('alice');
  await page.getByRole('checkbox', { name: 'Track OPS' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(/stops syncing OPS and deletes what it stored for its metrics/).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await opsTracked()).toBe(true);
  await page.getByRole('checkbox', { name: 'Track OPS' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop tracking' }).click();
  await page.getByText('OPS is no longer tracked.').waitFor();
  expect(await opsTracked()).toBe(false);
  await page.close();
});
