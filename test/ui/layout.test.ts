/**
 * Every settings tab and both issue panel views at a desktop width (1280 px) and a narrow one (400 px):
 * no horizontal scroll (measured from layout: the document is no wider than the viewport and no element
 * sticks out to the right), no serious or critical axe finding, no console error, and a screenshot of each.
 * Jira gives the project settings page its full content width and the issue panel its right column
 * (about 320-400 px), so both must work from there. The views behind a click are covered the same way: the
 * panel's link-by-hand form on an unlinked issue (also at 320 px), the Mappings tab's incident settings of a
 * project with the switch and a category, the Projects & metrics tab's drill-down list, People tables and
 * MTTA/MTTR table, the rule editor with every field set and its dry run open, and the rule list's storm guard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { storedRuleSchema } from '../../src/forge/domain/alerts';
import { mulberry32, seedBulkIssues, SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { jiraRequest, opsIssuesNewestFirst } from '../support/jira-as-person';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle, settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, expectFitsAndAccessible } from './support';

jest.setTimeout(120_000);

const ui = browserSuite({ pageTimeoutMs: 15_000 });
const WIDTHS = [1280, 400] as const;
const TABS = ['connection', 'rules', 'deliveries', 'dry-run', 'mappings', 'postmortems', 'projects'] as const;

const DAY = 86_400_000;
let alertIssue = '';
let incidentIssue = '';
let unlinkedIssue = '';

/** A rule that sets every field the editor has (it matches no alert of this suite), storm guard included. */
const EVERY_FIELD_RULE = storedRuleSchema.parse({
  id: 'every-field',
  name: 'Every field',
  order: 30,
  target: { projectKey: 'OPS', issueType: 'Incident' },
  matchers: ['alertname="LayoutProbe"', 'severity=~"critical|warning"'],
  summaryTemplate: '[{{ labels.severity | upper }}] {{ annotations.summary }} on {{ labels.instance }}',
  priority: { label: 'severity', mapping: { critical: 'Highest', warning: 'High', info: 'Low' }, default: 'Medium' },
  labels: ['alertmanager', 'team-{{ labels.team }}'],
  copyLabels: ['service', 'cluster'],
  components: ['Payments backend'],
  customFields: { customfield_10050: { value: 'SRE' } },
  grouping: 'fingerprint',
  reFire: { policy: 'reopen', transition: { by: 'id', id: '31' } },
  resolve: { policy: 'comment-and-transition', transition: { by: 'name', name: 'Closed' } },
  stormGuard: { maxNewIssues: 50, windowMinutes: 60 },
});

