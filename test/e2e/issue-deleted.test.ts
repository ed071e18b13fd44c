/**
 * Jira → app: an issue deleted in the Jira simulator reaches the app's `issue-deleted` trigger through the
 * local Forge host (manifest `avi:jira:deleted:issue`), which removes the issue's tracked-project record at once.
 */
import { ProjectKeys } from '../../src/forge/projects/project-store';
import { newTrackedProject } from '../../src/forge/domain/projects';
import { sandboxPerTest } from '../support/sandbox-harness';

jest.setTimeout(30_000);
const sandboxes = sandboxPerTest();
const alice = `Basic ${Buffer.from('alice@example.com:token').toString('base64')}`;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('removes a deleted issue’s record from the tracked project through the trigger', async () => {
  const { sandbox } = await sandboxes.start({ jiraRateLimits: false });
  const jira = sandbox.urls.jira;
  const created = await fetch(`${jira}/rest/api/3/issue`, { method: 'POST', headers: { authorization: alice, 'content-type': 'application/json' }, body: JSON.stringify({ fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'to delete' } }) });
  const { id, key } = (await created.json()) as { id: string; key: string };
  const projectId = sandbox.jira!.state.findProject('OPS')!.id;
  const kvs = sandbox.forge.kvs;
  kvs.set({ kind: 'kv' }, ProjectKeys.project(projectId), { ...newTrackedProject({ projectId, key: 'OPS', name: 'Operations' }), status: 'complete', issueCount: 1 });
  kvs.set({ kind: 'kv' }, ProjectKeys.issue(projectId, id), { id, key });
  const stored = () => kvs.get({ kind: 'kv' }, ProjectKeys.issue(projectId, id)).ok;
  expect(stored()).toBe(true);

  expect((await fetch(`${jira}/rest/api/3/issue/${key}`, { method: 'DELETE', headers: { authorization: alice } })).status).toBe(204);
  await until(() => !stored(), 'the record to go');
  expect(sandbox.forge.invocations.list({ moduleKey: 'issue-deleted' })).toHaveLength(1);
  const project = kvs.get({ kind: 'kv' }, ProjectKeys.project(projectId));
  expect(project.ok && (project.value.value as { issueCount: number }).issueCount).toBe(0);
});
