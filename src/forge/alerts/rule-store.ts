import { z } from 'zod';
import { sortRules, storedRuleSchema, type Rule } from '../domain/alerts';
import { MAX_RULES_BYTES, StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';

/**
 * The rule list lives in one KVS value `{version, revision, rules}`: the consumer reads it with a single
 * get. `revision` grows on every write so a UI can tell it is editing a stale list.
 */
const storedListSchema = z.object({ version: z.literal(1), revision: z.number().int().nonnegative(), rules: z.array(z.unknown()) });

export interface RuleList {
  readonly revision: number;
  readonly rules: readonly Rule[];
}

/** Rules in order. A stored rule that no longer parses is skipped and logged, never fatal. */
export async function loadRules(store: KeyValueStore, logger?: Logger): Promise<RuleList> {
  const parsed = storedListSchema.safeParse(await store.get(StorageKeys.alertRules));
  if (!parsed.success) return { revision: 0, rules: [] };
  const rules: Rule[] = [];
  parsed.data.rules.forEach((raw, index) => {
    const rule = storedRuleSchema.safeParse(raw);
    if (rule.success) rules.push(rule.data);
    else logger?.warn('stored alert rule skipped: does not parse', { index, problems: rule.error.issues.length });
  });
  return { revision: parsed.data.revision, rules: sortRules(rules) };
}

export type SaveRulesResult = { readonly ok: true; readonly list: RuleList } | { readonly ok: false; readonly message: string };

/** Replaces the whole list (already validated), renumbering nothing: `order` is what the caller gave. */
export async function saveRules(store: KeyValueStore, previousRevision: number, rules: readonly Rule[]): Promise<SaveRulesResult> {
  const list = { version: 1 as const, revision: previousRevision + 1, rules: sortRules(rules) };
  const bytes = Buffer.byteLength(JSON.stringify(list));
  if (bytes > MAX_RULES_BYTES) return { ok: false, message: `the rule list would take ${bytes} bytes, over the ${MAX_RULES_BYTES}-byte limit of one stored value` };
  await store.set(StorageKeys.alertRules, list);
  return { ok: true, list: { revision: list.revision, rules: list.rules } };
}
