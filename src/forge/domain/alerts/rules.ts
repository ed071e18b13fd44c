import { z } from 'zod';
import { compileMatcher, formatMatcher, labelValue, parseMatcher, parseMatcherSyntax } from './matchers';
import type { CompiledMatcher, Labels, Matcher, MatcherError } from './matchers';
import { goTemplateError } from './templates';

/**
 * Alertmanager → Jira rules: which alerts go where, and how the issue is written and kept up to date.
 * Rules are ordered (`order` ascending, then `id`); the first matching ACTIVE rule wins; all matchers of a
 * rule must hold; a rule without matchers never matches; a rule whose stored regex RE2 refuses never matches.
 */

/** Seed: `[{severity.capitalize()}] {summary or alertname}` (the seed's "SentryHub Alert:" prefix dropped). */
export const DEFAULT_SUMMARY_TEMPLATE = '[{{ labels.severity | default("default") | capitalize }}] {{ annotations.summary | default(labels.alertname) }}';
/** Seed: latest summary and description; facts, labels, annotations and links are always added as ADF. */
export const DEFAULT_DESCRIPTION_TEMPLATE = '{{ annotations.description | default(annotations.summary) }}';

export const statusCategorySchema = z.enum(['new', 'indeterminate', 'done']);

/** How the adapter finds the transition: by id (no lookup), by name or by the target status category. */
export const transitionTargetSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('id'), id: z.string().regex(/^\d+$/, 'a transition id is numeric') }),
  z.object({ by: z.literal('name'), name: z.string().trim().min(1).max(255) }),
  z.object({ by: z.literal('statusCategory'), category: statusCategorySchema }),
]);
export type TransitionTarget = z.infer<typeof transitionTargetSchema>;

const labelNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');
const RESERVED_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'priority', 'components']);

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonSchema), z.record(z.string(), jsonSchema)]),
);

const reFireSchema = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('new-linked-issue'), linkType: z.string().trim().min(1).max(255).default('Relates') }),
  z.object({ policy: z.literal('reopen'), transition: transitionTargetSchema }),
]);

const resolveSchema = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('comment') }),
  z.object({ policy: z.literal('comment-and-transition'), transition: transitionTargetSchema }),
]);

/** The shape as stored: matchers are only checked for being strings, so a bad stored regex loads (and never matches). */
export const storedRuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: 1-64 letters, digits, _ or -'),
  name: z.string().trim().min(1).max(200),
  active: z.boolean().default(true),
  /** Lower runs first. */
  order: z.number().int(),
  target: z.object({
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,254}$/, 'a Jira project key such as OPS'),
    /** Issue type name (`Bug`) or numeric id (`10004`). */
    issueType: z.string().trim().min(1).max(255),
  }),
  /** One Alertmanager matcher per item, e.g. `severity=~"critical|warning"`. */
  matchers: z.array(z.string().max(2000)).max(50),
  summaryTemplate: z.string().min(1).max(2000).default(DEFAULT_SUMMARY_TEMPLATE),
  descriptionTemplate: z.string().max(20_000).default(DEFAULT_DESCRIPTION_TEMPLATE),
  /** Jira priority from a label, e.g. severity critical → Highest. No mapping and no default: field left out. */
  priority: z
    .object({
      label: labelNameSchema,
      mapping: z.record(z.string(), z.string().trim().min(1).max(255)),
      default: z.string().trim().min(1).max(255).optional(),
    })
    .optional(),
  /** Jira labels (templates allowed), sanitised `[^\w-]+` → `_`. */
  labels: z.array(z.string().min(1).max(255)).max(50).default(['alertmanager']),
  /** Alert label names to copy as `name_value` Jira labels; `*` copies every common label (as the seed does). */
  copyLabels: z.array(z.union([labelNameSchema, z.literal('*')])).max(50).default(['*']),
  components: z.array(z.string().trim().min(1).max(255)).max(50).default([]),
  /** Extra fields as Jira REST v3 expects them (`customfield_10010: {value: "x"}`); strings are templates. */
  customFields: z
    .record(
      z.string().regex(/^[a-z][A-Za-z0-9_]*$/, 'a Jira field id such as customfield_10010').refine((k) => !RESERVED_FIELDS.has(k), 'this field is set by the rule itself'),
      jsonSchema,
    )
    .default({}),
  grouping: z.enum(['fingerprint', 'group']).default('group'),
  reFire: reFireSchema.default({ policy: 'new-linked-issue', linkType: 'Relates' }),
  resolve: resolveSchema.default({ policy: 'comment' }),
  /**
   * Storm guard: at most `maxNewIssues` new issues per rule per fixed window of `windowMinutes`; past that, new
   * problems roll into one storm issue of the rule and window (domain/alerts/storm.ts).
   */
  stormGuard: z.object({ maxNewIssues: z.number().int().min(1).max(10000), windowMinutes: z.number().int().min(1).max(1440) }).optional(),
});

