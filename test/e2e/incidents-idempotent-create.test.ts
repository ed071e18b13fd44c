/**
 * Issue 15 item 3: creating the incident issue and the post-mortem is idempotent. Jira carries out the
 * create but the answer is lost (the simulator's `drop-response` fault: a timeout after Jira committed);
 * the queue retries the event, and the retry finds the issue by its indexed entity property instead of
 * creating a second one.
 */
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import { impactSandboxForSuite } from '../support/impact-sandbox';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

const issuesWithProperty = (propertyKey: string, incidentId: string) =>
  [...env.jira.state.issues.values()].filter((i) => (i.properties.get(propertyKey) as { incidentId?: string } | undefined)?.incidentId === incidentId);
const creates = () => env.jira.callLog.entries().filter((e) => e.method === 'POST' && e.route === '/rest/api/3/issue' && e.actorIsApp);

describe('a create whose answer is lost makes no second issue', () => {
  test('the incident issue: Jira created it, the answer was dropped, the retry finds it by the impact-incident property', async () => {
    const before = creates().length;
    env.jira.faults.inject('POST /rest/api/3/issue', { kind: 'drop-response', times: 1 });
    env.impact.admin.createIncident({ id: 'INC-800', title: 'Lost answer', priority: 2 });
    await env.until(() => env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-800'))?.link != null, 'INC-800 linked after the retry');

    expect(creates().slice(before).map((e) => e.status)).toEqual([0]); // one create; its answer never arrived
    const issues = issuesWithProperty('impact-incident', 'INC-800');
    expect(issues.map((i) => i.key)).toEqual([env.issueKeyOf('INC-800')]);
    // The retry looked the issue up instead of creating.
    expect(env.jira.callLog.entries().some((e) => e.route === '/rest/api/3/search/jql' && e.actorIsApp && e.status === 200)).toBe(true);
    // And the sync goes on with it.
    env.impact.admin.updateIncident('INC-800', { title: 'Lost answer, found issue' });
    await env.settleAll();
    expect(issues[0]!.summary).toBe('Lost answer, found issue');
  });

  test('the post-mortem: created once although the answer of its create was dropped; Impact gets one note', async () => {
    env.impact.admin.createIncident({ id: 'INC-801', title: 'Lost post-mortem answer', priority: 2 });
    await env.settleAll();
    const before = creates().length;
    env.jira.faults.inject('POST /rest/api/3/issue', { kind: 'drop-response', times: 1 });
    env.impact.admin.updateIncident('INC-801', { status: 'POST_MORTEM' });
    await env.until(() => env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-801'))?.link?.postMortem != null, 'INC-801 post-mortem linked after the retry');

    expect(creates().slice(before).map((e) => e.status)).toEqual([0]);
    const postMortems = issuesWithProperty('impact-post-mortem', 'INC-801');
    expect(postMortems).toHaveLength(1);
    expect(env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-801'))?.link?.postMortem?.issueKey).toBe(postMortems[0]!.key);
    expect(env.impact.notes.list('INC-801').filter((n) => n.message.startsWith('Post-mortem created in Jira'))).toHaveLength(1);
  });

  test('without a lost answer there is no lookup: the first create takes the marker and creates', async () => {
    const searches = () => env.jira.callLog.entries().filter((e) => e.route === '/rest/api/3/search/jql' && e.actorIsApp).length;
    const before = searches();
    env.impact.admin.createIncident({ id: 'INC-802', title: 'Plain create', priority: 3 });
    await env.settleAll();
    expect(issuesWithProperty('impact-incident', 'INC-802')).toHaveLength(1);
    expect(searches()).toBe(before);
  });
});
