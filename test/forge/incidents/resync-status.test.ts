/**
 * What the incident panel polls after "Resync now": the request's own status, through the real sandbox.
 */
import type { IncidentResyncStatus, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { SANDBOX_USERS } from '../../../src/sandbox/jira-sim';
import { opsIssuesNewestFirst } from '../../support/jira-as-person';
import { impactSandboxForSuite } from '../../support/impact-sandbox';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

const panel = <T>(functionKey: string, issueKey: string, payload: Record<string, unknown> = {}, user: keyof typeof SANDBOX_USERS = 'dave'): Promise<ResolverResult<T>> =>
  env.panelResolver<T>(functionKey, issueKey, payload, user);

test('pending until the job ran, then synced; null for another request; a bad id or an unlinked issue is refused', async () => {
  env.impact.admin.createIncident({ id: 'INC-910', title: 'Queue backlog', priority: 3 });
  await env.settleAll();
  const issue = (await opsIssuesNewestFirst(env.sandbox.urls.jira)).find((i) => i.fields.summary === 'Queue backlog');
  if (!issue) throw new Error('the incident issue was not created');

  // Impact answers the job's read slowly, so the request is seen while it is still pending.
  env.impact.faults.inject('GET /api/v1/incidents/*', { kind: 'latency', ms: 1_500 });
  const queued = await panel<{ requestId: string }>('resyncIssueIncident', issue.key);
  if (!queued.ok) throw new Error(queued.error.message);
  const { requestId } = queued.value;
  const status = (id: string) => panel<IncidentResyncStatus | null>('getIssueIncidentResync', issue.key, { requestId: id });

  expect(await status(requestId)).toMatchObject({ ok: true, value: { requestId, outcome: 'pending', finishedAt: null } });
  await env.settleAll();
  expect(await status(requestId)).toMatchObject({ ok: true, value: { requestId, outcome: 'synced', finishedAt: expect.any(String) } });
  expect(await status('someoneelses0')).toEqual({ ok: true, value: null });
  expect(await status('no')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

  const unlinked = await panel<{ incidentId: string }>('unlinkIssueIncident', issue.key, {}, 'alice');
  expect(unlinked).toMatchObject({ ok: true, value: { incidentId: 'INC-910' } });
  expect(await status(requestId)).toMatchObject({ ok: false, error: { code: 'not-found' } });
});
