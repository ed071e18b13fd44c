/** The rule editor's own checks (static/settings/src/rule-draft.ts), run before anything is saved. */
import { storedRuleSchema, type RuleInput } from '../../src/forge/domain/alerts/rules';
import { draftOf, fieldOfPath, goTemplateError, newDraft, ruleFromDraft, sampleLabelsFor, validateDraft, type DraftField, type RuleDraft } from '../../static/settings/src/rule-draft';

describe('goTemplateError', () => {
  test.each([
    ['{{ .Labels.severity }}', '{{ .Labels.severity }} is Go template syntax (Alertmanager\'s) and would render empty: write {{ labels.severity }} (no leading dot, lower case)'],
    ['[{{.CommonLabels.cluster}}] down', '{{.CommonLabels.cluster}} is Go template syntax (Alertmanager\'s) and would render empty: write {{ groupLabels.cluster }} (no leading dot, lower case)'],
    ['{{ .Status }}', '{{ .Status }} is Go template syntax (Alertmanager\'s) and would render empty: write {{ status }} (no leading dot, lower case)'],
    ['{{ .Whatever.x }}', '{{ .Whatever.x }} is Go template syntax (Alertmanager\'s) and would render empty: write {{ labels.name }} (no leading dot, lower case)'],
    ['{{ range .Alerts }}x{{ end }}', '{{ range .Alerts }} is Go template syntax (Alertmanager\'s), which these templates do not run: use placeholders such as {{ labels.severity }} and filters such as | default("none")'],
  ])('%s is refused with the placeholder to write', (template, message) => {
    expect(goTemplateError(template)).toBe(message);
  });

  test.each(['[{{ labels.severity | default("default") | capitalize }}] {{ annotations.summary }}', 'no placeholders', '{{ status }} on {{ groupLabels.cluster }}', ''])('%p is ours: no error', (template) => {
    expect(goTemplateError(template)).toBeNull();
  });

  test('the editor reports it on the template field and the draft cannot be saved', () => {
    const draft = { ...newDraft('OPS'), id: 'go', name: 'Go', matchers: 'service="checkout"', summaryTemplate: '[{{ .Labels.severity }}] {{ .Annotations.summary }}' };
    const errors = validateDraft(draft, undefined);
    expect(errors.summaryTemplate).toEqual([expect.stringContaining('write {{ labels.severity }}')]);
    expect(errors.descriptionTemplate).toBeUndefined();
  });
});

