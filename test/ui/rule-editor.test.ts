/**
 * The rule editor in a real browser against the sandbox (issue 16): every rule field set through pickers fed
 * by Jira (projects, issue types, create-screen fields, priorities, components, workflow statuses, read as the
 * signed-in user through the Forge host and the Jira simulator); the pre-flight refuses, before anything is
 * saved, an unknown issue type and a required field the rule leaves empty; "Dry-run this rule" from the editor;
 * no horizontal overflow at 1280 and 400 px.
 */
import type { Page } from 'playwright-core';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { browserSuite, horizontalOverflow, seriousAxeViolations } from './support';

jest.setTimeout(120_000);

// The longest browser flow (every field through pickers): under the full suite's load a step can take over 15 s.
const ui = browserSuite({ pageTimeoutMs: 30_000 });

beforeAll(() => {
  const jira = ui.sandbox.jira;
  if (!jira) throw new Error('the sandbox runs the Jira simulator');
  // OPS Incident issues need a Team (a select field): a rule that does not fill it would fail on every alert.
  jira.seed.addSelectField('customfield_10050', 'Team', ['SRE', 'Payments']);
  jira.seed.requireField('OPS', 'Incident', 'customfield_10050');
  // A rule stored before the pre-flight existed, naming an issue type OPS does not have.
  seedRules(ui.sandbox.forge, fixtureRules({ checkout: { target: { projectKey: 'OPS', issueType: 'Outage' }, active: false } }));
});

interface StoredRules {
  readonly revision: number;
  readonly rules: readonly Record<string, unknown>[];
}
const stored = () => ui.invokeSettings<StoredRules>('listAlertRules');

/** Picks `option` in the Atlaskit Select labelled `label`, typing `typed` first to narrow (or to create). */
async function choose(page: Page, label: string | RegExp, option: string | RegExp, typed?: string): Promise<void> {
  const input = page.getByLabel(label, { exact: typeof label === 'string' });
  await input.click();
  if (typed !== undefined) await input.fill(typed);
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).first().click();
}

test('an admin creates a rule with every field through pickers; the pre-flight first refuses the missing required field and a component Jira lacks; then dry-runs it', async () => {
  const before = await stored();
  const page = await ui.open('/static/settings-ui/?user=alice&tab=rules');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Payments incidents');
  await choose(page, 'Jira project', 'Operations (OPS)', 'Oper');
  await choose(page, 'Issue type', 'Incident');
  await page.getByLabel(/^Matchers/).fill('service="payments"\nseverity=~"critical|warning"');
  await choose(page, 'Group alerts into one issue per', 'alert (fingerprint)');
  await page.getByLabel('Summary template').fill('[{{ labels.severity | upper }}] {{ annotations.summary }}');
  await page.getByLabel('Description template').fill('Runbook: {{ annotations.runbook_url }}');

  await page.getByLabel('Priority from alert label').fill('severity');
  await page.getByRole('button', { name: 'Add priority row' }).click();
  await page.getByLabel('Label value 1').fill('critical');
  await choose(page, 'Jira priority 1', 'Highest');
  await page.getByRole('button', { name: 'Add priority row' }).click();
  await page.getByLabel('Label value 2').fill('warning');
  await choose(page, 'Jira priority 2', 'High');
  await choose(page, 'Default priority', 'Medium');
  await page.getByLabel('Jira labels (one per line)').fill('alertmanager\nteam-{{ labels.team }}');
  await page.getByLabel('Copy alert labels').fill('service, cluster');
  await choose(page, 'Components', 'Payments');
  await choose(page, 'Components', 'API');
  // A component typed by hand that OPS does not have.
  await choose(page, 'Components', 'Use “Billing”', 'Billing');

  // Save asks Jira first: the Team field is required and nothing fills it, and Billing is no component of OPS.
  await page.getByRole('button', { name: 'Save rule' }).click();
  const refusal = page.getByTestId('preflight');
  await refusal.getByText('Not saved: Jira would refuse issues from this rule in OPS').waitFor();
  await refusal.getByText('Jira requires "Team" (customfield_10050) for Incident issues in OPS, and nothing fills it; add it to the custom fields.').waitFor();
  await page.getByTestId('custom-field-errors').getByText(/Jira requires "Team"/).waitFor();
  const billing = 'Jira will not accept "Billing" for "Components" in OPS Incident issues; it accepts "API", "Payments", "Search".';
  await refusal.getByText(billing).waitFor();
  expect(await page.locator('.field-error').getByText(billing).count()).toBe(1);
  expect(await stored()).toEqual(before);
  await ui.screenshot(page, 'preflight-missing-required-field.png');
  await page.getByLabel('Components', { exact: true }).focus();
  await page.keyboard.press('Backspace'); // removes the last component, Billing

  await page.getByRole('button', { name: 'Add custom field' }).click();
  await choose(page, 'Custom field 1', /^Team \(required\) · customfield_10050$/, 'Team');
  await choose(page, 'Custom field value 1', 'SRE');
  await choose(page, 'When the alerts resolve', 'Comment and move the issue');
  await choose(page, 'Close with', 'Transition or status name');
  await choose(page, 'Target status or transition', 'Closed');
  await choose(page, 'When they fire again after the issue was closed', 'Reopen the closed issue');
  await choose(page, 'Move back to a status in', 'To do (new)');
  await page.getByLabel('Order', { exact: true }).fill('5');
  await page.getByLabel('Storm guard: at most N new issues').fill('50');
  await page.getByLabel('per M minutes').fill('10');
  await ui.screenshot(page, 'rule-editor-every-field.png');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.locator('tr[data-rule-id="payments-incidents"]').waitFor();
  await page.locator('tr[data-rule-id="payments-incidents"]').getByText('Storm guard: ≤ 50 new issues / 10 min').waitFor();
  const saved = (await stored()).rules.find((r) => r['id'] === 'payments-incidents');
  expect(saved).toEqual({
    id: 'payments-incidents',
    name: 'Payments incidents',
    active: true,
    order: 5,
    target: { projectKey: 'OPS', issueType: 'Incident' },
    matchers: ['service="payments"', 'severity=~"critical|warning"'],
    summaryTemplate: '[{{ labels.severity | upper }}] {{ annotations.summary }}',
    descriptionTemplate: 'Runbook: {{ annotations.runbook_url }}',
    priority: { label: 'severity', mapping: { critical: 'Highest', warning: 'High' }, default: 'Medium' },
    labels: ['alertmanager', 'team-{{ labels.team }}'],
    copyLabels: ['service', 'cluster'],
    components: ['Payments', 'API'],
    customFields: { customfield_10050: { value: 'SRE' } },
    grouping: 'fingerprint',
    reFire: { policy: 'reopen', transition: { by: 'statusCategory', category: 'new' } },
    resolve: { policy: 'comment-and-transition', transition: { by: 'name', name: 'Closed' } },
    stormGuard: { maxNewIssues: 50, windowMinutes: 10 },
  });

  // Dry-run it from the editor: a sample alert its matchers hold for, what it would send, what Jira says.
  await page.getByRole('button', { name: 'Edit Payments incidents' }).click();
  await page.getByRole('button', { name: 'Dry-run this rule' }).click();
  const report = page.getByTestId('rule-dry-run');
  await report.getByText('This rule matches: this rule is used.').waitFor();
  expect(await report.getByTestId('rule-dry-run-summary').textContent()).toBe('[CRITICAL] 5xx rate above 5% on checkout');
  await report.getByText('POST /rest/api/3/issue', { exact: true }).waitFor();
  await report.getByText('Jira accepts issues from this rule in OPS (Incident)').waitFor();
  await ui.screenshot(page, 'rule-dry-run.png');
  await page.close();
});

