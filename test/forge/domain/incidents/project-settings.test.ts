import { DEFAULT_INCIDENT_SYNC_CONFIG, effectiveConfig, inheritanceOf, projectOfIssueKey, routeIncident, createOnlyFields, type CategoryRule } from '../../../../src/forge/domain/incidents';

const site = { ...DEFAULT_INCIDENT_SYNC_CONFIG, fields: { ...DEFAULT_INCIDENT_SYNC_CONFIG.fields, projectKey: 'OPS' } };
const rules: CategoryRule[] = [
  { category: 'Security', projectKey: 'SEC', issueTypeName: null, label: 'security' },
  { category: 'Database  Outage', projectKey: null, issueTypeName: 'Task', label: null },
];

describe('routeIncident', () => {
  test.each([
    ['Security', 'SEC', null, 'security'],
    ['  security ', 'SEC', null, 'security'],
    ['database outage', 'OPS', 'Task', null],
    ['Network', 'OPS', null, null],
    [null, 'OPS', null, null],
    [undefined, 'OPS', null, null],
  ])('%p → %s', (category, projectKey, issueTypeName, label) => {
    expect(routeIncident(category, { categories: rules }, site)).toMatchObject({ projectKey, issueTypeName, label });
  });
});

describe('effectiveConfig', () => {
  test('no settings of its own: the site default in that project', () => {
    const config = effectiveConfig(site, 'SEC', undefined);
    expect(config).toEqual({ ...site, fields: { ...site.fields, projectKey: 'SEC' } });
    expect(inheritanceOf(undefined)).toEqual({ statuses: 'inherits', issueTypeName: 'inherits', priority: 'inherits', customFields: 'inherits', label: 'inherits', postMortem: 'inherits' });
  });

  test('each own field replaces the site value, the others inherit; a label of null is its own value', () => {
    const statuses = { ...site.statuses, impactToJira: { ...site.statuses.impactToJira, OPEN: 'To Do' } };
    const config = effectiveConfig(site, 'SEC', { statuses, label: null, postMortem: { enabled: false, projectKey: 'SECPM', issueTypeName: 'Review', requirePostMortemToClose: true, sectionTargets: { incident_summary: null } } });
    expect(config.statuses).toBe(statuses);
    expect(config.fields).toMatchObject({ projectKey: 'SEC', label: null, priority: site.fields.priority, issueTypeName: site.fields.issueTypeName });
    expect(config.postMortem).toMatchObject({ enabled: false, projectKey: 'SECPM', issueTypeName: 'Review', requirePostMortemToClose: true, summary: site.postMortem.summary });
    expect(config.postMortem.sections.find((s) => s.key === 'incident_summary')?.target).toEqual({ kind: 'description' });
    expect(inheritanceOf({ statuses, label: null })).toMatchObject({ statuses: 'own', label: 'own', priority: 'inherits' });
  });

  test("a category rule's issue type wins and its label is added at create", () => {
    const config = effectiveConfig(site, 'SEC', { issueTypeName: 'Bug' }, { issueTypeName: 'Incident', label: 'security' });
    expect(createOnlyFields(config.fields)).toEqual({ project: { key: 'SEC' }, issuetype: { name: 'Incident' }, labels: ['impact-incident', 'security'] });
    expect(createOnlyFields(effectiveConfig(site, 'SEC', { label: null }, { issueTypeName: null, label: 'security' }).fields)).toMatchObject({ issuetype: { name: site.fields.issueTypeName }, labels: ['security'] });
  });
});

test.each([
  ['OPS-12', 'OPS'],
  ['MY_PROJ-1', 'MY_PROJ'],
])('projectOfIssueKey(%s) = %s', (key, project) => expect(projectOfIssueKey(key)).toBe(project));
