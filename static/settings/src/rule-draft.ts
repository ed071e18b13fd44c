/**
 * The rule editor's form state and its validation, run in the browser with the domain's own parser and
 * schema (pure code: zod and re2js, no Node), so what the editor accepts is exactly what saveAlertRule accepts.
 * Every field of the stored rule has a place in the draft; fields a later version adds are kept from `base`.
 */
import { parseMatcher } from '../../../src/forge/domain/alerts/matchers';
import { DEFAULT_DESCRIPTION_TEMPLATE, DEFAULT_SUMMARY_TEMPLATE, ruleSchema, type CustomFieldValue, type Rule, type TransitionTarget } from '../../../src/forge/domain/alerts/rules';
import { goTemplateError, renderTemplate, templateWarnings, type TemplateContext } from '../../../src/forge/domain/alerts/templates';

/** The editor reports it on the template field (through ruleSchema); re-exported for its tests. */
export { goTemplateError };

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

/** All three ways of naming a transition are kept while the person switches between them. */
export interface TransitionDraft {
  readonly by: TransitionTarget['by'];
  readonly category: StatusCategoryKey;
  readonly name: string;
  readonly id: string;
}

export interface PriorityRowDraft {
  /** Stable React key. */
  readonly key: number;
  /** The label value (`critical`). */
  readonly value: string;
  /** The Jira priority name (`Highest`). */
  readonly priority: string;
}

/**
 * How a custom field's value is written: a (templated) text, a number, one select option or several (`{value}`
 * as REST v3 wants them), or raw JSON for any other shape (users, cascading selects…).
 */
export type CustomFieldMode = 'text' | 'number' | 'option' | 'options' | 'json';

export interface CustomFieldDraft {
  readonly key: number;
  readonly fieldId: string;
  /** Jira's name for the field, when known (shown instead of the id). */
  readonly fieldName: string;
  readonly mode: CustomFieldMode;
  /** text, number and json modes. */
  readonly text: string;
  /** option (one) and options modes. */
  readonly options: readonly string[];
}

export interface RuleDraft {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  /** Lower runs first (an integer, as text while typed). */
  readonly order: string;
  readonly projectKey: string;
  readonly issueType: string;
  /** One matcher per line. */
  readonly matchers: string;
  readonly summaryTemplate: string;
  readonly descriptionTemplate: string;
  readonly priorityLabel: string;
  readonly priorityRows: readonly PriorityRowDraft[];
  readonly priorityDefault: string;
  /** One Jira label (template allowed) per line. */
  readonly labels: string;
  /** Alert label names to copy, separated by commas or spaces; `*` copies every common label. */
  readonly copyLabels: string;
  readonly components: readonly string[];
  readonly customFields: readonly CustomFieldDraft[];
  readonly grouping: 'fingerprint' | 'group';
  readonly reFirePolicy: 'new-linked-issue' | 'reopen';
  readonly linkType: string;
  readonly reFireTransition: TransitionDraft;
  readonly resolvePolicy: 'comment' | 'comment-and-transition';
  readonly resolveTransition: TransitionDraft;
  /** Storm guard: both empty = off. */
  readonly stormMax: string;
  readonly stormWindow: string;
}

export type DraftField =
  | 'id'
  | 'name'
  | 'order'
  | 'projectKey'
  | 'issueType'
  | 'matchers'
  | 'summaryTemplate'
  | 'descriptionTemplate'
  | 'priority'
  | 'labels'
  | 'copyLabels'
  | 'components'
  | 'customFields'
  | 'grouping'
  | 'reFire'
  | 'resolve'
  | 'stormGuard'
  | 'form';

export type DraftErrors = Partial<Record<DraftField, string[]>>;

let nextKey = 1;
export const rowKey = (): number => nextKey++;

const transitionDraft = (target: TransitionTarget | undefined, fallback: StatusCategoryKey): TransitionDraft => ({
  by: target?.by ?? 'statusCategory',
  category: target?.by === 'statusCategory' ? target.category : fallback,
  name: target?.by === 'name' ? target.name : '',
  id: target?.by === 'id' ? target.id : '',
});

export function transitionOf(d: TransitionDraft): TransitionTarget {
  switch (d.by) {
    case 'id':
      return { by: 'id', id: d.id.trim() };
    case 'name':
      return { by: 'name', name: d.name.trim() };
    case 'statusCategory':
      return { by: 'statusCategory', category: d.category };
  }
}

