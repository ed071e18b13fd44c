import { z } from 'zod';
import { exportRulesYaml, importRulesYaml, ruleSchema, type Rule } from '../../domain/alerts';
import { loadRules, saveRules, type RuleList } from '../../alerts/rule-store';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { JiraUserPort } from '../../ports/jira';
import type { Logger } from '../../ports/logger';
import type { AlertRuleList, AlertRuleSaveResult, ResolverResult } from './contract';
import { preflightForSave, type PreflightResolverDeps } from './preflight';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import { invalidZodInput } from './resolver-errors';

export interface RuleResolverDeps extends PreflightResolverDeps {
  readonly store: KeyValueStore;
  readonly logger: Logger;
  /** Jira as the calling user, for permission checks. */
  readonly userJira: JiraUserPort;
}

const revisionSchema = z.number().int().nonnegative().optional();
const saveInputSchema = z.object({ rule: z.unknown(), expectedRevision: revisionSchema });
const deleteInputSchema = z.object({ id: z.string().min(1).max(64), expectedRevision: revisionSchema });
const reorderInputSchema = z.object({ ids: z.array(z.string().min(1).max(64)).max(5000), expectedRevision: revisionSchema });
const importInputSchema = z.object({ yaml: z.string().max(1_000_000) });

const view = (list: RuleList): AlertRuleList => ({ revision: list.revision, rules: list.rules });

function stale<T>(list: RuleList, expected: number | undefined): ResolverResult<T> | null {
  if (expected === undefined || expected === list.revision) return null;
  return { ok: false, error: { code: 'conflict', message: `the rules changed since you loaded them (revision ${expected}, now ${list.revision}); reload and try again` } };
}

async function store(deps: RuleResolverDeps, list: RuleList, rules: readonly Rule[]): Promise<ResolverResult<AlertRuleList>> {
  const saved = await saveRules(deps.store, list.revision, rules);
  return saved.ok ? { ok: true, value: view(saved.list) } : { ok: false, error: { code: 'too-large', message: saved.message } };
}

export async function listAlertRules(deps: RuleResolverDeps): Promise<AlertRuleList> {
  return view(await loadRules(deps.store, deps.logger));
}

/** Adds a rule or replaces the one with the same id. */
export async function saveAlertRule(input: unknown, caller: CallerContext, deps: RuleResolverDeps): Promise<ResolverResult<AlertRuleSaveResult>> {
  const parsedInput = saveInputSchema.safeParse(input ?? {});
  if (!parsedInput.success) return invalidZodInput(parsedInput.error);
  const rule = ruleSchema.safeParse(parsedInput.data.rule);
  if (!rule.success) return invalidZodInput(rule.error, 'rule.');
  const list = await loadRules(deps.store, deps.logger);
  const conflict = stale<AlertRuleList>(list, parsedInput.data.expectedRevision);
  if (conflict) return conflict;
  const existing = list.rules.find((r) => r.id === rule.data.id);
  const denied = await requireProjectAdmin(deps.userJira, caller, [rule.data.target.projectKey, ...(existing ? [existing.target.projectKey] : [])]);
  if (denied) return { ok: false, error: denied };
  // Pre-flight (issue 16): Jira's create metadata for the target, read as this admin, before anything is stored.
  const preflight = await preflightForSave(rule.data, deps);
  if (preflight.refusal) return { ok: false, error: preflight.refusal };
  const saved = await store(deps, list, [...list.rules.filter((r) => r.id !== rule.data.id), rule.data]);
  return saved.ok && preflight.report ? { ok: true, value: { ...saved.value, preflight: preflight.report } } : saved;
}

export async function deleteAlertRule(input: unknown, caller: CallerContext, deps: RuleResolverDeps): Promise<ResolverResult<AlertRuleList>> {
  const parsed = deleteInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const list = await loadRules(deps.store, deps.logger);
  const conflict = stale<AlertRuleList>(list, parsed.data.expectedRevision);
  if (conflict) return conflict;
  const existing = list.rules.find((r) => r.id === parsed.data.id);
  if (!existing) return { ok: false, error: { code: 'not-found', message: `no rule with id "${parsed.data.id}"` } };
  const denied = await requireProjectAdmin(deps.userJira, caller, [existing.target.projectKey]);
  if (denied) return { ok: false, error: denied };
  return store(deps, list, list.rules.filter((r) => r.id !== parsed.data.id));
}

/** `ids` is the complete new order; orders become 10, 20, 30… */
export async function reorderAlertRules(input: unknown, caller: CallerContext, deps: RuleResolverDeps): Promise<ResolverResult<AlertRuleList>> {
  const parsed = reorderInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const list = await loadRules(deps.store, deps.logger);
  const conflict = stale<AlertRuleList>(list, parsed.data.expectedRevision);
  if (conflict) return conflict;
  const ids = parsed.data.ids;
  const known = new Set(list.rules.map((r) => r.id));
  if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
    return { ok: false, error: { code: 'invalid-input', message: 'ids must list every rule exactly once', problems: [{ path: 'ids', message: `expected a permutation of ${[...known].join(', ') || '(no rules)'}` }] } };
  }
  const denied = await requireProjectAdmin(deps.userJira, caller, list.rules.map((r) => r.target.projectKey));
  if (denied) return { ok: false, error: denied };
  const byId = new Map(list.rules.map((r) => [r.id, r]));
  return store(deps, list, ids.map((id, i) => ({ ...(byId.get(id) as Rule), order: (i + 1) * 10 })));
}

export async function exportAlertRules(deps: RuleResolverDeps): Promise<{ yaml: string }> {
  return { yaml: exportRulesYaml((await loadRules(deps.store, deps.logger)).rules) };
}

/** Replaces every rule with the file's; nothing changes unless the whole file is valid. */
export async function importAlertRules(input: unknown, caller: CallerContext, deps: RuleResolverDeps): Promise<ResolverResult<AlertRuleList>> {
  const parsed = importInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const imported = importRulesYaml(parsed.data.yaml);
  if (!imported.ok) return { ok: false, error: { code: 'invalid-input', message: 'the file has errors; nothing was imported', problems: imported.error } };
  const list = await loadRules(deps.store, deps.logger);
  const denied = await requireProjectAdmin(deps.userJira, caller, [...list.rules, ...imported.value].map((r) => r.target.projectKey));
  if (denied) return { ok: false, error: denied };
  return store(deps, list, imported.value);
}
