/**
 * The workflow engine against the Jira simulator, through the real adapters in the local Forge host: what it
 * learns, what it calls, what it caches, and that alerts and incidents share what was learned.
 */
import { createForgeKvsStore } from '../../../src/forge/adapters/forge-kvs-store';
import { createJiraIncidentPort } from '../../../src/forge/adapters/jira-incidents-rest';
import { createJiraRestPort } from '../../../src/forge/adapters/jira-rest';
import { systemClock } from '../../../src/forge/adapters/system-clock';
import { transitionChoice } from '../../../src/forge/alerts/transitions';
import { StorageKeys } from '../../../src/forge/constants';
import { nextMove } from '../../../src/forge/domain/workflow';
import { locateIssue, moveIssue, moveIssueToStatus, placeOf, takeTransition } from '../../../src/forge/workflow';
import { INCIDENT_STATUS } from '../../../src/sandbox/jira-sim/workflows';
import { startAlertHost, type AlertHost } from '../alerts/host-harness';

jest.setTimeout(30_000);

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost({ rateLimits: false });
});
afterEach(() => t.close());

const deps = () => ({ store: createForgeKvsStore(), jira: createJiraIncidentPort(systemClock) });
/** The app's calls since `since`, as `METHOD route`. */
const calls = (since: number): string[] =>
  t.sim.callLog
    .entries()
    .slice(since)
    .filter((c) => c.actorIsApp)
    .map((c) => `${c.method} ${c.route}`);
const ISSUE = 'GET /rest/api/3/issue/{issueIdOrKey}';
const STATUSES = 'GET /rest/api/3/project/{projectIdOrKey}/statuses';
const OFFERED = 'GET /rest/api/3/issue/{issueIdOrKey}/transitions';
const MOVE = 'POST /rest/api/3/issue/{issueIdOrKey}/transitions';

async function newIncidentIssue(): Promise<{ id: string; key: string }> {
  const created = await deps().jira.createIssue({ project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'Checkout 502s' }, []);
  if (!created.ok) throw new Error(JSON.stringify(created.failure));
  return created.value;
}
async function statusName(issueId: string): Promise<string> {
  const status = await deps().jira.getIssueStatus(issueId);
  if (!status.ok) throw new Error(JSON.stringify(status.failure));
  return status.value.status.name;
}
const cached = async (statusId: string) => createForgeKvsStore().get(StorageKeys.transitions('OPS', statusId));

describe('the workflow engine on the Jira simulator', () => {
  it('walks a workflow it has never seen: learns each status once, one POST per step, caches what it read', async () => {
    const issue = await newIncidentIssue();
    const mark = t.sim.callLog.entries().length;
    const moved = await moveIssueToStatus(deps(), 'OPS', issue.id, 'Reporter validation');
    expect(moved).toMatchObject({ ok: true, transitions: 2 });
    // Reporter validation is not reachable on Incoming's transitions alone: one step toward its category
    // (in progress, never Closed), then the known path.
    expect(moved.steps.map((s) => s.toStatusName)).toEqual(['in progress', 'Reporter validation']);
    expect(calls(mark)).toEqual([ISSUE, STATUSES, OFFERED, MOVE, OFFERED, MOVE]);
    expect(await statusName(issue.id)).toBe('Reporter validation');
    expect(await cached(INCIDENT_STATUS.incoming.id)).toHaveLength(3);
    expect(await cached(INCIDENT_STATUS.inProgress.id)).toHaveLength(3);
    expect(await createForgeKvsStore().get(StorageKeys.workflowStatuses('OPS'))).toHaveLength(5);
  });

  it('on what it learned, plans before any POST and runs the plan as planned: no reads but the issue’s status', async () => {
    await moveIssueToStatus(deps(), 'OPS', (await newIncidentIssue()).id, 'Reporter validation');
    const issue = await newIncidentIssue();
    const mark = t.sim.callLog.entries().length;
    const at = await locateIssue(deps(), 'OPS', issue.id, 'Reporter validation');
    if (!at.ok) throw new Error(JSON.stringify(at.failure));
    const plan = nextMove(at.value.learned, at.value.status, 'Reporter validation', new Set([at.value.status.id]));
    if (plan.kind !== 'path') throw new Error(`expected a path, got ${plan.kind}`);
    expect(plan.steps.map((s) => s.transitionId)).toEqual(['21', '81']);
    const moved = await moveIssue(deps(), at.value, 'Reporter validation', plan.steps);
    expect(moved).toMatchObject({ ok: true, transitions: 2, steps: plan.steps });
    expect(calls(mark)).toEqual([ISSUE, MOVE, MOVE]);
    expect(await statusName(issue.id)).toBe('Reporter validation');
  });

  it('a cached transition Jira no longer offers: reports Jira’s refusal, forgets that status, reads it again next time', async () => {
    const issue = await newIncidentIssue();
    const store = createForgeKvsStore();
    await store.set(StorageKeys.workflowStatuses('OPS'), Object.values(INCIDENT_STATUS).map(({ id, name, category }) => ({ id, name, category })));
    await store.set(StorageKeys.transitions('OPS', INCIDENT_STATUS.incoming.id), [{ id: '999', name: 'Start progress', to: { id: INCIDENT_STATUS.inProgress.id, name: 'in progress', category: 'indeterminate' } }]);
    const refused = await moveIssueToStatus(deps(), 'OPS', issue.id, 'in progress');
    expect(refused).toMatchObject({ ok: false, failure: { kind: 'rejected' }, transitions: 0 });
    expect(await cached(INCIDENT_STATUS.incoming.id)).toBeUndefined();
    const mark = t.sim.callLog.entries().length;
    const again = await moveIssueToStatus(deps(), 'OPS', issue.id, 'in progress');
    expect(again).toMatchObject({ ok: true, transitions: 1 });
    expect(calls(mark)).toEqual([ISSUE, OFFERED, MOVE]);
  });

  it('is the alerts’ engine too: a transition an alert rule chooses is found in what an incident move learned', async () => {
    await moveIssueToStatus(deps(), 'OPS', (await newIncidentIssue()).id, 'in progress');
    const issue = await newIncidentIssue();
    const mark = t.sim.callLog.entries().length;
    const place = placeOf(issue.key, INCIDENT_STATUS.incoming.id, undefined);
    const taken = await takeTransition({ store: createForgeKvsStore(), jira: createJiraRestPort(systemClock) }, issue.key, place, transitionChoice({ by: 'statusCategory', category: 'done' }));
    expect(taken).toMatchObject({ ok: true, value: { to: { name: 'Closed', category: 'done' } } });
    expect(calls(mark)).toEqual([MOVE]);
    expect(await statusName(issue.id)).toBe('Closed');
  });
});
