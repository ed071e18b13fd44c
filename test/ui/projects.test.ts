/**
 * The settings page's Projects & metrics tab in a real browser against the sandbox: an admin tracks OPS
 * and syncs it through the real queue and consumer, the metrics charts render from the synced issues, a
 * non-admin cannot track, unmatched Impact people are listed, and the tab has no serious axe findings.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { mulberry32, seedBulkIssues, SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { ensureChromium, ensureUiBuilt, launchBrowser, type TestBrowser } from './browser';

jest.setTimeout(60_000);

const SCREENSHOTS = join(__dirname, '../../test-results/screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DAY = 86_400_000;
const ALICE = SANDBOX_USERS.alice.accountId;

let env: TestSandbox;
let browser: TestBrowser;
let seeded = 0;

beforeAll(async () => {
  ensureUiBuilt();
  ensureChromium();
  env = await startTestSandbox();
  const jira = env.sandbox.jira;
  if (!jira) throw new Error('the sandbox runs without its Jira simulator');
  // Resolved and open OPS issues over the last ten weeks, so the throughput chart has bars.
  seeded = seedBulkIssues(jira.state, { projectKey: 'OPS', count: 40, startMs: Date.now() - 70 * DAY, spanMs: 60 * DAY, random: mulberry32(11), authorId: SANDBOX_USERS.dave.accountId, assigneeIds: [ALICE] }).length;
  // An Impact commander the app has seen whom no Jira account matches.
  env.sandbox.forge.kvs.set({ kind: 'kv' }, 'incident-unmatched-users', [{ email: 'zed@example.com', name: 'Zed Nobody', reason: 'unmatched', candidates: [], checkedAt: 1 }]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function open(user: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${env.sandbox.urls.forgeHost}/static/settings-ui/?user=${user}&tab=projects`);
  await page.getByRole('table', { name: 'Projects' }).waitFor();
  return page;
}

async function invoke<T>(functionKey: string, payload: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forge-account-id': ALICE },
    body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS' } } }),
  });
  return ((await response.json()) as { result: T }).result;
}

const opsTracked = async () => (await invoke<{ ok: boolean; value: { key: string; tracked: boolean }[] }>('listProjects')).value.find((p) => p.key === 'OPS')?.tracked;

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('a user who does not administer OPS cannot track it and sees why', async () => {
  const page = await open('dave');
  await page.getByRole('checkbox', { name: 'Track OPS' }).click();
  await page.getByText(/you need the Administer Projects permission in OPS/).waitFor();
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
  await page.getByRole('table', { name: 'Unmatched users' }).getByText('zed@example.com').waitFor();

  expect(await seriousAxeViolations(page)).toEqual([]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-projects.png'), fullPage: true });
  await page.close();
});
