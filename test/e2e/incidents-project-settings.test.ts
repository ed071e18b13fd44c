/**
 * Per-project incident settings, the category mapping and the on/off switch (issue 15, item 7; with the
 * follow-ups of item 9: their project and the switch), through the
 * sandbox: Impact simulator → relay → Forge host (real handlers, resolvers) → Jira simulator, and back.
 */
import type { IncidentSettingsView, IncidentRoutingView, RecentDeliveries } from '../../src/forge/entry/resolvers/contract';
import { IncidentKeys } from '../../src/forge/incidents/incident-store';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { postmortemWorkflow } from '../../src/sandbox/jira-sim/workflows';
import { sandboxIncidentConfig } from '../../src/sandbox/incident-config';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { readIssue, transitionAsPerson } from '../support/jira-as-person';

jest.setTimeout(90_000);

const env = impactSandboxForSuite();
const issue = (key: string) => readIssue(env.sandbox.urls.jira, key);
const status = async (key: string) => (await issue(key)).fields.status.name;

const SEC_STATUSES = {
  impactToJira: { OPEN: 'To Do', INVESTIGATING: 'In Progress', MITIGATING: 'In Progress', MITIGATED: 'In Progress', POST_MORTEM: 'Done', CLOSED: 'Done' },
  jiraToImpact: { 'To Do': 'OPEN', 'In Progress': 'INVESTIGATING', Done: 'CLOSED' },
};

/** A settings resolver as Bob (a project admin without Administer Jira), answering its ResolverResult. */
async function asBob(functionKey: string, payload: unknown): Promise<unknown> {
  const response = await env.sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.bob.accountId },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
    }),
  );
  return ((await response.json()) as { result: unknown }).result;
}

