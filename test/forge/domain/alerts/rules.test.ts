import { benchRuleMatchingDetailed } from '../../../../bench/alerts-domain';
import fc from 'fast-check';
import { compileMatcher, matchesAll, parseMatcher } from '../../../../src/forge/domain/alerts/matchers';
import { compileRules, explainSelection, ruleSchema, selectRule, storedRuleSchema, type Rule } from '../../../../src/forge/domain/alerts/rules';
import { exportRulesYaml, importRulesYaml } from '../../../../src/forge/domain/alerts/rules-yaml';
import { describeZodError } from '../../../../src/shared/zod-error';
import { makeRule } from './helpers';

const labels = { alertname: 'HighErrorRate', cluster: 'prod-eu', severity: 'critical', team: 'payments' };
const baseLabels = labels;

describe('rule schema', () => {
  it('fills defaults from the seed', () => {
    const r = makeRule();
    expect(r.active).toBe(true);
    expect(r.grouping).toBe('group');
    expect(r.summaryTemplate).toContain('labels.severity');
    expect(r.reFire).toEqual({ policy: 'new-linked-issue', linkType: 'Relates' });
    expect(r.resolve).toEqual({ policy: 'comment' });
    expect(r.labels).toEqual(['alertmanager']);
  });

  it('refuses an invalid regex with a message and a path pointing at the matcher', () => {
    const parsed = ruleSchema.safeParse({ ...makeRule(), matchers: ['team="x"', 'cluster=~"prod-("'] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      const problems = describeZodError(parsed.error);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe('matchers.1');
      expect(problems[0]?.message).toMatch(/matcher 2 \(cluster=~"prod-\("\).*invalid regular expression/);
    }
  });

  it('refuses reserved or malformed fields and bad project keys', () => {
    expect(ruleSchema.safeParse({ ...makeRule(), customFields: { summary: 'x' } }).success).toBe(false);
    expect(ruleSchema.safeParse({ ...makeRule(), customFields: { customfield_10010: { value: 'x' } } }).success).toBe(true);
    expect(ruleSchema.safeParse({ ...makeRule(), target: { projectKey: 'ops', issueType: 'Bug' } }).success).toBe(false);
    expect(ruleSchema.safeParse({ ...makeRule(), reFire: { policy: 'reopen' } }).success).toBe(false);
    expect(ruleSchema.safeParse({ ...makeRule(), reFire: { policy: 'reopen', transition: { by: 'name', name: 'Reopen' } } }).success).toBe(true);
    expect(ruleSchema.safeParse({ ...makeRule(), resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } } }).success).toBe(true);
  });

  it('loads a stored rule with a bad regex (the stored schema does not check regexes)', () => {
    expect(storedRuleSchema.safeParse({ ...makeRule(), matchers: ['a=~"("'] }).success).toBe(true);
  });
});