/**
 * The shape accepted on save: every matcher must parse and every regex must compile, and no template may use
 * Alertmanager's Go syntax (it would render empty). Rules stored before load as they are.
 */
export const ruleSchema = storedRuleSchema.superRefine((rule, ctx) => {
  rule.matchers.forEach((text, i) => {
    const parsed = parseMatcher(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['matchers', i], message: `matcher ${i + 1} (${text}): ${parsed.error.message}` });
  });
  for (const field of ['summaryTemplate', 'descriptionTemplate'] as const) {
    const error = goTemplateError(rule[field]);
    if (error) ctx.addIssue({ code: 'custom', path: [field], message: error });
  }
});

export type Rule = z.output<typeof storedRuleSchema>;

/** "≤ 50 new issues / 60 min": how the rule list and the dry run name a storm guard (domain/alerts/storm.ts). */
export function describeStormGuard(guard: NonNullable<Rule['stormGuard']>): string {
  return `≤ ${guard.maxNewIssues} new issue${guard.maxNewIssues === 1 ? '' : 's'} / ${guard.windowMinutes} min`;
}
export type RuleInput = z.input<typeof storedRuleSchema>;
export type CustomFieldValue = Json;

// ---------------------------------------------------------------------------------------------------------
// Selection

type RuleMatchers = { readonly ok: true; readonly list: readonly CompiledMatcher[]; readonly evalOrder: readonly CompiledMatcher[] } | { readonly ok: false; readonly error: MatcherError };

export interface CompiledRule {
  readonly rule: Rule;
  readonly matchers: RuleMatchers;
}

/**
 * Rules sorted, matchers parsed once and regexes compiled on first use (shared between identical matchers);
 * build once per rule-set version and pass to `selectRule` on hot paths.
 */
export interface CompiledRules {
  readonly kind: 'compiled-rules';
  readonly rules: readonly CompiledRule[];
  /**
   * Nearly every Alertmanager rule names its alert (`alertname="X"`): positions (ascending) of the rules that
   * require alertname X, and of all the others, so selection only tries rules that could match.
   */
  readonly byAlertname: ReadonlyMap<string, readonly number[]>;
  readonly anyAlertname: readonly number[];
}

const ALERTNAME = 'alertname';

export function sortRules<T extends Pick<Rule, 'order' | 'id'>>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function compileRules(rules: readonly Rule[]): CompiledRules {
  // Identical matchers across rules share one compiled (and memoised) regex.
  const cache = new Map<string, CompiledMatcher | MatcherError>();
  const compileText = (text: string): CompiledMatcher | MatcherError => {
    const hit = cache.get(text);
    if (hit) return hit;
    const parsed = parseMatcherSyntax(text);
    const compiled = parsed.ok ? compileMatcher(parsed.value, { lazy: true }) : parsed;
    const value = compiled.ok ? compiled.value : compiled.error;
    cache.set(text, value);
    return value;
  };
  const compiled = sortRules(rules).map((rule): CompiledRule => {
    const list: CompiledMatcher[] = [];
    for (const text of rule.matchers) {
      const c = compileText(text);
      if (!('test' in c)) return { rule, matchers: { ok: false, error: c } };
      list.push(c);
    }
    // Equality checks are cheaper than regexes; the result is the same in any order.
    const evalOrder = [...list].sort((a, b) => cost(a) - cost(b));
    return { rule, matchers: { ok: true, list, evalOrder } };
  });
  const byAlertname = new Map<string, number[]>();
  const anyAlertname: number[] = [];
  compiled.forEach((c, position) => {
    // A rule with two different alertname equalities can never match: either key is correct for it.
    const required = c.matchers.ok ? c.matchers.list.find((m) => m.name === ALERTNAME && m.type === '=') : undefined;
    if (required) byAlertname.set(required.value, [...(byAlertname.get(required.value) ?? []), position]);
    else anyAlertname.push(position);
  });
  return { kind: 'compiled-rules', rules: compiled, byAlertname, anyAlertname };
}

