/**
 * One world across restarts: stop the whole sandbox and start it again on the same data directory, as a
 * newcomer re-running `npm start` would. The README's sample alert made an issue before the restart; after it
 * the issue is still in Jira (the simulator's state is in SANDBOX_DATA_DIR next to the Forge host's), and the
 * same sample sent again reaches the app, which comments nothing and creates nothing. Impact's incidents and
 * numbering survive too. The test reads Jira through the simulator's `/_sim/calls` control, as an outside
 * client would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExampleRules, SAMPLE_ALERT_FILE } from '../../src/sandbox/example-rules';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox';
import { consumerRecords, postAlertmanager, settle, settleWithImpact, testSandboxOptions } from '../support/sandbox-harness';

jest.setTimeout(60_000);

let dataDir: string;
let running: Sandbox | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bridge-restart-'));
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(overrides: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  // The harness's options, on a data directory this test keeps across restarts (startTestSandbox makes a fresh one).
  running = await startSandbox({ ...testSandboxOptions(dataDir), jiraRateLimits: false, ...overrides });
  loadExampleRules(running.forge);
  return running;
}

async function stop(): Promise<void> {
  await running?.close();
  running = undefined;
}

const basic = `Basic ${Buffer.from('alice@example.com:token').toString('base64')}`;

async function jiraIssues(sandbox: Sandbox): Promise<{ key: string; fields: { summary: string; comment: { total: number } } }[]> {
  const res = await fetch(`${sandbox.urls.jira}/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ jql: 'project = OPS ORDER BY key ASC', fields: ['summary', 'comment'], maxResults: 100 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { issues: { key: string; fields: { summary: string; comment: { total: number } } }[] }).issues;
}

/** The app's Jira writes since `after`, read over HTTP from the simulator's call log. */
async function appWrites(sandbox: Sandbox, after: number): Promise<string[]> {
  const page = (await (await fetch(`${sandbox.urls.jira}/_sim/calls?after=${after}`)).json()) as { calls: { method: string; route: string; actorIsApp: boolean }[] };
  return page.calls.filter((c) => c.actorIsApp && c.method !== 'GET' && c.route !== '/rest/api/3/search/jql').map((c) => `${c.method} ${c.route}`);
}

it('keeps the sample alert’s issue across a restart, and the same sample again changes nothing', async () => {
  const sample = readFileSync(SAMPLE_ALERT_FILE, 'utf8');
  let sandbox = await start();
  expect((await postAlertmanager(sandbox.relay.url, sample)).status).toBe(202);
  await settle(sandbox);
  const before = await jiraIssues(sandbox);
  expect(before).toHaveLength(1);
  const issue = before[0];
  expect(issue?.fields.summary).toMatch(/HighErrorRate|5xx/);
  // Something for Impact to remember too.
  const created = await fetch(`${sandbox.urls.impact}/admin/incidents?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Checkout errors', priority: 2 }) });
  expect(created.status).toBe(201);
  await settleWithImpact(sandbox);
  const opsAfterIncident = await jiraIssues(sandbox);
  expect(opsAfterIncident).toHaveLength(2);
  await stop();

  // The relay drops a byte-identical notification inside its duplicate window (10 s); a minute later it is a
  // new notification that must reach the app. The relay's clock is moved instead of waiting.
  sandbox = await start({ relayClock: () => Date.now() + 60_000 });
  expect(await jiraIssues(sandbox)).toEqual(opsAfterIncident);
  const { cursor } = (await (await fetch(`${sandbox.urls.jira}/_sim/calls/cursor`)).json()) as { cursor: number };
  const recordsBefore = consumerRecords(sandbox).length;

  expect((await postAlertmanager(sandbox.relay.url, sample)).status).toBe(202);
  await settle(sandbox);

  // The app saw it (one more delivery record, a skip) and wrote nothing to Jira.
  const records = consumerRecords(sandbox);
  expect(records.length).toBe(recordsBefore + 1);
  const latest = records.sort((a, b) => a.processedAt.localeCompare(b.processedAt)).at(-1);
  expect(latest?.outcome).toMatchObject({ kind: 'applied', problems: [{ kind: 'skipped' }] });
  expect(await appWrites(sandbox, cursor)).toEqual([]);
  const after = await jiraIssues(sandbox);
  expect(after).toEqual(opsAfterIncident);
  expect(after.find((i) => i.key === issue?.key)?.fields.comment.total).toBe(issue?.fields.comment.total);

  // Impact remembers its incident and keeps numbering after it.
  const incidents = (await (await fetch(`${sandbox.urls.impact}/admin/incidents`)).json()) as { incidents: { id: string }[] };
  expect(incidents.incidents.map((i) => i.id)).toEqual(['INC-1']);
  const next = (await (await fetch(`${sandbox.urls.impact}/admin/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Second', priority: 3 }) })).json()) as { incident: { id: string } };
  expect(next.incident.id).toBe('INC-2');
  await settleWithImpact(sandbox);
});