describe('selectRule', () => {
  const r = (id: string, order: number, matchers: string[], active = true): Rule => makeRule({ id, name: id, order, matchers, active });

  it('first matching active rule in order wins, whatever the array order', () => {
    const rules = [r('late', 30, ['severity="critical"']), r('early', 10, ['team="payments"']), r('mid', 20, ['cluster=~"prod-.*"'])];
    expect(selectRule(rules, labels)?.id).toBe('early');
    expect(selectRule(compileRules(rules), labels)?.id).toBe('early');
  });

  it('ties on order are broken by id', () => {
    expect(selectRule([r('b', 1, ['team="payments"']), r('a', 1, ['team="payments"'])], labels)?.id).toBe('a');
  });

  it('skips inactive rules, rules without matchers and rules with an invalid stored regex', () => {
    const rules = [
      r('inactive', 1, ['team="payments"'], false),
      r('empty', 2, []),
      storedRuleSchema.parse({ ...r('broken', 3, []), matchers: ['team="payments"', 'cluster=~"prod-("'] }),
      r('ok', 4, ['severity=~"critical|warning"']),
    ];
    expect(selectRule(rules, labels)?.id).toBe('ok');
    expect(selectRule(rules.slice(0, 3), labels)).toBeUndefined();
  });

  it('all matchers of a rule must match', () => {
    expect(selectRule([r('x', 1, ['team="payments"', 'severity="warning"'])], labels)).toBeUndefined();
  });

  it('explains the dry run: winner, and why each other rule did or did not match', () => {
    const rules = [
      r('inactive', 1, ['team="payments"'], false),
      r('empty', 2, []),
      storedRuleSchema.parse({ ...r('broken', 3, []), matchers: ['cluster=~"prod-("'] }),
      r('wrong-team', 4, ['cluster=~"prod-.*"', 'team="storage"']),
      r('missing', 5, ['namespace="db"']),
      r('winner', 6, ['severity="critical"']),
      r('also', 7, ['team="payments"']),
    ];
    const ex = explainSelection(rules, labels);
    expect(ex.selected?.id).toBe('winner');
    expect(Object.fromEntries(ex.rules.map((x) => [x.ruleId, x.verdict]))).toEqual({
      inactive: { kind: 'inactive' },
      empty: { kind: 'no-matchers' },
      broken: { kind: 'invalid-matcher', matcher: 'cluster=~"prod-("', message: expect.stringMatching(/invalid regular expression/) },
      'wrong-team': { kind: 'matcher-failed', matcher: 'team="storage"', index: 1, labelValue: 'payments' },
      missing: { kind: 'matcher-failed', matcher: 'namespace="db"', index: 0, labelValue: null },
      winner: { kind: 'selected' },
      also: { kind: 'matched-but-earlier-rule-won', winnerId: 'winner' },
    });
  });

  it('property: deterministic, order-respecting, and independent of the input array order', () => {
    // alertname equalities exercise the alertname index (the brute-force reference below has none).
    const matcherArb = fc.constantFrom('team="payments"', 'team="storage"', 'severity=~"crit.*"', 'cluster!="prod-eu"', 'env=""', 'x=~"("', 'alertname=~"High.*|Disk.*"', 'alertname="HighErrorRate"', 'alertname="DiskFull"', 'alertname!="DiskFull"');
    const ruleArb = fc.record({ order: fc.integer({ min: 0, max: 5 }), matchers: fc.array(matcherArb, { maxLength: 3 }), active: fc.boolean() });
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 12 }), fc.constantFrom('HighErrorRate', 'DiskFull', 'Other', undefined), (specs, alertname) => {
        const labels = alertname === undefined ? { team: 'payments', severity: 'critical', cluster: 'prod-eu' } : { ...baseLabels, alertname };
        const rules = specs.map((s, i) => storedRuleSchema.parse({ ...makeRule(), id: `r${i}`, ...s }));
        const chosen = selectRule(rules, labels);
        expect(selectRule([...rules].reverse(), labels)?.id).toBe(chosen?.id);
        expect(selectRule(rules, labels)?.id).toBe(chosen?.id);
        // Reference: the brute-force definition.
        const holds = (text: string): boolean => {
          const p = parseMatcher(text);
          const c = p.ok ? compileMatcher(p.value) : undefined;
          return c !== undefined && c.ok && matchesAll([c.value], labels);
        };
        const matching = rules.filter((x) => x.active && x.matchers.length > 0 && x.matchers.every(holds));
        const expected = [...matching].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1))[0];
        expect(chosen?.id).toBe(expected?.id);
      }),
      { numRuns: 300 },
    );
  });
});

describe('YAML export/import', () => {
  const rules = [
    makeRule({ id: 'b', order: 2, matchers: ['team="a \\"quoted\\" team"', 'cluster=~"prod-.*"'], customFields: { customfield_10010: { value: '{{ labels.team }}' } }, components: ['Payments'] }),
    makeRule({ id: 'a', order: 1, grouping: 'fingerprint', reFire: { policy: 'reopen', transition: { by: 'id', id: '31' } }, resolve: { policy: 'comment-and-transition', transition: { by: 'name', name: 'Done' } } }),
  ];

  it('round-trips, sorted by order', () => {
    const text = exportRulesYaml(rules);
    expect(text).toMatch(/^version: 1/);
    const back = importRulesYaml(text);
    expect(back).toEqual({ ok: true, value: [rules[1], rules[0]] });
  });

  it('reports YAML syntax errors with a line', () => {
    const r = importRulesYaml('version: 1\nrules:\n  - id: a\n   name: x\n');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error[0]?.path).toBe('(yaml)');
      expect(r.error[0]?.line).toBeGreaterThan(0);
    }
  });

  it('validates against the save schema, with paths', () => {
    const text = exportRulesYaml(rules).replace('cluster=~"prod-.*"', 'cluster=~"prod-("');
    const r = importRulesYaml(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual([{ path: 'rules.0.matchers.0', message: expect.stringMatching(/invalid regular expression/) }]);
  });

  it('refuses duplicate ids, a wrong version and non-objects', () => {
    const dup = importRulesYaml(exportRulesYaml([rules[0] as Rule, { ...(rules[0] as Rule), order: 5 }]));
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.error[0]).toEqual({ path: 'rules.1.id', message: expect.stringMatching(/duplicate rule id "b"/) });
    const v2 = importRulesYaml('version: 2\nrules: []\n');
    expect(v2.ok).toBe(false);
    if (!v2.ok) expect(v2.error[0]?.path).toBe('version');
    expect(importRulesYaml('just a string').ok).toBe(false);
    expect(importRulesYaml('').ok).toBe(false);
  });

  it('refuses duplicate keys and alias bombs without hanging', () => {
    expect(importRulesYaml('version: 1\nversion: 1\nrules: []\n').ok).toBe(false);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(importRulesYaml(bomb).ok).toBe(false);
  });
});

describe('bench function', () => {
  it('matches the generated alerts against 1,000 rules and reports a duration (no timing assertion)', () => {
    const r = benchRuleMatchingDetailed();
    expect(r.matched).toBe(59);
    expect(r.totalMs).toBeGreaterThan(0);
  });
});
