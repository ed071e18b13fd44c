/**
 * Issue 15 item 6: the Jira simulator runs the app's `jira:workflowValidator` ("Post-mortem done before closing")
 * through the local Forge host on the OPS workflow's closing transitions, as Jira Cloud does, and the Impact →
 * Jira CLOSED path holds the issue open until the post-mortem is done (incidents/closure-gate.ts).
 */
import { FORGE_ACTOR_HEADER } from '../../src/sandbox/jira-sim';
import { StorageKeys } from '../../src/forge/constants';
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest, readIssue, transitionAsPerson } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();
const status = async (key: string): Promise<string> => (await readIssue(env.sandbox.urls.jira, key)).fields.status.name;
const closeTransitionId = async (key: string): Promise<string> => {
  const offered = (await (await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'GET', `/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: { id: string; to: { name: string } }[] };
  const close = offered.transitions.find((t) => t.to.name === 'Closed');
  if (!close) throw new Error(`${key} offers no transition to Closed`);
  return close.id;
};
const validatorRuns = () => env.sandbox.forge.invocations.list({ moduleKey: 'incident-closure' }).length;
const appTransitions = () => env.jira.callLog.entries().filter((e) => e.method === 'POST' && e.route === '/rest/api/3/issue/{issueIdOrKey}/transitions' && e.actorIsApp).length;

async function incidentWithPostMortem(id: string): Promise<{ key: string; postMortemKey: string }> {
  env.impact.admin.createIncident({ id, title: `Closure ${id}`, priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
  await env.settleAll();
  env.impact.admin.updateIncident(id, { status: 'POST_MORTEM' });
  await env.settleAll();
  const record = env.kvsValue<IncidentRecord>(IncidentKeys.record(id));
  if (!record?.link?.postMortem) throw new Error(`${id} has no post-mortem`);
  return { key: record.link.issueKey, postMortemKey: record.link.postMortem.issueKey };
}

describe('the closure validator runs on real simulator transitions', () => {
  let key = '';
  let postMortemKey = '';
  let message = '';

  beforeAll(async () => {
    ({ key, postMortemKey } = await incidentWithPostMortem('INC-300'));
    message = `Close the post-mortem ${postMortemKey} before closing this incident.`;
  });

  test('a person closing the incident issue over REST gets 400 with the validator message; nothing changes', async () => {
    const before = await status(key);
    const runs = validatorRuns();
    const response = await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: await closeTransitionId(key) } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorMessages: [message], errors: {} });
    expect(await status(key)).toBe(before);
    // One Forge invocation of the validator function, through the host.
    expect(validatorRuns()).toBe(runs + 1);
  });

  test('the app closing it (asApp through the simulator) is refused the same way', async () => {
    const response = await env.jira.app.fetch(
      new Request(`${env.sandbox.urls.jira}/rest/api/3/issue/${key}/transitions`, {
        method: 'POST',
        headers: { [FORGE_ACTOR_HEADER]: 'app', 'content-type': 'application/json' },
        body: JSON.stringify({ transition: { id: await closeTransitionId(key) } }),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorMessages: [message], errors: {} });
    expect(await status(key)).not.toBe('Closed');
  });

  test('once the post-mortem is done, the same close succeeds', async () => {
    await transitionAsPerson(env.sandbox.urls.jira, postMortemKey, 'Done');
    await transitionAsPerson(env.sandbox.urls.jira, key, 'Closed');
    expect(await status(key)).toBe('Closed');
    await env.until(() => env.impact.store.get('INC-300')?.status === 'CLOSED', 'Impact CLOSED');
  });

  test('transitions that do not close run no validator', async () => {
    const runs = validatorRuns();
    await transitionAsPerson(env.sandbox.urls.jira, key, 'Incoming');
    expect(await status(key)).toBe('Incoming');
    expect(validatorRuns()).toBe(runs);
    await env.settleAll();
  });
});

describe('which issues the validator reads', () => {
  const appReadsByKey = (key: string) => env.jira.callLog.entries().filter((e) => e.method === 'GET' && e.route === '/rest/api/3/issue/{issueIdOrKey}' && e.actorIsApp && e.path.endsWith(`/issue/${key}`)).length;

  test('the incident issue is found by the key → id pair the app wrote at create: no read of the issue itself', async () => {
    const { key } = await incidentWithPostMortem('INC-302');
    expect(env.kvsValue<string>(StorageKeys.issueIdByKey(key))).toBe((await readIssue(env.sandbox.urls.jira, key)).id);
    const reads = appReadsByKey(key);
    const response = await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: await closeTransitionId(key) } });
    expect(response.status).toBe(400);
    expect(appReadsByKey(key)).toBe(reads);
  });

  test('an issue the app did not create is read by key once and closes (it is no incident issue)', async () => {
    const created = await jiraRequest(env.sandbox.urls.jira, 'alice@example.com', 'POST', '/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'a person\'s task' } });
    const { key } = (await created.json()) as { key: string };
    const runs = validatorRuns();
    await transitionAsPerson(env.sandbox.urls.jira, key, 'Closed');
    expect(await status(key)).toBe('Closed');
    expect(validatorRuns()).toBe(runs + 1);
    expect(appReadsByKey(key)).toBe(1);
    await env.settleAll();
  });
});

describe('Impact CLOSED with an open post-mortem', () => {
  test('holds the issue open without asking Jira, says why in the delivery log, and closes once the post-mortem is done', async () => {
    const { key, postMortemKey } = await incidentWithPostMortem('INC-301');
    const before = await status(key);
    const transitions = appTransitions();
    const runs = validatorRuns();
    env.impact.admin.updateIncident('INC-301', { status: 'CLOSED' });
    await env.settleAll();
    expect(await status(key)).toBe(before);
    // The app did not attempt the close the validator would refuse.
    expect(appTransitions()).toBe(transitions);
    expect(validatorRuns()).toBe(runs);
    const log = await env.settingsResolver<unknown>('listRecentDeliveries', {});
    expect(JSON.stringify(log)).toContain(`${key} not closed yet: Close the post-mortem ${postMortemKey} before closing this incident.`);

    await transitionAsPerson(env.sandbox.urls.jira, postMortemKey, 'Done');
    await env.until(async () => (await status(key)) === 'Closed', `${key} Closed`);
    // The app's close went through the validator, which now allows it.
    expect(validatorRuns()).toBeGreaterThan(runs);
    expect(env.impact.store.get('INC-301')?.status).toBe('CLOSED');
  });
});
