/**
 * The rule editor's pickers through the local Forge host and the Jira simulator: projects, issue types,
 * fields (name → id, with options), priorities, components and statuses, all read AS THE SIGNED-IN USER.
 */
import type { PickerProjects, ResolverResult, RuleTargetOptions } from '../../../src/forge/entry/resolvers/contract';
import { startAlertHostWithTeamField, type AlertHost } from './host-harness';

const ALICE = '5b10a2844c20165700ede21a';

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHostWithTeamField();
});
afterEach(() => t.close());

const pickerCalls = () => t.sim.callLog.entries().filter((e) => e.route.startsWith('/rest/api/3/project') || e.route.startsWith('/rest/api/3/issue/createmeta'));

it('lists the projects the user can see, narrowed by a query, as the user', async () => {
  const all = await t.resolver<ResolverResult<PickerProjects>>('listJiraProjects', {}, ALICE);
  expect(all.ok && all.value.projects.map((p) => p.key)).toEqual(['OPS', 'PM']);
  const narrowed = await t.resolver<ResolverResult<PickerProjects>>('listJiraProjects', { query: 'post' }, ALICE);
  expect(narrowed).toMatchObject({ ok: true, value: { projects: [{ key: 'PM', name: 'Post-mortems' }], total: 1 } });
  expect(pickerCalls().map((e) => [e.route, e.actorIsApp, e.actor])).toEqual([
    ['/rest/api/3/project/search', false, ALICE],
    ['/rest/api/3/project/search', false, ALICE],
  ]);
});

it('offers the issue types of a project, then the chosen type’s fields, priorities, components and workflow statuses', async () => {
  const types = await t.resolver<ResolverResult<RuleTargetOptions>>('getRuleTargetOptions', { projectKey: 'OPS' }, ALICE);
  expect(types).toMatchObject({ ok: true, value: { issueType: null, fields: [], priorities: null, components: null } });
  expect(types.ok && types.value.issueTypes.map((i) => i.name)).toEqual(['Incident', 'Task', 'Bug']);

  const chosen = await t.resolver<ResolverResult<RuleTargetOptions>>('getRuleTargetOptions', { projectKey: 'OPS', issueType: 'Incident' }, ALICE);
  if (!chosen.ok) throw new Error(chosen.error.message);
  expect(chosen.value.issueType).toMatchObject({ name: 'Incident' });
  expect(chosen.value.priorities).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
  expect(chosen.value.components).toEqual(['API', 'Payments', 'Search']);
  expect(chosen.value.fields.find((f) => f.name === 'Team')).toMatchObject({ fieldId: 'customfield_10050', required: true, allowedValues: [{ value: 'SRE' }, { value: 'Payments' }] });
  expect(chosen.value.statuses.map((s) => s.category)).toContain('done');
  expect(new Set(pickerCalls().map((e) => e.actor))).toEqual(new Set([ALICE]));
});

it('refuses a malformed project key and says when Jira does not know the project', async () => {
  const bad = await t.resolver<ResolverResult<RuleTargetOptions>>('getRuleTargetOptions', { projectKey: 'ops' }, ALICE);
  expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'projectKey' }] } });
  const missing = await t.resolver<ResolverResult<RuleTargetOptions>>('getRuleTargetOptions', { projectKey: 'NOPE' }, ALICE);
  expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
});