describe('incident settings per project, category mapping and the on/off switch', () => {
  test('the old single incident-config keeps working: it is the site default, read as it was stored', async () => {
    expect(env.kvsValue(IncidentKeys.routing)).toBeUndefined();
    const view = await env.settingsResolver<{ ok: true; value: IncidentSettingsView }>('getIncidentSettings', {});
    expect(view.value.scope).toEqual({ kind: 'site' });
    expect(view.value.mappings.fields).toEqual(sandboxIncidentConfig().fields);
    expect(view.value.routing).toEqual({ enabled: true, categories: [] });
    expect(view.value.projects).toEqual([]);

    // An incident with a category but no mapping for it goes where the old config says, mapped as before.
    env.impact.admin.createIncident({ id: 'INC-OLD', title: 'Old config', priority: 2, category: 'Network' });
    await env.settleAll();
    const key = env.issueKeyOf('INC-OLD');
    expect(key).toMatch(/^OPS-/);
    expect(await status(key)).toBe('Incoming');
    expect((await issue(key)).fields['customfield_11064']).toMatchObject({ value: '2' });
    env.impact.admin.updateIncident('INC-OLD', { status: 'MITIGATED' });
    await env.settleAll();
    expect(await status(key)).toBe('Reporter validation');
  });

  test('two projects with different status maps each get their incidents, by category', async () => {
    env.jira.seed.addProject({ key: 'SEC', name: 'Security', leadAccountId: SANDBOX_USERS.alice.accountId, issueTypes: [{ name: 'Incident' }, { name: 'Task' }], workflow: postmortemWorkflow() });
    const site = (await env.settingsResolver<{ ok: true; value: IncidentSettingsView }>('getIncidentSettings', {})).value.mappings;
    const sec = await env.settingsResolver<{ ok: boolean; value: IncidentSettingsView }>('saveProjectIncidentSettings', {
      projectKey: 'SEC',
      own: ['statuses', 'priority', 'postMortem'],
      mappings: {
        ...site,
        statuses: SEC_STATUSES,
        fields: { ...site.fields, priority: { kind: 'jira-priority', names: { '1': 'Highest', '2': 'High', '3': 'Medium', '4': 'Low', '5': 'Lowest' } } },
        postMortem: { ...site.postMortem, enabled: false },
      },
    });
    expect(sec.ok).toBe(true);
    expect(sec.value.inheritance).toEqual({ statuses: 'own', issueTypeName: 'inherits', priority: 'own', customFields: 'inherits', label: 'inherits', postMortem: 'own' });
    expect(sec.value.mappings.fields.projectKey).toBe('SEC');
    // OPS keeps the site's statuses but sends INVESTIGATING to "Pending resolution" from now on.
    const ops = await env.settingsResolver<{ ok: boolean }>('saveProjectIncidentSettings', {
      projectKey: 'OPS',
      own: ['statuses'],
      mappings: { ...site, statuses: { ...site.statuses, impactToJira: { ...site.statuses.impactToJira, INVESTIGATING: 'Pending resolution' } } },
    });
    expect(ops.ok).toBe(true);
    const routing = await env.settingsResolver<{ ok: boolean; value: IncidentRoutingView }>('saveIncidentCategories', {
      categories: [
        { category: 'Security', projectKey: 'SEC', issueTypeName: null, label: 'security' },
        { category: 'Database', projectKey: null, issueTypeName: 'Task', label: null },
      ],
    });
    expect(routing).toMatchObject({ ok: true, value: { enabled: true } });

    env.impact.admin.createIncident({ id: 'INC-SEC', title: 'Leaked token', priority: 2, category: 'security' });
    env.impact.admin.createIncident({ id: 'INC-DB', title: 'Replica lag', priority: 3, category: 'Database' });
    await env.settleAll();
    const secKey = env.issueKeyOf('INC-SEC');
    const dbKey = env.issueKeyOf('INC-DB');
    expect(secKey).toMatch(/^SEC-/);
    expect(dbKey).toMatch(/^OPS-/);
    const secIssue = await issue(secKey);
    expect(secIssue.fields.status.name).toBe('To Do');
    expect(secIssue.fields['priority']).toMatchObject({ name: 'High' });
    expect(secIssue.fields['labels']).toEqual(['impact-incident', 'security']);
    const dbIssue = await issue(dbKey);
    expect(dbIssue.fields['issuetype']).toMatchObject({ name: 'Task' });
    expect(dbIssue.fields['customfield_11064']).toMatchObject({ value: '3' });

    env.impact.admin.updateIncident('INC-SEC', { status: 'INVESTIGATING' });
    env.impact.admin.updateIncident('INC-DB', { status: 'INVESTIGATING' });
    await env.settleAll();
    expect(await status(secKey)).toBe('In Progress');
    expect(await status(dbKey)).toBe('Pending resolution');

    // Jira → Impact uses the map of the project the issue is in: SEC's "Done" is CLOSED.
    await transitionAsPerson(env.sandbox.urls.jira, secKey, 'Done');
    await env.until(() => env.impact.store.get('INC-SEC')?.status === 'CLOSED', 'INC-SEC CLOSED');
    expect(env.impact.store.get('INC-DB')?.status).toBe('INVESTIGATING');
  });

  test('switched off, Impact events are logged as skipped and nothing reaches Jira or Impact; on again, new events apply', async () => {
    const off = await env.settingsResolver<{ ok: boolean; value: IncidentRoutingView }>('setIncidentSyncEnabled', { enabled: false });
    expect(off).toMatchObject({ ok: true, value: { enabled: false } });
    const dbKey = env.issueKeyOf('INC-DB');
    const creates = () => env.jira.callLog.entries().filter((e) => e.method === 'POST' && e.route === '/rest/api/3/issue' && e.actorIsApp).length;
    const createsBefore = creates();
    env.impact.admin.createIncident({ id: 'INC-OFF', title: 'While off', priority: 4, category: 'Security' });
    env.impact.admin.updateIncident('INC-DB', { priority: 1 });
    await env.settleAll();
    expect(creates()).toBe(createsBefore);
    expect(env.kvsValue(IncidentKeys.record('INC-OFF'))).toBeUndefined();
    expect((await issue(dbKey)).fields['customfield_11064']).toMatchObject({ value: '3' });
    const log = await env.settingsResolver<RecentDeliveries>('listRecentDeliveries', {});
    const skipped = log.items.filter((d) => d.detail.includes('incident sync is off'));
    expect(skipped.length).toBe(2);
    expect(skipped.every((d) => d.verdict === 'skipped')).toBe(true);

    // A Jira change is not pushed to Impact while off.
    await transitionAsPerson(env.sandbox.urls.jira, dbKey, 'in progress');
    await env.settleAll();
    expect(env.impact.store.get('INC-DB')?.status).toBe('INVESTIGATING');

    expect(await env.settingsResolver<{ ok: boolean }>('setIncidentSyncEnabled', { enabled: true })).toMatchObject({ ok: true, value: { enabled: true } });
    env.impact.admin.updateIncident('INC-OFF', { title: 'While off, then on' });
    env.impact.admin.updateIncident('INC-DB', { priority: 2 });
    await env.settleAll();
    const offKey = env.issueKeyOf('INC-OFF');
    expect(offKey).toMatch(/^SEC-/);
    expect((await issue(offKey)).fields.summary).toBe('While off, then on');
    await env.until(async () => ((await issue(dbKey)).fields['customfield_11064'] as { value?: string } | undefined)?.value === '2', `${dbKey} P2`);
  });

  test("follow-ups go to their incident's project; switched off, closing one in Jira writes nothing to Impact; on again, a later change flows", async () => {
    const jane = { kind: 'person' as const, user: { email: 'jane.doe@example.com', name: 'Jane Doe' } };
    const created = env.impact.followUps.create('INC-SEC', { title: 'Revoke the leaked token', description: '', status: 'OPEN', assignee: null }, jane);
    const fuId = created.followUp.id;
    await env.until(() => env.impact.followUps.get('INC-SEC', fuId).external_issue !== null, 'the follow-up tracked in Jira');
    // INC-SEC was routed to SEC: with no `followUps.projectKey`, its follow-up lands there too (not in the site's OPS).
    const fuKey = env.impact.followUps.get('INC-SEC', fuId).external_issue!.key;
    expect(fuKey).toMatch(/^SEC-/);

    expect(await env.settingsResolver<{ ok: boolean }>('setIncidentSyncEnabled', { enabled: false })).toMatchObject({ ok: true, value: { enabled: false } });
    // The consumer's info line is what says the job was skipped (the test setup keeps info logs quiet: let them through here).
    const level = process.env['BRIDGE_LOG_LEVEL'];
    process.env['BRIDGE_LOG_LEVEL'] = 'info';
    const lines: unknown[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(typeof line === 'string' ? JSON.parse(line) : line));
    const impactAt = env.impact.callLog.entries().length;
    try {
      await transitionAsPerson(env.sandbox.urls.jira, fuKey, 'Done');
      const syncOff = { level: 'info', message: 'follow-up status not synced: incident sync is off', incidentId: 'INC-SEC', followUpId: fuId };
      await env.until(() => lines.some((l) => expect.objectContaining(syncOff).asymmetricMatch(l)), 'the consumer reporting sync-off');
    } finally {
      log.mockRestore();
      if (level === undefined) delete process.env['BRIDGE_LOG_LEVEL'];
      else process.env['BRIDGE_LOG_LEVEL'] = level;
    }
    // Not a read, not a write: the job stops at the switch.
    expect(env.impact.callLog.entries().slice(impactAt).filter((e) => e.surface === 'api')).toEqual([]);
    expect(env.impact.followUps.get('INC-SEC', fuId).status).toBe('OPEN');

    expect(await env.settingsResolver<{ ok: boolean }>('setIncidentSyncEnabled', { enabled: true })).toMatchObject({ ok: true, value: { enabled: true } });
    await transitionAsPerson(env.sandbox.urls.jira, fuKey, 'To Do');
    await transitionAsPerson(env.sandbox.urls.jira, fuKey, 'In Progress');
    await env.until(() => env.impact.followUps.get('INC-SEC', fuId).status === 'IN_PROGRESS', 'the follow-up in progress');
  });

  test('site-wide settings need Administer Jira; a project admin changes only their project', async () => {
    expect(await asBob('setIncidentSyncEnabled', { enabled: false })).toEqual({ ok: false, error: { code: 'forbidden', message: 'you need the Administer Jira permission to switch the incident sync on or off' } });
    expect(await asBob('saveIncidentCategories', { categories: [] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const secView = (await asBob('getIncidentSettings', { projectKey: 'SEC' })) as { value: IncidentSettingsView };
    expect(secView.value.access).toEqual({ site: false, project: false });
    expect(await asBob('saveProjectIncidentSettings', { projectKey: 'SEC', own: [], mappings: secView.value.mappings })).toEqual({
      ok: false,
      // SEC's settings name PM as its post-mortem project (inherited target): both are checked, in key order.
      error: { code: 'forbidden', message: 'you need the Administer Projects permission in PM' },
    });
    const opsView = (await asBob('getIncidentSettings', { projectKey: 'OPS' })) as { value: IncidentSettingsView };
    expect(opsView.value.access).toEqual({ site: false, project: true });
    const cleared = (await asBob('saveProjectIncidentSettings', { projectKey: 'OPS', own: [], mappings: opsView.value.mappings })) as { ok: boolean; value: IncidentSettingsView };
    expect(cleared.ok).toBe(true);
    expect(cleared.value.projects).toEqual(['SEC']);
    expect(cleared.value.inheritance).toEqual({ statuses: 'inherits', issueTypeName: 'inherits', priority: 'inherits', customFields: 'inherits', label: 'inherits', postMortem: 'inherits' });
    // Cleared in place (its compare-and-set revision goes on), so a new override right after it saves at once.
    const again = (await asBob('saveProjectIncidentSettings', { projectKey: 'OPS', own: ['label'], mappings: { ...opsView.value.mappings, fields: { ...opsView.value.mappings.fields, label: 'ops-incident' } } })) as { ok: boolean; value: IncidentSettingsView };
    expect(again.value.inheritance.label).toBe('own');
    expect(again.value.projects).toEqual(['OPS', 'SEC']);
    expect(env.kvsValue<{ enabled: boolean }>(IncidentKeys.routing)?.enabled).toBe(true);

    // Picker options come from Jira as the user; a bad project key is refused before Jira is asked.
    const options = await asBob('listMappingPickerOptions', { projectKey: 'SEC' });
    expect(options).toMatchObject({ ok: true, value: { statuses: [{ name: 'To Do', category: 'new' }, { name: 'In Progress' }, { name: 'Done', category: 'done' }], problems: [] } });
    expect((options as { value: { projects: { key: string }[] } }).value.projects.map((p) => p.key)).toEqual(expect.arrayContaining(['OPS', 'PM', 'SEC']));
    expect(await asBob('listMappingPickerOptions', { projectKey: 'sec' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // The priorities the incident issue type's create screen accepts, read as Bob from the create metadata.
    env.jira.seed.addPriority('Sev-0');
    const { cursor } = (await (await fetch(`${env.sandbox.urls.jira}/_sim/calls/cursor`)).json()) as { cursor: number };
    const withType = (await asBob('listMappingPickerOptions', { projectKey: 'SEC', issueType: 'Task' })) as { value: { priorities: string[]; problems: string[] } };
    expect(withType.value).toMatchObject({ priorities: ['Highest', 'High', 'Medium', 'Low', 'Lowest', 'Sev-0'], problems: [] });
    const calls = (await (await fetch(`${env.sandbox.urls.jira}/_sim/calls?after=${cursor}`)).json()) as { calls: { path: string; actorIsApp: boolean }[] };
    expect(calls.calls.filter((c) => c.path.includes('/issue/createmeta/')).map((c) => c.actorIsApp)).toEqual([false, false]);
    // An issue type the project lacks: no priorities, and why.
    expect(await asBob('listMappingPickerOptions', { projectKey: 'SEC', issueType: 'Outage' })).toMatchObject({ ok: true, value: { priorities: [], problems: ['priorities: SEC has no issue type Outage'] } });
  });
});
