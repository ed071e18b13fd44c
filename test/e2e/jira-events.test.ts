/**
 * Jira → app: a human's change in the Jira simulator reaches the app's issue-updated trigger through the
 * local Forge host; the app's own changes do not (manifest `ignoreSelf: true`).
 */
import { startTestSandbox, type TestSandbox } from '../support/sandbox-harness';
import { StorageKeys } from '../../src/forge/constants';

jest.setTimeout(30_000);

let env: TestSandbox;
beforeEach(async () => {
  env = await startTestSandbox({ jiraRateLimits: false });
});
afterEach(() => env.close());

const basic = (email: string) => `Basic ${Buffer.from(`${email}:any-token`).toString('base64')}`;

async function jira(path: string, init: RequestInit & { as: 'alice' | 'app' }): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json');
  if (init.as === 'app') headers.set('x-forge-sim-actor', 'app');
  else headers.set('authorization', basic('alice@example.com'));
  return fetch(`${env.sandbox.urls.jira}${path}`, { ...init, headers });
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function createIssue(as: 'alice' | 'app'): Promise<{ id: string; key: string }> {
  const response = await jira('/rest/api/3/issue', {
    as,
    method: 'POST',
    body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'Checkout 5xx' } }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

async function transitionTo(key: string, statusName: string, as: 'alice' | 'app'): Promise<void> {
  const list = (await (await jira(`/rest/api/3/issue/${key}/transitions`, { as, method: 'GET' })).json()) as { transitions: { id: string; to: { name: string } }[] };
  const transition = list.transitions.find((t) => t.to.name === statusName);
  if (!transition) throw new Error(`no transition to ${statusName} from here: ${list.transitions.map((t) => t.to.name).join(', ')}`);
  const response = await jira(`/rest/api/3/issue/${key}/transitions`, { as, method: 'POST', body: JSON.stringify({ transition: { id: transition.id } }) });
  expect(response.status).toBe(204);
}

function mirrored(issueId: string): { statusName: string; statusCategory?: string } | undefined {
  const item = env.sandbox.forge.kvs.get({ kind: 'kv' }, StorageKeys.issueStatus(issueId));
  return item.ok ? (item.value.value as { statusName: string; statusCategory?: string }) : undefined;
}

function triggerInvocations(): number {
  return env.sandbox.forge.invocations.list({ moduleKey: 'issue-updated' }).length;
}

it('mirrors a human status change on an issue the app tracks', async () => {
  const issue = await createIssue('alice');
  // The app tracks issues it created; mark this one as tracked the way the app's create path does.
  env.sandbox.forge.kvs.set({ kind: 'kv' }, StorageKeys.issueStatus(issue.id), { issueKey: issue.key, statusName: 'Incoming', statusCategory: 'new', updatedAt: '' });
  await transitionTo(issue.key, 'in progress', 'alice');
  const status = await waitFor(() => {
    const value = mirrored(issue.id);
    return value?.statusName === 'in progress' ? value : undefined;
  }, 'the status mirror');
  expect(status.statusCategory).toBe('indeterminate');
});

it('never invokes the trigger for the app’s own changes', async () => {
  const issue = await createIssue('app');
  env.sandbox.forge.kvs.set({ kind: 'kv' }, StorageKeys.issueStatus(issue.id), { issueKey: issue.key, statusName: 'Incoming', statusCategory: 'new', updatedAt: '' });
  await transitionTo(issue.key, 'in progress', 'app');
  // A human change afterwards proves events flow, so the absence above is not a timing accident.
  await transitionTo(issue.key, 'Pending resolution', 'alice');
  await waitFor(() => (mirrored(issue.id)?.statusName === 'Pending resolution' ? true : undefined), 'the human change');
  expect(triggerInvocations()).toBe(1);
});