test('the pre-flight refuses an unknown issue type before saving, in words at the field', async () => {
  const before = await stored();
  const page = await ui.open('/static/settings-ui/?user=alice&tab=rules');
  await page.getByRole('button', { name: 'Edit Checkout errors' }).click();
  // The picker shows the stored value and says Jira has no such type, before anyone presses Save.
  await page.getByText('Jira has no issue type “Outage” in OPS: choose one it has.').waitFor();
  await page.getByLabel('Active').check();
  await page.getByRole('button', { name: 'Save rule' }).click();
  const message = 'Jira has no issue type "Outage" you can create in OPS; it has "Incident", "Task", "Bug".';
  await page.getByTestId('preflight').getByText(message).waitFor();
  expect(await page.locator('.field-error').getByText(message).count()).toBe(1);
  expect(await stored()).toEqual(before);

  await choose(page, 'Issue type', 'Bug');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('Rule saved.').first().waitFor();
  const checkout = (await stored()).rules.find((r) => r['id'] === 'checkout');
  expect(checkout).toMatchObject({ active: true, target: { projectKey: 'OPS', issueType: 'Bug' } });
  // The Dry run tab says what Jira's pre-flight says of each winning rule too.
  await page.getByRole('tab', { name: 'Dry run' }).click();
  await page.getByRole('button', { name: 'Run dry run' }).click();
  await page.getByTestId('dry-run-preflight-checkout').getByText('Jira accepts issues from this rule in OPS (Bug)').waitFor();
  await page.close();
});

test.each([1280, 400])('the editor with every section open has no horizontal overflow at %i px', async (width) => {
  const page = await ui.context.newPage();
  page.setDefaultTimeout(15_000);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${ui.sandbox.urls.forgeHost}/static/settings-ui/?user=alice&tab=rules`);
  await page.getByRole('button', { name: 'Edit Payments incidents' }).click();
  await page.getByLabel('Custom field value 1').waitFor();
  await page.getByRole('button', { name: 'Dry-run this rule' }).click();
  await page.getByTestId('rule-dry-run').waitFor();
  // Every section open: the priority rows, a custom field, both transition targets, the dry-run report.
  await choose(page, 'Close with', 'Transition id');
  await page.getByLabel('Close transition id').fill('31');
  const overflow = await horizontalOverflow(page);
  expect(overflow).toEqual({ scrollWidth: overflow.viewport, viewport: overflow.viewport, offenders: [] });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, `rule-editor-${width}.png`, { fullPage: true });
  await page.close();
});