describe('every rule field round-trips through the editor draft', () => {
  const full: RuleInput = {
    id: 'checkout',
    name: 'Checkout errors',
    active: false,
    order: 30,
    target: { projectKey: 'OPS', issueType: 'Incident' },
    matchers: ['service="checkout"', 'severity=~"critical|warning"'],
    summaryTemplate: '[{{ labels.severity }}] {{ annotations.summary }}',
    descriptionTemplate: 'see {{ annotations.runbook_url }}',
    priority: { label: 'severity', mapping: { critical: 'Highest', warning: 'High' }, default: 'Medium' },
    labels: ['alertmanager', 'team-{{ labels.team }}'],
    copyLabels: ['service', 'cluster'],
    components: ['API', '{{ labels.service }}'],
    customFields: { customfield_10050: { value: 'SRE' }, customfield_10060: [{ value: 'a' }, { value: 'b' }], customfield_10070: 3, customfield_10080: '{{ labels.team }}', customfield_10090: { accountId: 'x' } },
    grouping: 'fingerprint',
    reFire: { policy: 'reopen', transition: { by: 'name', name: 'Reopen' } },
    resolve: { policy: 'comment-and-transition', transition: { by: 'id', id: '31' } },
    stormGuard: { maxNewIssues: 50, windowMinutes: 10 },
  };

  test('draftOf then ruleFromDraft gives the same rule, valid', () => {
    const rule = storedRuleSchema.parse(full);
    const draft = draftOf(rule);
    expect(draft.customFields.map((f) => f.mode)).toEqual(['option', 'options', 'number', 'text', 'json']);
    expect(validateDraft(draft, rule)).toEqual({});
    expect(storedRuleSchema.parse(ruleFromDraft(draft, rule))).toEqual(rule);
  });

  test('each transition target and policy is written as the schema wants', () => {
    const draft = { ...draftOf(storedRuleSchema.parse(full)), reFirePolicy: 'new-linked-issue' as const, linkType: 'Relates', resolveTransition: { by: 'statusCategory' as const, category: 'done' as const, name: '', id: '' } };
    expect(ruleFromDraft(draft, undefined)).toMatchObject({ reFire: { policy: 'new-linked-issue', linkType: 'Relates' }, resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } } });
    const none = { ...draft, priorityLabel: '', priorityRows: [], priorityDefault: '', stormMax: '', stormWindow: '', resolvePolicy: 'comment' as const };
    const rule = ruleFromDraft(none, storedRuleSchema.parse(full));
    expect(rule['priority']).toBeUndefined();
    expect(rule['stormGuard']).toBeUndefined();
    expect(rule['resolve']).toEqual({ policy: 'comment' });
  });

  test.each<[string, Partial<RuleDraft>, DraftField, RegExp]>([
    ['a storm guard with one number', { stormMax: '50' }, 'stormGuard', /set both numbers/],
    ['a storm guard out of range', { stormMax: '0', stormWindow: '2000' }, 'stormGuard', /new issues: .*1|minutes: .*1440/],
    ['a priority row without a priority', { priorityLabel: 'severity', priorityRows: [{ key: 1, value: 'critical', priority: '' }] }, 'priority', /row 1: choose a Jira priority/],
    ['a priority mapping without a label', { priorityRows: [{ key: 1, value: 'critical', priority: 'High' }] }, 'priority', /name the alert label/],
    ['a custom field without a field', { customFields: [{ key: 1, fieldId: '', fieldName: '', mode: 'text', text: 'x', options: [] }] }, 'customFields', /row 1: choose a field/],
    ['a custom field with bad JSON', { customFields: [{ key: 1, fieldId: 'customfield_1', fieldName: 'Team', mode: 'json', text: '{x', options: [] }] }, 'customFields', /Team: not JSON/],
    ['a reserved field', { customFields: [{ key: 1, fieldId: 'priority', fieldName: '', mode: 'text', text: 'x', options: [] }] }, 'customFields', /set by the rule itself/],
    ['a transition id that is not a number', { resolvePolicy: 'comment-and-transition', resolveTransition: { by: 'id', id: 'close', name: '', category: 'done' } }, 'resolve', /numeric/],
    ['an order that is not a number', { order: 'first' }, 'order', /number/i],
  ])('%s is reported at its field', (_what, change, field, message) => {
    const draft = { ...newDraft('OPS'), id: 'r', name: 'R', matchers: 'service="checkout"', ...change };
    const errors = validateDraft(draft, undefined);
    expect(errors[field]?.join(' ')).toMatch(message);
  });

  test('pre-flight and server paths land on the editor field', () => {
    expect(['rule.target.issueType', 'priority.mapping.critical', 'components.0', 'customFields', 'rule.customFields.customfield_1', 'stormGuard.maxNewIssues', 'x'].map(fieldOfPath)).toEqual(['issueType', 'priority', 'components', 'customFields', 'customFields', 'stormGuard', 'form']);
  });

  test('the dry run’s sample alert satisfies simple matchers', () => {
    expect(sampleLabelsFor(['service="billing"', 'severity=~"warning|critical"', 'team!="payments"', 'env!~"dev.*"', 'bad matcher'])).toEqual({ alertname: 'HighErrorRate', cluster: 'prod-eu', service: 'billing', severity: 'warning' });
  });
});
