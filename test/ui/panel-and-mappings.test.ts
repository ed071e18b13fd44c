/**
 * The issue panel on alert and incident issues, and the Mappings / Post-mortem templates tabs, in a real
 * browser against the sandbox (the local bridge shim calls the Forge host's resolvers as the chosen user).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageKeys } from '../../src/forge/constants';
import { fixtureRules, seedRules } from '../forge/alerts/support';
import { jiraRequest, opsIssuesNewestFirst } from '../support/jira-as-person';
import { ALERTMANAGER_FIXTURES, postAlertmanager, settle, settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(60_000);

const ui = browserSuite({ pageTimeoutMs: 10_000 });

beforeAll(() => {
  seedRules(ui.sandbox.forge, fixtureRules());
});

const kvs = (key: string): unknown => {
  const item = ui.sandbox.forge.kvs.get({ kind: 'kv' }, key);
  return item.ok ? item.value.value : undefined;
};

const asAlice = (method: string, path: string, body?: unknown): Promise<Response> => jiraRequest(ui.sandbox.urls.jira, 'alice@example.com', method, path, body);

async function newestOpsIssue(): Promise<{ id: string; key: string }> {
  const first = (await opsIssuesNewestFirst(ui.sandbox.urls.jira))[0];
  if (!first) throw new Error('no OPS issue');
  return first;
}

const settleAll = (): Promise<void> => settleWithImpact(ui.sandbox);

describe('issue panel on an alert issue', () => {
  let issue: { id: string; key: string };
  let problemKey = '';

  beforeAll(async () => {
    const fixture = readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8');
    expect((await postAlertmanager(ui.sandbox.urls.relay, fixture)).status).toBe(202);
    await settle(ui.sandbox);
    issue = await newestOpsIssue();
  });

  test('links to the Alertmanager group, each alert source and prefilled silences', async () => {
    const panel = await ui.open(`/static/panel-ui/?user=alice&issueKey=${issue.key}`);
    await panel.getByTestId('alert-group').waitFor();
    const group = await panel.getByRole('link', { name: 'Open in Alertmanager' }).getAttribute('href');
    expect(group).toBe(`http://alertmanager.example.com:9093/#/alerts?filter=${encodeURIComponent('{alertname="HighErrorRate", cluster="prod-eu"}')}&receiver=bridge`);
    const silenceGroup = await panel.getByRole('link', { name: 'Silence group' }).getAttribute('href');
    expect(silenceGroup).toBe(`http://alertmanager.example.com:9093/#/silences/new?filter=${encodeURIComponent('{alertname="HighErrorRate", cluster="prod-eu"}')}`);
    const source = await panel.getByRole('link', { name: /^Source of HighErrorRate/ }).getAttribute('href');
    expect(source).toMatch(/^http:\/\/prometheus\.example\.com\/graph\?g0\.expr=rate/);
    const silenceOne = decodeURIComponent((await panel.getByRole('link', { name: /^Silence HighErrorRate/ }).getAttribute('href')) ?? '');
    expect(silenceOne).toContain('instance="checkout-7d9f:8080"');
    expect(silenceOne).toContain('service="checkout"');
    await panel.getByText('HighErrorRate · instance=checkout-7d9f:8080').waitFor();
    await ui.screenshot(panel, 'panel-alert.png');
    expect(await seriousAxeViolations(panel)).toEqual([]);
    await panel.close();
  });

  test('"Resync now" reads the issue status from Jira into the mirror', async () => {
    // Someone moves the issue in Jira while the trigger is not told: the mirror is stale until a resync.
    const mirrorKey = StorageKeys.issueStatus(issue.id);
    expect(ui.sandbox.forge.kvs.set({ kind: 'kv' }, mirrorKey, { issueKey: issue.key, statusName: 'Stale', statusCategory: 'done', updatedAt: '2020-01-01T00:00:00.000Z' }).ok).toBe(true);
    const panel = await ui.open(`/static/panel-ui/?user=dave&issueKey=${issue.key}`);
    await panel.getByTestId('alert-group').waitFor();
    await panel.getByRole('button', { name: 'Resync now' }).click();
    await panel.getByText(/Resynced: Jira status category is new/).waitFor();
    expect(kvs(mirrorKey)).toMatchObject({ issueKey: issue.key, statusCategory: 'new' });
    expect((kvs(mirrorKey) as { statusName: string }).statusName).not.toBe('Stale');
    await panel.close();
  });

  test('"Unlink" is refused to a non-admin and forgets the problem for an admin', async () => {
    const problems = ui.sandbox.forge.kvs.query(StorageKeys.problem(''), 10, undefined);
    if (!problems.ok) throw new Error(problems.failure.message);
    expect(problems.value.items).toHaveLength(1);
    problemKey = problems.value.items[0]!.key;

    const dave = await ui.open(`/static/panel-ui/?user=dave&issueKey=${issue.key}`);
    await dave.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
    expect(await dave.getByRole('button', { name: 'Unlink' }).isDisabled()).toBe(true);
    expect(await ui.invokePanel('unlinkIssueAlertGroup', issue.key, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
    expect(kvs(problemKey)).toBeDefined();
    await dave.close();

    const alice = await ui.open(`/static/panel-ui/?user=alice&issueKey=${issue.key}`);
    await alice.getByRole('button', { name: 'Unlink' }).click();
    await alice.getByRole('button', { name: 'Unlink issue' }).click();
    await alice.getByTestId('unlinked').getByText(/^Unlinked from the alert group of rule /).waitFor();
    expect(kvs(problemKey)).toBeUndefined();
    expect(kvs(StorageKeys.issueStatus(issue.id))).toBeUndefined();
    expect((await asAlice('GET', `/rest/api/3/issue/${issue.key}/properties/incident-bridge-problem`)).status).toBe(404);
    await alice.close();
  });
});

describe('issue panel on an incident issue', () => {
  test('shows both statuses, priority, commander, last sync and the post-mortem', async () => {
    ui.impact.admin.createIncident({ id: 'INC-700', title: 'Search latency', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await settleAll();
    const issue = await newestOpsIssue();
    const panel = await ui.open(`/static/panel-ui/?user=alice&issueKey=${issue.key}`);
    await panel.getByTestId('incident').waitFor();
    expect(await panel.getByTestId('jira-status').textContent()).toBe('Incoming');
    expect(await panel.getByTestId('impact-status').textContent()).toBe('OPEN');
    await panel.getByText('Impact incident INC-700').waitFor();
    expect(await panel.getByTestId('incident-title').textContent()).toBe('Search latency');
    // The incident's own url as Impact gave it (the simulator names its configured base, not the bound port).
    expect(await panel.getByRole('link', { name: /^Open in Impact/ }).getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/incidents\/INC-700$/);
    expect(await panel.getByTestId('commander').getByText('Bob Commander', { exact: true }).count()).toBe(1);
    await panel.getByText('bob@example.com').waitFor();
    await panel.getByText('in sync').waitFor();
    await panel.getByText('not created yet').waitFor();
    await ui.screenshot(panel, 'panel-incident-before-post-mortem.png');
    expect(await seriousAxeViolations(panel)).toEqual([]);
    await panel.close();
  });
});

interface Mappings {
  statuses: { impactToJira: Record<string, string>; jiraToImpact: Record<string, string> };
  fields: { priority: { kind: string; fieldId?: string }; customFields: unknown[] };
  postMortem: { projectKey: string };
}
const mappings = async () => ((await ui.invokeSettings('getIncidentMappings')) as { value: Mappings }).value;

describe('settings: Mappings tab', () => {
  test('a non-admin cannot save', async () => {
    const before = await mappings();
    const page = await ui.open('/static/settings-ui/?user=dave&tab=mappings');
    await page.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
    expect(await page.getByLabel('Jira status for OPEN').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save mappings' }).isDisabled()).toBe(true);
    const current = await mappings();
    expect(await ui.invokeSettings('saveIncidentMappings', { mappings: { ...current, statuses: { ...current.statuses, impactToJira: { ...current.statuses.impactToJira, OPEN: 'Pending resolution' } } } }, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
    expect(await mappings()).toEqual(before);
    await page.close();
  });

  test('an invalid field id is refused with its path, and nothing is saved', async () => {
    const before = await mappings();
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    await page.getByLabel('Priority field id').fill('priority_field');
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('mappings.fields.priority.fieldId').waitFor();
    expect(await mappings()).toEqual(before);
    await page.close();
  });

  test('an empty row is reported in the row, switching the priority target back keeps its field id, and edits survive a tab switch', async () => {
    const before = await mappings();
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    await page.getByLabel('Priority field id').fill('customfield_10777');
    await page.getByLabel('Impact priority goes to').selectOption('jira-priority');
    await page.getByLabel('Impact priority goes to').selectOption('custom-number');
    expect(await page.getByLabel('Priority field id').inputValue()).toBe('customfield_10777');

    const table = page.getByRole('table', { name: 'Jira status to Impact status' });
    await page.getByRole('button', { name: 'Add Jira status' }).click();
    const rows = await table.locator('tbody tr').count();
    const emptyRow = table.locator('tbody tr').nth(rows - 1);
    await emptyRow.getByText('Enter a Jira status name, or remove this row.').waitFor();
    expect(await page.getByLabel(`Jira status ${rows}`, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByRole('alert').getByText(/some rows are incomplete/).waitFor();
    expect(await mappings()).toEqual(before);

    // Away to another tab and back (URL follows): the unsaved edits are still there.
    await page.getByRole('tab', { name: 'Rules' }).click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('rules');
    await page.getByRole('tab', { name: 'Mappings' }).click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('mappings');
    expect(await page.getByLabel('Priority field id').inputValue()).toBe('customfield_10777');
    expect(await table.locator('tbody tr').count()).toBe(rows);
    await page.close();
  });

  test('an admin edits statuses both ways, priority and custom fields, and they are stored', async () => {
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    await page.getByLabel('Jira status for INVESTIGATING').fill('Pending resolution');
    await page.getByRole('button', { name: 'Add Jira status' }).click();
    const rows = await page.getByRole('table', { name: 'Jira status to Impact status' }).locator('tbody tr').count();
    await page.getByLabel(`Jira status ${rows}`, { exact: true }).fill('Escalated');
    await page.getByLabel(`Impact status for Jira status ${rows}`).selectOption('INVESTIGATING');
    await page.getByLabel('Impact priority goes to').selectOption('jira-priority');
    // Priorities are offered from Jira (the incident issue type's create metadata, read as Alice), not typed.
    await page.getByLabel('Jira priority for P1').click();
    const menu = page.getByRole('listbox');
    await menu.getByRole('option', { name: 'Lowest' }).waitFor();
    expect(await menu.getByRole('option').allTextContents()).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
    await menu.getByRole('option', { name: 'High', exact: true }).click();
    await page.getByRole('button', { name: 'Add custom field' }).click();
    await page.getByLabel('Impact value of custom field 1').selectOption('custom_id');
    await page.getByLabel('Custom id key of custom field 1').fill('zendesk_ticket_id');
    await page.getByLabel('Jira field id of custom field 1').fill('customfield_10500');
    await page.getByLabel('Field for section incident_summary').fill('customfield_12699');
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('Mappings saved.').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await ui.screenshot(page, 'settings-mappings.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();

    const saved = await mappings();
    expect(saved.statuses.impactToJira['INVESTIGATING']).toBe('Pending resolution');
    expect(saved.statuses.jiraToImpact['Escalated']).toBe('INVESTIGATING');
    expect(saved.fields.priority).toEqual({ kind: 'jira-priority', names: { '1': 'High', '2': 'High', '3': 'Medium', '4': 'Low', '5': 'Lowest' } });
    expect(saved.fields.customFields).toEqual([{ source: { kind: 'custom_id', key: 'zendesk_ticket_id' }, fieldId: 'customfield_10500', shape: 'text' }]);
    const stored = kvs('incident-config') as { postMortem: { sections: { key: string; target: unknown }[] }; guard: unknown };
    expect(stored.postMortem.sections.find((s) => s.key === 'incident_summary')?.target).toEqual({ kind: 'custom-field', fieldId: 'customfield_12699' });
    expect(stored.guard).toBeDefined(); // the parts the tab does not edit are kept
  });
});

describe('settings: Post-mortem templates tab', () => {
  test('previews live against the sample incident, refuses unknown placeholders, and saves', async () => {
    const page = await ui.open('/static/settings-ui/?user=alice&tab=postmortems');
    const summary = page.getByLabel('Summary template');
    await summary.fill('PM {{incident.id}}: {{incident.title}}');
    expect(await page.getByTestId('post-mortem-summary-preview').textContent()).toBe('PM INC-2042: Checkout errors after the payment provider rollout');
    await page.getByLabel('Body of root_causes').fill('Owner: {{incident.commander}}\n{{incident.nope}}');
    await page.getByText('unknown placeholder {{incident.nope}}').waitFor();
    expect(await page.getByRole('button', { name: 'Save templates' }).isDisabled()).toBe(true);
    await page.getByTestId('post-mortem-preview').getByText('Owner: Bob Commander <bob@example.com>').waitFor();
    await page.getByLabel('Body of root_causes').fill('Owner: {{incident.commander}}\n\n{{timeline}}');
    await page.getByTestId('post-mortem-preview').getByText('payment-gateway 4.12 rolled back', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Save templates' }).click();
    await page.getByText('Templates saved.').waitFor();
    await ui.screenshot(page, 'settings-post-mortem.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
    const stored = ((await ui.invokeSettings('getPostMortemTemplates')) as { value: { summary: string; sections: { key: string; body: string }[] } }).value;
    expect(stored.summary).toBe('PM {{incident.id}}: {{incident.title}}');
    expect(stored.sections.find((s) => s.key === 'root_causes')?.body).toBe('Owner: {{incident.commander}}\n\n{{timeline}}');
  });
});
