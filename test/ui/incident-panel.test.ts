/**
 * The issue panel on an Impact incident issue in a real browser against the sandbox: the post-mortem link
 * and the way back, "Resync now" through the queue, and "Unlink" for admins only.
 */
import { IncidentKeys } from '../../src/forge/incidents/incident-store';
import { opsIssuesNewestFirst, readIssue } from '../support/jira-as-person';
import { settle, settleWithImpact } from '../support/sandbox-harness';
import { browserSuite, seriousAxeViolations } from './support';

jest.setTimeout(60_000);

const ui = browserSuite({ pageTimeoutMs: 10_000 });
let issue: { id: string; key: string };
let postMortemKey = '';

beforeAll(async () => {
  ui.impact.admin.createIncident({ id: 'INC-950', title: 'Payments failing', priority: 3, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
  await settleWithImpact(ui.sandbox);
  ui.impact.admin.updateIncident('INC-950', { status: 'POST_MORTEM' });
  await settleWithImpact(ui.sandbox);
  const first = (await opsIssuesNewestFirst(ui.sandbox.urls.jira))[0];
  if (!first) throw new Error('the incident issue was not created');
  issue = first;
});

const kvs = (key: string): unknown => {
  const item = ui.sandbox.forge.kvs.get({ kind: 'kv' }, key);
  return item.ok ? item.value.value : undefined;
};

describe('issue panel on an incident issue', () => {
  test('the post-mortem is a link that opens its panel, which links back to the incident issue', async () => {
    const page = await ui.open(`/static/panel-ui/?user=bob&issueKey=${issue.key}`);
    await page.getByTestId('incident').waitFor();
    const link = page.getByTestId('incident').getByRole('link', { name: /^PM-\d+$/ });
    postMortemKey = (await link.textContent()) ?? '';
    expect(await link.getAttribute('href')).toBe(`/static/panel-ui/?issueKey=${postMortemKey}&user=bob`);
    await link.click();
    await page.waitForURL((url) => url.searchParams.get('issueKey') === postMortemKey);
    await page.getByTestId('post-mortem-of').getByText('Post-mortem of Impact incident INC-950').waitFor();
    expect(await page.getByLabel('acting as').inputValue()).toBe('bob'); // the local user is kept
    const back = page.getByRole('link', { name: issue.key });
    expect(await back.getAttribute('href')).toBe(`/static/panel-ui/?issueKey=${issue.key}&user=bob`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await back.click();
    await page.getByTestId('incident').waitFor();
    expect(new URL(page.url()).searchParams.get('issueKey')).toBe(issue.key);
    await page.close();
  });

  test('"Resync now" brings an issue that drifted behind the app\'s back up to date', async () => {
    ui.impact.webhooks.pause();
    ui.impact.admin.updateIncident('INC-950', { title: 'Payments failing in EU', priority: 1, commander: { email: 'alice@example.com', name: 'Alice Admin' } });
    await settle(ui.sandbox);
    expect((await readIssue(ui.sandbox.urls.jira, issue.key)).fields.summary).toBe('Payments failing');

    const page = await ui.open(`/static/panel-ui/?user=dave&issueKey=${issue.key}`);
    await page.getByTestId('incident').waitFor();
    expect(await page.getByTestId('priority').textContent()).toBe('P3');
    await page.getByRole('button', { name: 'Resync now' }).click();
    const resynced = page.getByText(/^Resynced with Impact: /);
    await resynced.waitFor();
    // Custom fields are counted, never named by id.
    expect(await resynced.textContent()).not.toMatch(/customfield_/);
    expect(await page.getByTestId('priority').textContent()).toBe('P1');
    await page.getByText('alice@example.com').waitFor();
    await page.getByText('in sync').waitFor();
    const synced = await readIssue(ui.sandbox.urls.jira, issue.key);
    expect(synced.fields.summary).toBe('Payments failing in EU');
    expect(synced.fields['customfield_11064']).toMatchObject({ value: '1' });
    await ui.screenshot(page, 'panel-incident.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
    ui.impact.webhooks.resume();
    await settleWithImpact(ui.sandbox);
  });

  test('dave cannot unlink: the refusal is shown and the link stays', async () => {
    const page = await ui.open(`/static/panel-ui/?user=dave&issueKey=${issue.key}`);
    // Unlink is unavailable from the start, saying why; the server refuses it all the same.
    await page.getByTestId('read-only').getByText(/you need the Administer Projects permission in OPS/).waitFor();
    expect(await page.getByRole('button', { name: 'Unlink' }).isDisabled()).toBe(true);
    expect(await ui.invokePanel('unlinkIssueIncident', issue.key, 'dave')).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Projects permission in OPS' } });
    expect(kvs(IncidentKeys.byIssue(issue.id))).toBe('INC-950');
    await page.close();
  });

  test('alice unlinks after confirming, and the panel then says the issue is not linked', async () => {
    const page = await ui.open(`/static/panel-ui/?user=alice&issueKey=${issue.key}`);
    await page.getByRole('button', { name: 'Unlink' }).click();
    await page.getByRole('dialog').getByText(`Unlink ${issue.key} from INC-950?`).waitFor();
    await page.getByRole('dialog').getByText(/stops syncing this issue with Impact/).waitFor();
    await page.getByRole('button', { name: 'Unlink issue' }).click();
    await page.getByTestId('unlinked').getByText(/^Unlinked from Impact incident INC-950\. This issue keeps its history but receives no more updates/).waitFor();
    expect(kvs(IncidentKeys.byIssue(issue.id))).toBeUndefined();
    expect((kvs(IncidentKeys.record('INC-950')) as { link: unknown }).link).toBeNull();
    await page.close();
  });
});
