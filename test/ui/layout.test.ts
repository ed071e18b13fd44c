/**
 * Every settings tab and both issue panel views at a desktop width (1280 px) and a narrow one (400 px):
 * no horizontal scroll (measured from layout: the document is no wider than the viewport and no element
 * sticks out to the right), no serious or critical axe finding, no console error, and a screenshot of each.
 * Jira gives the project settings page its full content width and the issue panel its right column
 * (about 320-400 px), so both must work from there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { opsIssuesNewestFirst } from '../support/jira-as-person';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle, settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, expectFitsAndAccessible } from './support';

jest.setTimeout(120_000);

const ui = browserSuite({ pageTimeoutMs: 15_000 });
const WIDTHS = [1280, 400] as const;
const TABS = ['connection', 'rules', 'deliveries', 'dry-run', 'mappings', 'postmortems', 'projects'] as const;

let alertIssue = '';
let incidentIssue = '';

beforeAll(async () => {
  seedRules(ui.sandbox.forge, fixtureRules());
  const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
  expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
  await settle(ui.sandbox);
  alertIssue = (await opsIssuesNewestFirst(ui.sandbox.urls.jira))[0]?.key ?? '';
  ui.impact.admin.createIncident({ id: 'INC-410', title: 'Search latency above SLO in every region', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
  await settleWithImpact(ui.sandbox);
  incidentIssue = (await opsIssuesNewestFirst(ui.sandbox.urls.jira))[0]?.key ?? '';
  expect(alertIssue).toMatch(/^OPS-\d+$/);
  expect(incidentIssue).toMatch(/^OPS-\d+$/);
  expect(incidentIssue).not.toBe(alertIssue);
});

const openAt = (path: string, width: number) => ui.openAt(path, width);
const check = (page: Page, errors: string[], name: string) => expectFitsAndAccessible(ui, page, errors, name);

describe.each(WIDTHS)('at %i px', (width) => {
  test.each(TABS)('settings tab %s fits without horizontal scroll', async (tab) => {
    const { page, errors } = await openAt(`/static/settings-ui/?user=alice&tab=${tab}`, width);
    const panel = page.getByRole('tabpanel');
    await panel.waitFor();
    // Loaded: no spinner left in the shown panel.
    await panel.getByRole('status').filter({ has: page.locator('[aria-label^="Loading"], svg') }).first().waitFor({ state: 'detached' }).catch(() => undefined);
    await page.waitForFunction(() => !document.querySelector('[role="tabpanel"]:not([hidden]) .loading'));
    // The tabs stay on one line with whole labels (the strip scrolls inside itself when the frame is narrow).
    const tabs = await page.getByRole('tab').evaluateAll((els) => els.map((el) => ({ top: Math.round(el.getBoundingClientRect().top), cut: Array.from(el.querySelectorAll('*')).some((c) => c.scrollWidth > c.clientWidth + 1) })));
    expect(tabs).toHaveLength(TABS.length);
    expect(new Set(tabs.map((t) => t.top)).size).toBe(1);
    expect(tabs.filter((t) => t.cut)).toEqual([]);
    await check(page, errors, `settings-${tab}-${width}`);
    await page.close();
  });

  test('issue panel on an alert issue fits without horizontal scroll', async () => {
    const { page, errors } = await openAt(`/static/panel-ui/?user=alice&issueKey=${alertIssue}`, width);
    await page.getByTestId('alert-group').waitFor();
    await check(page, errors, `panel-alert-${width}`);
    await page.close();
  });

  test('issue panel on an incident issue fits without horizontal scroll', async () => {
    const { page, errors } = await openAt(`/static/panel-ui/?user=alice&issueKey=${incidentIssue}`, width);
    await page.getByTestId('incident').waitFor();
    await check(page, errors, `panel-incident-${width}`);
    await page.close();
  });
});

test('the panel also fits at 320 px, the narrowest issue view column', async () => {
  const { page, errors } = await openAt(`/static/panel-ui/?user=alice&issueKey=${alertIssue}`, 320);
  await page.getByTestId('alert-group').waitFor();
  await check(page, errors, 'panel-alert-320');
  await page.close();
});
