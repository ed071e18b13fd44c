import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { describeZodError } from '../../../shared/zod-error';
import type { Result } from './matchers';
import { ruleSchema, sortRules, type Rule } from './rules';

/** Export/import of the rule list as YAML: `{version: 1, rules: [...]}`, validated like a save on import. */
export const RULES_FILE_VERSION = 1 as const;
const MAX_YAML_CHARS = 1_000_000;

export const rulesFileSchema = z
  .object({ version: z.literal(RULES_FILE_VERSION), rules: z.array(ruleSchema).max(5000) })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.rules.forEach((r, i) => {
      const first = seen.get(r.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}" (also rules.${first}.id)` });
      else seen.set(r.id, i);
    });
  });

export interface ImportProblem {
  /** `rules.2.matchers.0`, or `(yaml)` for a syntax error. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export function exportRulesYaml(rules: readonly Rule[]): string {
  return stringify({ version: RULES_FILE_VERSION, rules: sortRules(rules) }, { lineWidth: 0 });
}

export function importRulesYaml(text: string): Result<Rule[], ImportProblem[]> {
  if (text.length > MAX_YAML_CHARS) return { ok: false, error: [{ path: '(yaml)', message: `file larger than ${MAX_YAML_CHARS} characters` }] };
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      error: doc.errors.slice(0, 20).map((e) => {
        const line = e.linePos?.[0].line;
        return line === undefined ? { path: '(yaml)', message: e.message } : { path: '(yaml)', message: e.message, line };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, error: [{ path: '(yaml)', message: e instanceof Error ? e.message : String(e) }] };
  }
  const parsed = rulesFileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: describeZodError(parsed.error, 50) };
  return { ok: true, value: parsed.data.rules };
}
