/** Shared by the alert tests: rules for the fixtures, seeding them, and reading the Jira simulator. */
import { storedRuleSchema, type Rule, type RuleInput } from '../../../src/forge/domain/alerts';
import { StorageKeys } from '../../../src/forge/constants';
import type { ForgeHost } from '../../../src/sandbox/forge-host';
import type { JiraSimulator } from '../../../src/sandbox/jira-sim';
import type { CallLogEntry } from '../../../src/sandbox/jira-sim';

/** HighErrorRate: one issue per Alertmanager group, closed on resolve. Disk: one per fingerprint, comment only. */
export function fixtureRules(overrides: { checkout?: Partial<RuleInput>; disk?: Partial<RuleInput> } = {}): Rule[] {
  return [
    storedRuleSchema.parse({
      id: 'checkout',
      name: 'Checkout errors',
      order: 10,
      target: { projectKey: 'OPS', issueType: 'Incident' },
      matchers: ['alertname="HighErrorRate"', 'cluster=~"prod-.*"'],
      priority: { label: 'severity', mapping: { critical: 'Highest', warning: 'Medium' }, default: 'Low' },
      grouping: 'group',
      resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } },
      ...overrides.checkout,
    }),
    storedRuleSchema.parse({
      id: 'disk',
      name: 'Disks',
      order: 20,
      target: { projectKey: 'OPS', issueType: 'Task' },
      matchers: ['alertname="DiskFilling"'],
      grouping: 'fingerprint',
      resolve: { policy: 'comment' },
      ...overrides.disk,
    }),
  ];
}

export function seedRules(host: ForgeHost, rules: readonly Rule[]): void {
  const result = host.kvs.set({ kind: 'kv' }, StorageKeys.alertRules, { version: 1, revision: 1, rules });
  if (!result.ok) throw new Error(result.failure.message);
}

/** Jira calls the app made (as the app), optionally only since an index of the call log. */
export function appCalls(sim: JiraSimulator, since = 0): CallLogEntry[] {
  return sim.callLog.entries().slice(since).filter((e) => e.actorIsApp);
}

export function issues(sim: JiraSimulator) {
  return [...sim.state.issues.values()];
}

export function issueBySummary(sim: JiraSimulator, fragment: string) {
  return issues(sim).filter((i) => i.summary.includes(fragment));
}

export function statusName(sim: JiraSimulator, issue: { projectKey: string; statusId: string }): string {
  const project = sim.state.findProject(issue.projectKey);
  if (!project) throw new Error('no project');
  return sim.state.statusOf(project, issue.statusId).name;
}
