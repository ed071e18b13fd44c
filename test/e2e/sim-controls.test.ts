/**
 * The whole sandbox driven through the simulators' `/_sim/` HTTP controls only, as an acceptance suite in
 * another language would: a Jira outage injected over HTTP (503 with Retry-After, twice) is ridden out by the
 * app's queue retries with exactly one issue created, which the call log read from a cursor shows; a back-dated
 * clock shows in what Jira writes; an issue deleted through REST reaches the Forge host as
 * `avi:jira:deleted:issue`.
 */
import { readFileSync } from 'node:fs';
import { loadExampleRules, SAMPLE_ALERT_FILE } from '../../src/sandbox/example-rules';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { postAlertmanager, sandboxPerTest, settle } from '../support/sandbox-harness';

jest.setTimeout(60_000);

const sandboxes = sandboxPerTest();

async function control<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const alice = `Basic ${Buffer.from('alice@example.com:token').toString('base64')}`;

async function opsIssues(sandbox: Sandbox): Promise<{ id: string; key: string; fields: { created: string } }[]> {
  const res = await fetch(`${sandbox.urls.jira}/rest/api/3/search/jql`, { method: 'POST', headers: { authorization: alice, 'content-type': 'application/json' }, body: JSON.stringify({ jql: 'project = OPS', fields: ['created'] }) });
  return ((await res.json()) as { issues: { id: string; key: string; fields: { created: string } }[] }).issues;
}

it('rides out a Jira outage injected over HTTP and creates exactly one issue', async () => {
  const { sandbox } = await sandboxes.start({ jiraRateLimits: false });
  loadExampleRules(sandbox.forge);
  const jira = sandbox.urls.jira;
  const { cursor } = await control<{ cursor: number }>(jira, 'GET', '/_sim/calls/cursor');
  await control(jira, 'POST', '/_sim/faults', { pattern: 'POST /rest/api/3/issue', kind: 'status', status: 503, retryAfterSeconds: 1, times: 2 });

  expect((await postAlertmanager(sandbox.relay.url, readFileSync(SAMPLE_ALERT_FILE, 'utf8'))).status).toBe(202);
  await settle(sandbox, 40_000);

  const calls = await control<{ calls: { method: string; route: string; status: number; actorIsApp: boolean }[] }>(jira, 'GET', `/_sim/calls?after=${cursor}&method=POST&route=${encodeURIComponent('/rest/api/3/issue')}`);
  // Injected faults act in front of Jira (before authentication), so only the 201 names the app as caller.
  expect(calls.calls.map((c) => c.status)).toEqual([503, 503, 201]);
  expect(calls.calls.at(-1)?.actorIsApp).toBe(true);
  expect(await opsIssues(sandbox)).toHaveLength(1);
  expect(await control(jira, 'GET', '/_sim/faults')).toEqual({ faults: [] });
});

it('back-dates issues with the clock control and sends deletes to the Forge host', async () => {
  const { sandbox } = await sandboxes.start({ jiraRateLimits: false });
  const jira = sandbox.urls.jira;
  await control(jira, 'PUT', '/_sim/clock', { now: '2026-03-02T09:00:00Z' });
  const created = await fetch(`${jira}/rest/api/3/issue`, { method: 'POST', headers: { authorization: alice, 'content-type': 'application/json' }, body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'old' } }) });
  const { key } = (await created.json()) as { key: string };
  await control(jira, 'PUT', '/_sim/clock', { offsetMs: 0 });
  const [issue] = await opsIssues(sandbox);
  expect(issue?.fields.created.slice(0, 16)).toBe('2026-03-02T09:00');

  expect((await fetch(`${jira}/rest/api/3/issue/${key}`, { method: 'DELETE', headers: { authorization: alice } })).status).toBe(204);
  // The app's `issue-deleted` trigger (manifest avi:jira:deleted:issue) ran for it.
  const deadline = Date.now() + 5_000;
  while (sandbox.forge.invocations.list({ moduleKey: 'issue-deleted' }).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(sandbox.forge.invocations.list({ moduleKey: 'issue-deleted' })).toHaveLength(1);
  expect(await opsIssues(sandbox)).toEqual([]);
});
