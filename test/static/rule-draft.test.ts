/** The rule editor's own checks (static/settings/src/rule-draft.ts), run before anything is saved. */
import { goTemplateError, newDraft, validateDraft } from '../../static/settings/src/rule-draft';

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
    const errors = validateDraft(draft, undefined, 10);
    expect(errors.summaryTemplate).toEqual([expect.stringContaining('write {{ labels.severity }}')]);
    expect(errors.descriptionTemplate).toBeUndefined();
  });
});
