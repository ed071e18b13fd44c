/** Rules whose templates use Alertmanager's Go syntax are refused, whether saved from the editor or imported as YAML. */
import { importRulesYaml, ruleSchema, storedRuleSchema } from '../../../../src/forge/domain/alerts';

const rule = { id: 'go', name: 'Go', active: true, order: 10, target: { projectKey: 'OPS', issueType: 'Bug' }, matchers: ['service="checkout"'], grouping: 'group' };

test('ruleSchema refuses a Go-template summary, naming the placeholder to write', () => {
  const parsed = ruleSchema.safeParse({ ...rule, summaryTemplate: '[{{ .Labels.severity }}] {{ .Annotations.summary }}' });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
    ['summaryTemplate', "{{ .Labels.severity }} is Go template syntax (Alertmanager's) and would render empty: write {{ labels.severity }} (no leading dot, lower case)"],
  ]);
});

test('ruleSchema refuses a Go-template description and accepts ours', () => {
  expect(ruleSchema.safeParse({ ...rule, descriptionTemplate: '{{ range .Alerts }}{{ .Labels.x }}{{ end }}' }).success).toBe(false);
  expect(ruleSchema.safeParse({ ...rule, summaryTemplate: '[{{ labels.severity | upper }}] {{ annotations.summary }}' }).success).toBe(true);
});

test('a YAML import with a Go template is refused at that template', () => {
  const yaml = ['version: 1', 'rules:', '  - id: go', '    order: 10', '    name: Go', '    target: { projectKey: OPS, issueType: Bug }', '    matchers: [\'service="checkout"\']', "    summaryTemplate: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.cluster }}'", ''].join('\n');
  const result = importRulesYaml(yaml);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error).toEqual([expect.objectContaining({ path: 'rules.0.summaryTemplate', message: expect.stringContaining('write {{ groupLabels.alertname }}') })]);
});

test('a rule stored before the check still loads (storedRuleSchema), so routing does not change under anyone', () => {
  expect(storedRuleSchema.safeParse({ ...rule, summaryTemplate: '{{ .Labels.severity }}' }).success).toBe(true);
});
