import { ruleSchema, type Rule } from '../../domain/alerts';
import type { PreflightReport } from '../../domain/preflight';
import type { CreateMetaPort } from '../../ports/create-meta';
import { preflightRule } from '../../preflight/preflight-rule';
import type { ResolverError, ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';
import { z } from 'zod';

export interface PreflightResolverDeps {
  /** Jira's create metadata as the signed-in user; without it nothing is checked (no `preflight` field). */
  readonly createMeta?: CreateMetaPort;
}

const inputSchema = z.object({ rule: z.unknown() });

/** `preflightRule`: what Jira would say of issues this rule creates; saves nothing, needs no admin right. */
export async function preflightRuleResolver(input: unknown, deps: PreflightResolverDeps): Promise<ResolverResult<PreflightReport>> {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const rule = ruleSchema.safeParse(parsed.data.rule);
  if (!rule.success) return invalidZodInput(rule.error, 'rule.');
  if (!deps.createMeta) return { ok: false, error: { code: 'jira-error', message: 'Jira create metadata is not available here' } };
  return { ok: true, value: await preflightRule(rule.data, deps.createMeta) };
}

/** The refusal of a save: one problem per error finding, where the form shows it (`<prefix><path>`). */
export function preflightRefusal(report: PreflightReport, prefix: string): ResolverError {
  const errors = report.findings.filter((f) => f.severity === 'error');
  return {
    code: 'invalid-input',
    message: `Jira would refuse issues created in ${report.projectKey}: ${errors.map((f) => f.message).join(' ')}`,
    problems: errors.map((f) => ({ path: `${prefix}${f.path}`, message: f.message })),
  };
}

/** Pre-flight at save: an active rule Jira would refuse is refused; an inactive one is saved with the report. */
export async function preflightForSave(rule: Rule, deps: PreflightResolverDeps): Promise<{ report: PreflightReport | undefined; refusal: ResolverError | null }> {
  if (!deps.createMeta) return { report: undefined, refusal: null };
  const report = await preflightRule(rule, deps.createMeta);
  return { report, refusal: !report.ok && rule.active ? preflightRefusal(report, 'rule.') : null };
}
