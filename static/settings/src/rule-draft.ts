/**
 * The rule editor's form state and its validation, run in the browser with the domain's own parser and
 * schema (pure code: zod and re2js, no Node), so what the editor accepts is exactly what saveAlertRule accepts.
 */
import { parseMatcher } from '../../../src/forge/domain/alerts/matchers';
import { DEFAULT_DESCRIPTION_TEMPLATE, DEFAULT_SUMMARY_TEMPLATE, ruleSchema, type Rule } from '../../../src/forge/domain/alerts/rules';
import { goTemplateError, renderTemplate, templateWarnings, type TemplateContext } from '../../../src/forge/domain/alerts/templates';

/** The editor reports it on the template field (through ruleSchema); re-exported for its tests. */
export { goTemplateError };

export interface RuleDraft {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly projectKey: string;
  readonly issueType: string;
  /** One matcher per line. */
  readonly matchers: string;
  readonly summaryTemplate: string;
  readonly descriptionTemplate: string;
  readonly grouping: 'fingerprint' | 'group';
}

export type DraftErrors = Partial<Record<'id' | 'name' | 'projectKey' | 'issueType' | 'matchers' | 'summaryTemplate' | 'descriptionTemplate' | 'form', string[]>>;

export function newDraft(projectKey: string | undefined): RuleDraft {
  return {
    id: '',
    name: '',
    active: true,
    projectKey: projectKey ?? '',
    issueType: 'Bug',
    matchers: '',
    summaryTemplate: DEFAULT_SUMMARY_TEMPLATE,
    descriptionTemplate: DEFAULT_DESCRIPTION_TEMPLATE,
    grouping: 'group',
  };
}

export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    active: rule.active,
    projectKey: rule.target.projectKey,
    issueType: rule.target.issueType,
    matchers: rule.matchers.join('\n'),
    summaryTemplate: rule.summaryTemplate,
    descriptionTemplate: rule.descriptionTemplate,
    grouping: rule.grouping,
  };
}

export function slugId(name: string, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'rule';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export function matcherLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** The rule to save: fields the editor does not show (priority, labels, custom fields…) are kept from `base`. */
export function ruleFromDraft(draft: RuleDraft, base: Rule | undefined, order: number): Record<string, unknown> {
  return {
    ...(base ?? {}),
    id: draft.id,
    name: draft.name,
    active: draft.active,
    order: base?.order ?? order,
    target: { projectKey: draft.projectKey.trim(), issueType: draft.issueType.trim() },
    matchers: matcherLines(draft.matchers),
    summaryTemplate: draft.summaryTemplate,
    descriptionTemplate: draft.descriptionTemplate,
    grouping: draft.grouping,
  };
}

const FIELD_OF: Record<string, keyof DraftErrors> = {
  id: 'id',
  name: 'name',
  target: 'projectKey',
  summaryTemplate: 'summaryTemplate',
  descriptionTemplate: 'descriptionTemplate',
  matchers: 'matchers',
};

export function validateDraft(draft: RuleDraft, base: Rule | undefined, order: number): DraftErrors {
  const errors: DraftErrors = {};
  const add = (field: keyof DraftErrors, message: string) => {
    (errors[field] ??= []).push(message);
  };
  const lines = matcherLines(draft.matchers);
  if (lines.length === 0) add('matchers', 'add at least one matcher: a rule without matchers never matches');
  lines.forEach((line, i) => {
    const parsed = parseMatcher(line);
    if (!parsed.ok) add('matchers', `line ${i + 1}: ${parsed.error.message}`);
  });
  const parsed = ruleSchema.safeParse(ruleFromDraft(draft, base, order));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, second] = issue.path;
      if (head === 'matchers') continue; // reported per line above
      const field = head === 'target' && second === 'issueType' ? 'issueType' : (FIELD_OF[String(head)] ?? 'form');
      add(field, issue.message);
    }
  }
  return errors;
}

export function hasErrors(errors: DraftErrors): boolean {
  return Object.values(errors).some((list) => list !== undefined && list.length > 0);
}

/** A sample alert group to preview templates against (the checkout alert of the captured fixtures). */
export const SAMPLE_CONTEXT: TemplateContext = {
  status: 'firing',
  labels: { alertname: 'HighErrorRate', cluster: 'prod-eu', service: 'checkout', severity: 'critical', team: 'payments' },
  annotations: { summary: '5xx rate above 5% on checkout', description: 'Error ratio 0.087 over 5m', runbook_url: 'https://runbooks.example.com/checkout/5xx' },
  groupLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' },
  fingerprint: 'ea57a5cee65a9cf3',
  groupKey: '{}:{alertname="HighErrorRate", cluster="prod-eu"}',
  receiver: 'bridge',
  externalURL: 'http://alertmanager.example.com:9093',
  alertCount: 1,
  firingCount: 1,
  resolvedCount: 0,
};

export function preview(template: string): { text: string; warnings: string[] } {
  return { text: renderTemplate(template, SAMPLE_CONTEXT), warnings: templateWarnings(template) };
}