export function newDraft(projectKey: string | undefined, order = 10): RuleDraft {
  return {
    id: '',
    name: '',
    active: true,
    order: String(order),
    projectKey: projectKey ?? '',
    issueType: 'Bug',
    matchers: '',
    summaryTemplate: DEFAULT_SUMMARY_TEMPLATE,
    descriptionTemplate: DEFAULT_DESCRIPTION_TEMPLATE,
    priorityLabel: '',
    priorityRows: [],
    priorityDefault: '',
    labels: 'alertmanager',
    copyLabels: '*',
    components: [],
    customFields: [],
    grouping: 'group',
    reFirePolicy: 'new-linked-issue',
    linkType: 'Relates',
    reFireTransition: transitionDraft(undefined, 'new'),
    resolvePolicy: 'comment',
    resolveTransition: transitionDraft(undefined, 'done'),
    stormMax: '',
    stormWindow: '',
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionValue = (v: unknown): string | null => (isRecord(v) && Object.keys(v).length === 1 && typeof v['value'] === 'string' ? v['value'] : null);

/** A stored custom field value → the simplest mode that writes it back unchanged. */
export function customFieldDraft(fieldId: string, value: CustomFieldValue, fieldName = ''): CustomFieldDraft {
  const base = { key: rowKey(), fieldId, fieldName, text: '', options: [] as string[] };
  if (typeof value === 'string') return { ...base, mode: 'text', text: value };
  if (typeof value === 'number') return { ...base, mode: 'number', text: String(value) };
  const one = optionValue(value);
  if (one !== null) return { ...base, mode: 'option', options: [one] };
  if (Array.isArray(value) && value.length > 0) {
    const many = value.map(optionValue);
    if (many.every((v): v is string => v !== null)) return { ...base, mode: 'options', options: many };
  }
  return { ...base, mode: 'json', text: JSON.stringify(value, null, 2) };
}

export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    active: rule.active,
    order: String(rule.order),
    projectKey: rule.target.projectKey,
    issueType: rule.target.issueType,
    matchers: rule.matchers.join('\n'),
    summaryTemplate: rule.summaryTemplate,
    descriptionTemplate: rule.descriptionTemplate,
    priorityLabel: rule.priority?.label ?? '',
    priorityRows: Object.entries(rule.priority?.mapping ?? {}).map(([value, priority]) => ({ key: rowKey(), value, priority })),
    priorityDefault: rule.priority?.default ?? '',
    labels: rule.labels.join('\n'),
    copyLabels: rule.copyLabels.join(', '),
    components: rule.components,
    customFields: Object.entries(rule.customFields).map(([id, value]) => customFieldDraft(id, value)),
    grouping: rule.grouping,
    reFirePolicy: rule.reFire.policy,
    linkType: rule.reFire.policy === 'new-linked-issue' ? rule.reFire.linkType : 'Relates',
    reFireTransition: transitionDraft(rule.reFire.policy === 'reopen' ? rule.reFire.transition : undefined, 'new'),
    resolvePolicy: rule.resolve.policy,
    resolveTransition: transitionDraft(rule.resolve.policy === 'comment-and-transition' ? rule.resolve.transition : undefined, 'done'),
    stormMax: rule.stormGuard ? String(rule.stormGuard.maxNewIssues) : '',
    stormWindow: rule.stormGuard ? String(rule.stormGuard.windowMinutes) : '',
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

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const words = (text: string): string[] => text.split(/[\s,]+/).filter((w) => w !== '');
/** A number as typed: NaN (which the schema refuses with its own words) for anything that is not one. */
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

type CustomFieldParse = { readonly ok: true; readonly value: CustomFieldValue } | { readonly ok: false; readonly message: string };

export function customFieldValue(field: CustomFieldDraft): CustomFieldParse {
  switch (field.mode) {
    case 'text':
      return field.text.trim() === '' ? { ok: false, message: 'enter a value (templates such as {{ labels.team }} are allowed)' } : { ok: true, value: field.text };
    case 'number': {
      const n = numberOf(field.text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `"${field.text}" is not a number` };
    }
    case 'option':
      return field.options[0] ? { ok: true, value: { value: field.options[0] } } : { ok: false, message: 'choose an option' };
    case 'options':
      return field.options.length > 0 ? { ok: true, value: field.options.map((value) => ({ value })) } : { ok: false, message: 'choose at least one option' };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(field.text) as CustomFieldValue };
      } catch (e) {
        return { ok: false, message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
      }
  }
}

/** The rule to save. Fields this editor does not know (a later version's) are kept from `base`. */
export function ruleFromDraft(draft: RuleDraft, base: Rule | undefined): Record<string, unknown> {
  const { stormGuard: _kept, ...rest } = base ?? ({} as Partial<Rule>);
  void _kept;
  const mapping = Object.fromEntries(draft.priorityRows.filter((r) => r.value.trim() !== '').map((r) => [r.value.trim(), r.priority.trim()]));
  const hasPriority = draft.priorityLabel.trim() !== '' || draft.priorityRows.length > 0 || draft.priorityDefault.trim() !== '';
  const customFields = Object.fromEntries(
    draft.customFields.flatMap((f) => {
      const parsed = customFieldValue(f);
      return f.fieldId.trim() === '' || !parsed.ok ? [] : [[f.fieldId.trim(), parsed.value]];
    }),
  );
  const storm = draft.stormMax.trim() !== '' || draft.stormWindow.trim() !== '';
  return {
    ...rest,
    id: draft.id,
    name: draft.name,
    active: draft.active,
    order: numberOf(draft.order),
    target: { projectKey: draft.projectKey.trim(), issueType: draft.issueType.trim() },
    matchers: matcherLines(draft.matchers),
    summaryTemplate: draft.summaryTemplate,
    descriptionTemplate: draft.descriptionTemplate,
    ...(hasPriority ? { priority: { label: draft.priorityLabel.trim(), mapping, ...(draft.priorityDefault.trim() !== '' ? { default: draft.priorityDefault.trim() } : {}) } } : { priority: undefined }),
    labels: lines(draft.labels),
    copyLabels: words(draft.copyLabels),
    components: [...draft.components],
    customFields,
    grouping: draft.grouping,
    reFire: draft.reFirePolicy === 'reopen' ? { policy: 'reopen', transition: transitionOf(draft.reFireTransition) } : { policy: 'new-linked-issue', linkType: draft.linkType.trim() },
    resolve: draft.resolvePolicy === 'comment-and-transition' ? { policy: 'comment-and-transition', transition: transitionOf(draft.resolveTransition) } : { policy: 'comment' },
    ...(storm ? { stormGuard: { maxNewIssues: numberOf(draft.stormMax), windowMinutes: numberOf(draft.stormWindow) } } : {}),
  };
}

/** Which form field a rule path (`target.issueType`, `priority.mapping.critical`, `rule.customFields`) belongs to. */
export function fieldOfPath(path: string): DraftField {
  const parts = path.replace(/^rule\./, '').split('.');
  const [head, second] = parts;
  switch (head) {
    case 'target':
      return second === 'issueType' ? 'issueType' : 'projectKey';
    case 'id':
    case 'name':
    case 'order':
    case 'matchers':
    case 'summaryTemplate':
    case 'descriptionTemplate':
    case 'priority':
    case 'labels':
    case 'copyLabels':
    case 'components':
    case 'customFields':
    case 'grouping':
    case 'reFire':
    case 'resolve':
    case 'stormGuard':
      return head;
    default:
      return 'form';
  }
}

const FIELD_WORDS: Partial<Record<string, string>> = { maxNewIssues: 'new issues', windowMinutes: 'minutes', linkType: 'link type' };

export function validateDraft(draft: RuleDraft, base: Rule | undefined): DraftErrors {
  const errors: DraftErrors = {};
  const add = (field: DraftField, message: string) => {
    const list = (errors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  const matchers = matcherLines(draft.matchers);
  if (matchers.length === 0) add('matchers', 'add at least one matcher: a rule without matchers never matches');
  matchers.forEach((line, i) => {
    const parsed = parseMatcher(line);
    if (!parsed.ok) add('matchers', `line ${i + 1}: ${parsed.error.message}`);
  });
  if (draft.priorityRows.length > 0 || draft.priorityDefault.trim() !== '') {
    if (draft.priorityLabel.trim() === '') add('priority', 'name the alert label the priority comes from (such as severity)');
  }
  const seen = new Set<string>();
  draft.priorityRows.forEach((row, i) => {
    if (row.value.trim() === '') add('priority', `row ${i + 1}: enter the label value`);
    else if (seen.has(row.value.trim())) add('priority', `row ${i + 1}: "${row.value.trim()}" is mapped twice`);
    seen.add(row.value.trim());
    if (row.priority.trim() === '') add('priority', `row ${i + 1}: choose a Jira priority`);
  });
  const fieldIds = new Set<string>();
  draft.customFields.forEach((f, i) => {
    const name = f.fieldName || f.fieldId || `row ${i + 1}`;
    if (f.fieldId.trim() === '') add('customFields', `row ${i + 1}: choose a field`);
    else if (fieldIds.has(f.fieldId)) add('customFields', `${name} is set twice`);
    fieldIds.add(f.fieldId);
    const parsed = customFieldValue(f);
    if (!parsed.ok) add('customFields', `${name}: ${parsed.message}`);
  });
  if ((draft.stormMax.trim() === '') !== (draft.stormWindow.trim() === '')) add('stormGuard', 'set both numbers, or neither to turn the storm guard off');
  const parsed = ruleSchema.safeParse(ruleFromDraft(draft, base));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (path[0] === 'matchers') continue; // reported per line above
      const field = fieldOfPath(path.join('.'));
      const last = path[path.length - 1];
      const what = field === 'customFields' && path[1] ? `${path[1]}: ` : last && FIELD_WORDS[last] ? `${FIELD_WORDS[last]}: ` : '';
      // zod says "Invalid key in record" for a bad custom field id; its own check says why.
      const message = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') || issue.message : issue.message;
      add(field, `${what}${message}`);
    }
  }
  return errors;
}

export function hasErrors(errors: DraftErrors): boolean {
  return Object.values(errors).some((list) => list !== undefined && list.length > 0);
}

const SAMPLE_LABELS: Readonly<Record<string, string>> = { alertname: 'HighErrorRate', cluster: 'prod-eu', service: 'checkout', severity: 'critical', team: 'payments' };
const SAMPLE_ANNOTATIONS: Readonly<Record<string, string>> = { summary: '5xx rate above 5% on checkout', description: 'Error ratio 0.087 over 5m', runbook_url: 'https://runbooks.example.com/checkout/5xx' };

/** A sample alert group to preview templates against (the checkout alert of the captured fixtures). */
export const SAMPLE_CONTEXT: TemplateContext = {
  status: 'firing',
  labels: SAMPLE_LABELS,
  annotations: SAMPLE_ANNOTATIONS,
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

/**
 * The sample alert's labels changed so the rule's matchers hold where that is simple: `name="v"` sets v,
 * `name=~"a|b"` (literal alternatives) sets a, `name!=`/`!~` removes a label that would break it. The Dry run
 * from the editor sends it, so "does this rule do what I want" is answered on an alert it matches.
 */
export function sampleLabelsFor(matchers: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = { ...SAMPLE_LABELS };
  for (const text of matchers) {
    const parsed = parseMatcher(text);
    if (!parsed.ok) continue;
    const m = parsed.value;
    if (m.type === '=') {
      if (m.value === '') delete labels[m.name];
      else labels[m.name] = m.value;
    } else if (m.type === '=~') {
      const literal = /^[A-Za-z0-9_.:/ -]+(\|[A-Za-z0-9_.:/ -]+)*$/.test(m.value) ? m.value.split('|')[0] : undefined;
      if (literal !== undefined) labels[m.name] = literal;
    } else if (m.type === '!=' && labels[m.name] === m.value) delete labels[m.name];
    else if (m.type === '!~') delete labels[m.name];
  }
  return labels;
}

/** An Alertmanager webhook body (version 4) with one firing alert carrying `labels`. */
export function sampleNotification(labels: Readonly<Record<string, string>>, now: Date): Record<string, unknown> {
  const groupLabels = Object.fromEntries(['alertname', 'cluster'].flatMap((k) => (labels[k] !== undefined ? [[k, labels[k]]] : [])));
  const inner = Object.entries(groupLabels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return {
    receiver: 'bridge',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: SAMPLE_ANNOTATIONS,
        startsAt: now.toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example.com/graph?g0.expr=rate',
        fingerprint: 'd1e2a3f4b5c6d7e8',
      },
    ],
    groupLabels,
    commonLabels: labels,
    commonAnnotations: SAMPLE_ANNOTATIONS,
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: `{}:{${inner}}`,
    truncatedAlerts: 0,
  };
}
