import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertmanagerWebhookSchema, type AlertmanagerWebhook } from '../../../../src/shared/alertmanager-webhook';
import { storedRuleSchema, type Rule, type RuleInput } from '../../../../src/forge/domain/alerts/rules';

export const FIXTURES = join(__dirname, '../../../../../shared/fixtures/alertmanager');

export interface Delivery {
  readonly name: string;
  readonly receivedAt: string;
  readonly body: AlertmanagerWebhook;
}

/** The real Alertmanager sequence 01→07, parsed with the shared schema, in arrival order. */
export function fixtureSequence(): Delivery[] {
  const seq = JSON.parse(readFileSync(join(FIXTURES, 'sequence.json'), 'utf8')) as { file: string; receivedAt: string }[];
  return seq.map((s) => ({
    name: s.file.replace(/\.json$/, ''),
    receivedAt: s.receivedAt,
    body: alertmanagerWebhookSchema.parse(JSON.parse(readFileSync(join(FIXTURES, s.file), 'utf8'))),
  }));
}

export function fixture(prefix: string): Delivery {
  const d = fixtureSequence().find((x) => x.name.startsWith(prefix));
  if (!d) throw new Error(`no fixture ${prefix}`);
  return d;
}

export function makeRule(overrides: Partial<RuleInput> = {}): Rule {
  return storedRuleSchema.parse({
    id: 'r1',
    name: 'Production alerts',
    order: 10,
    target: { projectKey: 'OPS', issueType: 'Bug' },
    matchers: ['cluster=~"prod-.*"'],
    priority: { label: 'severity', mapping: { critical: 'Highest', warning: 'Medium' }, default: 'Low' },
    ...overrides,
  });
}

/** One rule per resolve and re-fire policy the alert tests cover. */
export const ruleVariants = {
  group: makeRule(),
  groupTransition: makeRule({ resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } } }),
  fingerprint: makeRule({ grouping: 'fingerprint' }),
  fingerprintTransition: makeRule({ grouping: 'fingerprint', resolve: { policy: 'comment-and-transition', transition: { by: 'id', id: '31' } } }),
  reopen: makeRule({
    resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } },
    reFire: { policy: 'reopen', transition: { by: 'name', name: 'Reopen' } },
  }),
};