beforeAll(async () => {
  ui.sandbox.jira?.seed.addSelectField('customfield_10050', 'Team', ['SRE', 'Payments']);
  seedRules(ui.sandbox.forge, [...fixtureRules(), EVERY_FIELD_RULE]);
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

  // An issue nobody linked (the panel offers to link it by hand).
  const created = await jiraRequest(ui.sandbox.urls.jira, 'alice@example.com', 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Checkout error budget review' } });
  unlinkedIssue = ((await created.json()) as { key: string }).key;
  // Projects & metrics: OPS tracked with resolved issues, the directory with one unmatched person, MTTA/MTTR.
  const jira = ui.sandbox.jira!;
  seedBulkIssues(jira.state, { projectKey: 'OPS', count: 40, startMs: Date.now() - 70 * DAY, spanMs: 60 * DAY, random: mulberry32(7), authorId: SANDBOX_USERS.dave.accountId, assigneeIds: [SANDBOX_USERS.alice.accountId] });
  jira.seed.addUser({ accountId: 'acc-sam-1', displayName: 'Sam Park', emailAddress: 'sam.one@corp.test' }).hideEmail = true;
  jira.seed.addUser({ accountId: 'acc-sam-2', displayName: 'Sam Park', emailAddress: 'sam.two@corp.test' }).hideEmail = true;
  ui.impact.admin.addUser({ email: 'sam@example.com', name: 'Sam Park' });
  const ops = (await ui.invokeSettings<{ value: { id: string; key: string }[] }>('listProjects')).value.find((p) => p.key === 'OPS');
  expect(ops).toBeDefined();
  await ui.invokeSettings('trackProject', { projectId: ops?.id, projectKey: 'OPS' });
  await ui.sandbox.forge.runScheduledTrigger('people-directory');
  // Mappings: a category routed to a project of its own.
  expect(await ui.invokeSettings('saveIncidentCategories', { categories: [{ category: 'Security', projectKey: 'PM', issueTypeName: null, label: 'security' }] })).toMatchObject({ ok: true });
  await settleWithImpact(ui.sandbox);
  expect(unlinkedIssue).toMatch(/^OPS-\d+$/);
});

const openAt = (path: string, width: number) => ui.openAt(path, width);
async function check(page: Page, errors: string[], name: string): Promise<void> {
  // An Atlaskit Select's own text input draws no box (a page-wide input style once did, cutting its placeholder).
  expect(await page.locator('input[role="combobox"]').evaluateAll((els) => els.filter((e) => getComputedStyle(e).borderTopWidth !== '0px').length)).toBe(0);
  await expectFitsAndAccessible(ui, page, errors, name);
}

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

/** Views behind a click, each opened and brought to its fullest state by `show`. */
interface View {
  readonly name: string;
  readonly path: () => string;
  readonly show: (page: Page) => Promise<void>;
}

const settingsAt = (tab: string) => () => `/static/settings-ui/?user=alice&tab=${tab}`;

const SETTINGS_VIEWS: readonly View[] = [
  {
    name: 'mappings-project',
    path: settingsAt('mappings'),
    show: async (page) => {
      // The incident sync switch and the category table, then a project's own settings through the selector.
      await page.getByRole('table', { name: /categor/i }).waitFor();
      await page.getByLabel('Pick a project to add').click();
      await page.getByRole('option', { name: 'Post-mortems (PM)' }).click();
      await page.getByLabel('Settings for').waitFor();
      await page.getByLabel('Own statuses for this project').waitFor();
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'projects-drill-down-people',
    path: settingsAt('projects'),
    show: async (page) => {
      const metrics = page.getByTestId('metrics-OPS');
      await metrics.getByRole('table', { name: 'OPS: lead and cycle time' }).waitFor();
      await metrics.getByRole('button', { name: /list the issues within lead time p85/ }).click();
      await page.getByTestId('drill-down').getByRole('table').locator('tbody tr').first().waitFor();
      await page.getByTestId('impact-response-times').getByRole('table').locator('tr[data-priority="P2"]').waitFor();
      await page.getByRole('table', { name: 'Matched people', exact: true }).waitFor();
      await page.getByRole('table', { name: 'Unmatched people' }).getByRole('cell', { name: 'sam@example.com' }).waitFor();
    },
  },
  {
    name: 'rule-editor-expanded',
    path: settingsAt('rules'),
    show: async (page) => {
      await page.getByRole('button', { name: 'Edit Every field' }).click();
      await page.getByLabel('Custom field value 1').waitFor();
      await page.getByRole('button', { name: 'Dry-run this rule' }).click();
      await page.getByTestId('rule-dry-run').waitFor();
    },
  },
  {
    name: 'rules-storm-guard',
    path: settingsAt('rules'),
    show: async (page) => {
      await page.getByText('≤ 50 new issues / 60 min').first().waitFor();
    },
  },
];

const LINK_BY_HAND: View = {
  name: 'panel-link-by-hand',
  path: () => `/static/panel-ui/?user=alice&issueKey=${unlinkedIssue}`,
  show: async (page) => {
    await page.getByTestId('link-issue').waitFor();
    await page.getByLabel('Rule or labels').fill('checkout');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 open group').waitFor();
  },
};

describe.each(WIDTHS)('views behind a click at %i px', (width) => {
  test.each([...SETTINGS_VIEWS, LINK_BY_HAND].map((v) => [v.name, v] as const))('%s fits without horizontal scroll', async (name, view) => {
    const { page, errors } = await openAt(view.path(), width);
    await view.show(page);
    await check(page, errors, `${name}-${width}`);
    await page.close();
  });
});

test('the link-by-hand form fits at 320 px', async () => {
  const { page, errors } = await openAt(LINK_BY_HAND.path(), 320);
  await LINK_BY_HAND.show(page);
  await check(page, errors, 'panel-link-by-hand-320');
  await page.close();
});

test.each([
  ['alert', 'alert-group', () => alertIssue],
  ['incident', 'incident', () => incidentIssue],
] as const)('the %s panel also fits at 320 px, the narrowest issue view column', async (kind, testId, issue) => {
  const { page, errors } = await openAt(`/static/panel-ui/?user=alice&issueKey=${issue()}`, 320);
  await page.getByTestId(testId).waitFor();
  await check(page, errors, `panel-${kind}-320`);
  await page.close();
});
