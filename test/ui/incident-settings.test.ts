/**
 * Mappings tab, issue 15 item 7, in a real browser against the sandbox: a per-project override next to the
 * site default ("inherits the site default" per field), the incident sync switch behind its confirmation
 * modal, and the category mapping.
 */
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { postmortemWorkflow } from '../../src/sandbox/jira-sim/workflows';
import { IncidentKeys } from '../../src/forge/incidents/incident-store';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(60_000);

const ui = browserSuite({ pageTimeoutMs: 10_000 });

const kvs = (key: string): unknown => {
  const item = ui.sandbox.forge.kvs.get({ kind: 'kv' }, key);
  return item.ok ? item.value.value : undefined;
};

beforeAll(() => {
  ui.sandbox.jira?.seed.addProject({ key: 'SEC', name: 'Security', leadAccountId: SANDBOX_USERS.alice.accountId, issueTypes: [{ name: 'Incident' }], workflow: postmortemWorkflow() });
});

describe('settings: incident settings per project, switch and categories', () => {
  test('an admin overrides one field for a project; the others keep inheriting the site default', async () => {
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    // Projects come from Jira as the user; picking one opens its settings.
    await page.getByLabel('Pick a project to add').click();
    await page.getByRole('option', { name: 'Security (SEC)' }).click();
    await page.getByLabel('Settings for').waitFor();
    expect(await page.getByLabel('Settings for').inputValue()).toBe('SEC');
    const statuses = page.getByLabel('Own statuses for this project');
    await statuses.waitFor();
    expect(await statuses.isChecked()).toBe(false);
    expect(await page.locator('[data-field="statuses"]').getByText('inherits the site default').count()).toBe(1);
    // Inherited: shown with the site's value, not editable until the project takes it as its own.
    expect(await page.getByLabel('Jira status for OPEN').inputValue()).toBe('Incoming');
    expect(await page.getByLabel('Jira status for OPEN').isDisabled()).toBe(true);
    await statuses.check();
    await page.locator('[data-field="statuses"]').getByText('own value').waitFor();
    await page.getByLabel('Jira status for OPEN').fill('To Do');
    // Status names are suggested from SEC's workflow (read from Jira as the user).
    expect(await page.locator(`datalist#${await page.getByLabel('Jira status for OPEN').getAttribute('list')} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['To Do', 'In Progress', 'Done']);
    // A custom field picked by name fills in its id.
    await page.getByLabel('Own custom fields for this project').check();
    await page.getByRole('button', { name: 'Add custom field' }).click();
    await page.getByLabel('Jira field by name of custom field 1').click();
    await page.getByRole('option', { name: /Priority \(Impact\) \(customfield_11064/ }).click();
    expect(await page.getByLabel('Jira field id of custom field 1').inputValue()).toBe('customfield_11064');
    await page.getByRole('button', { name: 'Save settings for SEC' }).click();
    await page.getByText('Settings for SEC saved.').first().waitFor();
    expect(await page.locator('[data-field="priority"]').getByText('inherits the site default').count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await ui.screenshot(page, 'settings-mappings-project.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();

    const stored = kvs(IncidentKeys.projectConfig('SEC')) as Record<string, unknown> & { statuses: { impactToJira: Record<string, string> } };
    expect(stored.statuses.impactToJira['OPEN']).toBe('To Do');
    expect(Object.keys(stored).filter((k) => k !== 'rev')).toEqual(['statuses', 'customFields']);
    expect(stored['customFields']).toEqual([{ source: { kind: 'platform' }, fieldId: 'customfield_11064', shape: 'text' }]);
    // The site default is untouched.
    expect((kvs(IncidentKeys.config) as { statuses: { impactToJira: Record<string, string> } }).statuses.impactToJira['OPEN']).toBe('Incoming');

    // Reopened: the project is in the selector and its own field is shown as such.
    const again = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    await again.getByLabel('Settings for').selectOption('SEC');
    await again.getByLabel('Own statuses for this project').waitFor();
    expect(await again.getByLabel('Own statuses for this project').isChecked()).toBe(true);
    expect(await again.getByLabel('Jira status for OPEN').inputValue()).toBe('To Do');
    await again.close();
  });

  test('the switch asks first, says what off means, and is stored; cancelling changes nothing', async () => {
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    const sw = page.getByRole('switch', { name: 'Incident sync' });
    expect(await sw.isChecked()).toBe(true);
    await sw.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Turn the incident sync off?').waitFor();
    await dialog.getByText(/only logged as skipped/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await sw.isChecked()).toBe(true);
    expect(kvs(IncidentKeys.routing)).toBeUndefined();

    await sw.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    await page.getByText('Incident sync turned off.').first().waitFor();
    expect(await sw.isChecked()).toBe(false);
    expect(kvs(IncidentKeys.routing)).toMatchObject({ enabled: false });

    await sw.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Incident sync turned on.').first().waitFor();
    expect(kvs(IncidentKeys.routing)).toMatchObject({ enabled: true });
    await page.close();
  });

  test('categories are saved from the table; a non-admin of the site sees them read-only', async () => {
    const page = await ui.open('/static/settings-ui/?user=alice&tab=mappings');
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByLabel('Category 1', { exact: true }).fill('Security');
    await page.getByLabel('Project for category 1').fill('SEC');
    await page.getByLabel('Label for category 1').fill('security');
    await page.getByRole('button', { name: 'Save categories' }).click();
    await page.getByText('Categories saved.').first().waitFor();
    expect(kvs(IncidentKeys.routing)).toMatchObject({ enabled: true, categories: [{ category: 'Security', projectKey: 'SEC', issueTypeName: null, label: 'security' }] });
    await page.close();

    const bob = await ui.open('/static/settings-ui/?user=bob&tab=mappings');
    await bob.getByLabel('Category 1', { exact: true }).waitFor();
    expect(await bob.getByLabel('Category 1', { exact: true }).isDisabled()).toBe(true);
    expect(await bob.getByRole('switch', { name: 'Incident sync' }).isDisabled()).toBe(true);
    await bob.getByText('Switching it needs the Administer Jira permission.').waitFor();
    await bob.close();
  });
});
