/**
 * The Projects & metrics tab in a real browser against the sandbox: the issues behind a percentile and a week
 * (paged, linking to Jira), lead and cycle time with their definitions, Impact's MTTA/MTTR table, and the user
 * directory's manual match, unmatch and forgetting of the decision through their modals (read-only for a non-admin).
 */
import type { Page } from 'playwright-core';
import { mulberry32, seedBulkIssues, SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(90_000);

const DAY = 86_400_000;
const ui = browserSuite();

beforeAll(async () => {
  const jira = ui.sandbox.jira!;
  seedBulkIssues(jira.state, { projectKey: 'OPS', count: 60, startMs: Date.now() - 70 * DAY, spanMs: 60 * DAY, random: mulberry32(5), authorId: SANDBOX_USERS.dave.accountId, assigneeIds: [SANDBOX_USERS.alice.accountId] });
  jira.seed.addUser({ accountId: 'acc-sam-1', displayName: 'Sam Park', emailAddress: 'sam.one@corp.test' }).hideEmail = true;
  jira.seed.addUser({ accountId: 'acc-sam-2', displayName: 'Sam Park', emailAddress: 'sam.two@corp.test' }).hideEmail = true;
  ui.impact.admin.addUser({ email: 'sam@example.com', name: 'Sam Park' });
  ui.impact.admin.createIncident({ title: 'P2 down', priority: 2 });
  await ui.sandbox.forge.runScheduledTrigger('people-directory');
  const ops = (await ui.invokeSettings<{ value: { id: string; key: string }[] }>('listProjects')).value.find((p) => p.key === 'OPS')!;
  await ui.invokeSettings('trackProject', { projectId: ops.id, projectKey: 'OPS' });
  await settleWithImpact(ui.sandbox);
});

async function open(user: string): Promise<Page> {
  const page = await ui.open(`/static/settings-ui/?user=${user}&tab=projects`);
  await page.getByRole('table', { name: 'Projects' }).waitFor();
  return page;
}

test('lists the issues behind a percentile and a week, paged, each linking to its Jira issue', async () => {
  const page = await open('alice');
  const metrics = page.getByTestId('metrics-OPS');
  await metrics.getByRole('table', { name: 'OPS: lead and cycle time' }).waitFor();
  await metrics.getByTestId('definitions-OPS').getByText(/from the issue's creation to its resolution/).waitFor();

  await metrics.getByRole('button', { name: /list the issues within lead time p85/ }).click();
  const drill = page.getByTestId('drill-down');
  const rows = drill.getByRole('table').locator('tbody tr');
  await rows.first().waitFor();
  const summary = (await drill.getByText(/^Issues 1–\d+ of \d+/).textContent()) ?? '';
  const total = Number(/of (\d+)/.exec(summary)?.[1]);
  const expected = await ui.invokeSettings<{ ok: true; value: { total: number } }>('getProjectDrillDown', { projectId: await opsId(), query: { kind: 'percentile', measure: 'lead', p: 85, side: 'within' } });
  expect(total).toBe(expected.value.total);
  expect(await rows.count()).toBe(Math.min(20, total));
  const link = rows.first().getByRole('link');
  expect(await link.textContent()).toMatch(/^OPS-\d+$/);
  expect(await link.getAttribute('href')).toMatch(/\/browse\/OPS-\d+$|OPS-\d+/);
  if (total > 20) {
    await drill.getByRole('button', { name: 'Next' }).click();
    await drill.getByText(new RegExp(`^Issues 21–\\d+ of ${total}`)).waitFor();
  }
  await drill.getByRole('button', { name: 'Show the slower ones' }).click();
  await page.getByRole('region', { name: /issues slower than lead time p85/ }).waitFor();

  // A week chosen without the mouse lists exactly the issues its bar counts.
  const select = metrics.getByLabel('OPS: list the issues resolved in the week of');
  const option = select.locator('option').nth(1);
  const label = (await option.textContent()) ?? '';
  await select.selectOption({ index: 1 });
  await metrics.getByRole('button', { name: 'List issues' }).first().click();
  const count = Number(/\((\d+)\)$/.exec(label)?.[1]);
  await page.getByRole('region', { name: /issues resolved in the week of/ }).getByText(new RegExp(`of ${count}\\b`)).waitFor();

  await page.getByTestId('impact-response-times').getByRole('table').locator('tr[data-priority="P2"]').waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, 'drill-down.png', { fullPage: true });
  await page.close();
});

test('an admin matches an ambiguous person by hand, unmatches them again and forgets the decision; a non-admin cannot', async () => {
  const readOnly = await open('dave');
  const unmatched = readOnly.getByRole('table', { name: 'Unmatched people' });
  await unmatched.getByRole('cell', { name: 'sam@example.com' }).waitFor();
  expect(await unmatched.getByRole('button', { name: /Match… sam@example.com/ }).isDisabled()).toBe(true);
  await readOnly.close();

  const page = await open('alice');
  await page.getByRole('table', { name: 'Unmatched people' }).getByRole('button', { name: /Match… sam@example.com/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(/Match Sam Park to a Jira account/).waitFor();
  await dialog.getByRole('radio', { name: /acc-sam-2/ }).check();
  await dialog.getByRole('button', { name: 'Match', exact: true }).click();
  await page.getByText('sam@example.com is matched to Sam Park.').first().waitFor();
  const matchedRow = page.getByRole('table', { name: 'Matched people' }).getByRole('row', { name: /sam@example.com/ });
  await matchedRow.getByText('by an admin').waitFor();
  const stored = await ui.invokeSettings<{ value: { entries: { email: string; account: { accountId: string } }[] } }>('getUserDirectory', { list: 'matched', limit: 100 });
  expect(stored.value.entries.find((e) => e.email === 'sam@example.com')?.account.accountId).toBe('acc-sam-2');

  await matchedRow.getByRole('button', { name: /Unmatch sam@example.com/ }).click();
  const confirm = page.getByRole('dialog');
  await confirm.getByText(/is no longer paired with the Jira account Sam Park/).waitFor();
  await confirm.getByRole('button', { name: 'Unmatch' }).click();
  const unmatchedRow = page.getByRole('table', { name: 'Unmatched people' }).getByRole('row', { name: /sam@example.com/ });
  await unmatchedRow.getByText('unmatched by an admin').waitFor();

  // Forgetting the decision hands Sam back to the automatic matcher: two accounts fit, so nobody is guessed.
  await unmatchedRow.getByRole('button', { name: /Forget decision sam@example.com/ }).click();
  const forget = page.getByRole('dialog');
  await forget.getByText(/back to the automatic matcher/).waitFor();
  await forget.getByRole('button', { name: 'Forget decision' }).click();
  await page.getByText(/The decision on sam@example.com is forgotten/).first().waitFor();
  await settleWithImpact(ui.sandbox);
  await page.close();
  const after = await open('alice');
  const automatic = after.getByRole('table', { name: 'Unmatched people' }).getByRole('row', { name: /sam@example.com/ });
  await automatic.getByText(/several Jira accounts fit/).waitFor();
  expect(await automatic.getByRole('button', { name: /Forget decision/ }).count()).toBe(0);
  await after.close();
});

async function opsId(): Promise<string> {
  return (await ui.invokeSettings<{ value: { id: string; key: string }[] }>('listProjects')).value.find((p) => p.key === 'OPS')!.id;
}
