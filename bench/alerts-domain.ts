import { performance } from 'node:perf_hooks';
import { compileRules, selectRule, storedRuleSchema, type Rule } from '../src/forge/domain/alerts/rules';

/**
 * 1,000 rules × 100 alerts through `compileRules` + `selectRule` (target < 50 ms including compilation).
 * Rules mix equality, negative, literal-alternative (`critical|warning`, a set lookup) and real RE2 regex
 * matchers: a third of the rules carry their own regex, all share `cluster=~"prod-.*"`. About 40% of the
 * alerts match no rule (every rule is tried) and the rest match late ones: first-match-wins at its worst.
 * One small warm-up pass runs first so the number is steady-state, not JIT start-up.
 */
export interface RuleMatchingResult {
  readonly compileMs: number;
  readonly matchMs: number;
  readonly totalMs: number;
  readonly matched: number;
}

export function makeBenchRules(count = 1000): Rule[] {
  return Array.from({ length: count }, (_, i) =>
    storedRuleSchema.parse({
      id: `rule-${i}`,
      name: `Rule ${i}`,
      order: i,
      target: { projectKey: 'OPS', issueType: 'Bug' },
      matchers: [
        i % 3 === 0 ? `alertname=~"Alert${i}(Rate|Latency)?"` : `alertname="Alert${i}Rate"`,
        `team="team-${i % 50}"`,
        'severity=~"critical|warning"',
        'env!="staging"',
        'cluster=~"prod-.*"',
      ],
    }),
  );
}

export function makeBenchAlerts(count = 100): Record<string, string>[] {
  return Array.from({ length: count }, (_, j) => ({
    alertname: `Alert${(j * 37) % 1500}Rate`, // about a third match no rule at all
    team: `team-${((j * 37) % 1500) % 50}`,
    severity: j % 5 === 0 ? 'info' : 'critical',
    cluster: `prod-eu-${((j * 37) % 1500) % 7}a`,
    instance: `host-${j}:9100`,
  }));
}

export function benchRuleMatchingDetailed(rules: readonly Rule[] = makeBenchRules(), alerts = makeBenchAlerts()): RuleMatchingResult {
  const t0 = performance.now();
  const compiled = compileRules(rules);
  const t1 = performance.now();
  let matched = 0;
  for (const labels of alerts) if (selectRule(compiled, labels)) matched++;
  const t2 = performance.now();
  return { compileMs: t1 - t0, matchMs: t2 - t1, totalMs: t2 - t0, matched };
}

/** Elapsed ms to match 100 alerts against 1,000 rules, compilation included. */
export function benchRuleMatching(): number {
  benchRuleMatchingDetailed(makeBenchRules(20).map((r) => ({ ...r, id: `warm-${r.id}` })), makeBenchAlerts(20));
  return benchRuleMatchingDetailed(makeBenchRules(), makeBenchAlerts()).totalMs;
}

if (require.main === module) {
  benchRuleMatching();
  const r = benchRuleMatchingDetailed();
  console.log(`rule matching: 1,000 rules × 100 alerts: ${r.totalMs.toFixed(1)} ms (compile ${r.compileMs.toFixed(1)} ms, match ${r.matchMs.toFixed(1)} ms, ${r.matched} matched; target < 50 ms)`);
}
