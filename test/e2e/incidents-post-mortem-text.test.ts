/**
 * Issue 15 item 4: human text is sacred. The post-mortem's description (the sandbox puts every section
 * there) belongs to people except the sections the app marks as its own (the timeline and the mitigation
 * events); those follow every key event and status change after the post-mortem exists.
 */
import { adfToText } from '../../src/sandbox/jira-sim/adf';
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { jiraRequest } from '../support/jira-as-person';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();

describe('a post-mortem description a person edited', () => {
  test('keeps the person’s text after three key events and a status change, while the owned timeline follows them', async () => {
    env.impact.admin.createIncident({ id: 'INC-900', title: 'Payments down', priority: 1, commander: { email: 'bob@example.com', name: 'Bob Commander' } });
    await env.settleAll();
    env.impact.admin.updateIncident('INC-900', { status: 'POST_MORTEM' });
    await env.settleAll();
    const pmKey = env.kvsValue<IncidentRecord>(IncidentKeys.record('INC-900'))!.link!.postMortem!.issueKey;
    const description = async (): Promise<unknown> => {
      const response = await jiraRequest(env.sandbox.urls.jira, 'dave@example.com', 'GET', `/rest/api/3/issue/${pmKey}?fields=description`);
      return ((await response.json()) as { fields: { description: unknown } }).fields.description;
    };

    // Dave writes the root cause into the description, under the template's text, and rewords a line.
    const before = (await description()) as { type: 'doc'; version: 1; content: { type: string; content?: unknown[] }[] };
    const rootCause = { type: 'paragraph', content: [{ type: 'text', text: 'Root cause (Dave): the v42 rollout flipped the payments flag.' }] };
    const edited = { ...before, content: [...before.content.slice(0, 2), rootCause, ...before.content.slice(2)] };
    expect((await jiraRequest(env.sandbox.urls.jira, 'dave@example.com', 'PUT', `/rest/api/3/issue/${pmKey}`, { fields: { description: edited } })).status).toBe(204);

    const events = [
      { kind: 'detected', message: 'Checkout error rate alert' },
      { kind: 'fix_deployed', message: 'rolled back v42' },
      { kind: 'recovered', message: 'error rate back to baseline' },
    ];
    for (const event of events) {
      env.impact.admin.addKeyEvent('INC-900', event);
      await env.settleAll();
      const text = adfToText(await description());
      expect(text).toContain('Root cause (Dave): the v42 rollout flipped the payments flag.');
      expect(text.split('Root cause (Dave)').length).toBe(2);
    }
    env.impact.admin.updateIncident('INC-900', { status: 'CLOSED' });
    await env.settleAll();

    const after = (await description()) as typeof before;
    const text = adfToText(after);
    expect(text).toContain('Root cause (Dave): the v42 rollout flipped the payments flag.');
    // Everything outside the owned sections is exactly what Dave left.
    const outside = (d: typeof before) => d.content.filter((b) => b.type !== 'expand');
    expect(outside(after)).toEqual(outside(edited));
    // The owned timeline has the three key events and the status change made after the post-mortem existed.
    const timeline = adfToText({ type: 'doc', version: 1, content: after.content.filter((b) => b.type === 'expand') });
    for (const label of ['Detected - Checkout error rate alert', 'Fix deployed - rolled back v42', 'Recovered - error rate back to baseline', 'Status changed to: Closed']) {
      expect(timeline).toContain(label);
    }
  });
});