function ruleHolds(c: CompiledRule, labels: Labels): boolean {
  if (!c.rule.active || !c.matchers.ok || c.matchers.list.length === 0) return false;
  for (const m of c.matchers.evalOrder) if (!m.test(labelValue(labels, m.name))) return false;
  return true;
}

/** The first active rule (in order) whose matchers all hold, or undefined. */
export function selectRule(rules: CompiledRules | readonly Rule[], labels: Labels): Rule | undefined {
  const compiled = isCompiled(rules) ? rules : compileRules(rules);
  // The candidates in rule order: a merge of the rules keyed on this alertname and those keyed on none.
  const keyed = compiled.byAlertname.get(labelValue(labels, ALERTNAME)) ?? [];
  const unkeyed = compiled.anyAlertname;
  let i = 0;
  let j = 0;
  while (i < keyed.length || j < unkeyed.length) {
    const a = keyed[i];
    const b = unkeyed[j];
    let position: number;
    if (a !== undefined && (b === undefined || a < b)) {
      position = a;
      i += 1;
    } else if (b !== undefined) {
      position = b;
      j += 1;
    } else break;
    const c = compiled.rules[position];
    if (c && ruleHolds(c, labels)) return c.rule;
  }
  return undefined;
}

export type RuleVerdict =
  | { readonly kind: 'selected' }
  | { readonly kind: 'matched-but-earlier-rule-won'; readonly winnerId: string }
  | { readonly kind: 'inactive' }
  | { readonly kind: 'no-matchers' }
  | { readonly kind: 'invalid-matcher'; readonly matcher: string; readonly message: string }
  | { readonly kind: 'matcher-failed'; readonly matcher: string; readonly index: number; readonly labelValue: string | null };

export interface RuleExplanation {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly order: number;
  readonly verdict: RuleVerdict;
}

/** Dry run: the winner plus, for every rule in order, why it did or did not match. */
export function explainSelection(rules: CompiledRules | readonly Rule[], labels: Labels): { selected: Rule | undefined; rules: RuleExplanation[] } {
  const compiled = isCompiled(rules) ? rules : compileRules(rules);
  let winner: Rule | undefined;
  const out: RuleExplanation[] = [];
  for (const c of compiled.rules) {
    const verdict = verdictFor(c, labels, winner);
    if (verdict.kind === 'selected') winner = c.rule;
    out.push({ ruleId: c.rule.id, ruleName: c.rule.name, order: c.rule.order, verdict });
  }
  return { selected: winner, rules: out };
}

function verdictFor(c: CompiledRule, labels: Labels, winner: Rule | undefined): RuleVerdict {
  if (!c.rule.active) return { kind: 'inactive' };
  if (!c.matchers.ok) return { kind: 'invalid-matcher', matcher: c.matchers.error.input, message: c.matchers.error.message };
  if (c.rule.matchers.length === 0) return { kind: 'no-matchers' };
  for (const [i, m] of c.matchers.list.entries()) {
    const problem = m.problem();
    if (problem !== undefined) return { kind: 'invalid-matcher', matcher: c.rule.matchers[i] ?? formatMatcher(m), message: `invalid regular expression: ${problem}` };
  }
  const failingIndex = c.matchers.list.findIndex((m) => !m.test(labelValue(labels, m.name)));
  if (failingIndex >= 0) {
    const m = c.matchers.list[failingIndex] as CompiledMatcher;
    const present = Object.prototype.hasOwnProperty.call(labels, m.name);
    return { kind: 'matcher-failed', matcher: formatMatcher(m), index: failingIndex, labelValue: present ? labelValue(labels, m.name) : null };
  }
  return winner ? { kind: 'matched-but-earlier-rule-won', winnerId: winner.id } : { kind: 'selected' };
}

function isCompiled(rules: CompiledRules | readonly Rule[]): rules is CompiledRules {
  return !Array.isArray(rules) && (rules as CompiledRules).kind === 'compiled-rules';
}

function cost(m: Matcher): number {
  return m.type === '=' || m.type === '!=' ? 0 : 1;
}
