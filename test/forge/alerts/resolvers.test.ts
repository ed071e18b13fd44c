/**
 * Rule resolvers through the local host's Custom UI endpoint: server-side validation, the project-admin
 * check (asked of Jira as the user), ordering, YAML export/import with error paths, and the dry run.
 */
import type { AlertRuleList, DryRunReport, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

const ALICE = '5b10a2844c20165700ede21a'; // administers every project
const BOB = '5b10ac8d82e05b22cc7d4ef5'; // administers OPS only
const DAVE = '60e5a86ab7c1a0006a3f9b12'; // administers nothing

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost();
});
afterEach(() => t.close());

const rule = (id: string, projectKey = 'OPS', order = 10) => ({ id, name: `Rule ${id}`, order, target: { projectKey, issueType: 'Task' }, matchers: ['alertname="DiskFilling"'] });

describe('alert rule resolvers', () => {
  it('saves, lists, reorders and deletes rules for a project administrator', async () => {
    const saved = await t.resolver<ResolverResult<AlertRuleList>>('saveAlertRule', { rule: rule('a') }, ALICE);
    expect(saved).toMatchObject({ ok: true, value: { revision: 1, rules: [{ id: 'a', active: true, grouping: 'group' }] } });
    await t.resolver('saveAlertRule', { rule: rule('b', 'OPS', 20) }, BOB);
    const reordered = await t.resolver<ResolverResult<AlertRuleList>>('reorderAlertRules', { ids: ['b', 'a'], expectedRevision: 2 }, BOB);
    expect(reordered.ok && reordered.value.rules.map((r) => [r.id, r.order])).toEqual([
      ['b', 10],
      ['a', 20],
    ]);
    const stale = await t.resolver<ResolverResult<AlertRuleList>>('deleteAlertRule', { id: 'a', expectedRevision: 1 }, BOB);
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await t.resolver('deleteAlertRule', { id: 'a' }, BOB);
    expect((await t.resolver<AlertRuleList>('listAlertRules', {}, DAVE)).rules.map((r) => r.id)).toEqual(['b']);
  });

  it('refuses writes from users who do not administer the projects involved, and unsigned calls', async () => {
    expect(await t.resolver('saveAlertRule', { rule: rule('pm', 'PM') }, BOB)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('PM') } });
    expect(await t.resolver('saveAlertRule', { rule: rule('ops') }, DAVE)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.resolver('saveAlertRule', { rule: rule('ops') })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await t.resolver<AlertRuleList>('listAlertRules', {}, ALICE)).rules).toHaveLength(0);
  });

  it('validates a rule server-side and answers every problem with its path', async () => {
    const bad = { ...rule('x'), matchers: ['alertname=~"(unclosed"', 'severity="critical"'], target: { projectKey: 'ops', issueType: 'Task' } };
    const result = await t.resolver<ResolverResult<AlertRuleList>>('saveAlertRule', { rule: bad }, ALICE);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : (result.error.problems ?? []).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['rule.target.projectKey']));
    const matcher = await t.resolver<ResolverResult<AlertRuleList>>('saveAlertRule', { rule: { ...rule('y'), matchers: ['alertname=~"(unclosed"'] } }, ALICE);
    expect(matcher.ok ? [] : matcher.error.problems?.map((p) => p.path)).toEqual(['rule.matchers.0']);
  });

  it('exports YAML and imports it back; a bad file changes nothing and says where it is wrong', async () => {
    await t.resolver('saveAlertRule', { rule: rule('a') }, ALICE);
    const { yaml } = await t.resolver<{ yaml: string }>('exportAlertRules', {}, ALICE);
    expect(yaml).toContain('id: a');
    const broken = yaml.replace('alertname="DiskFilling"', 'alertname=~"["');
    const refused = await t.resolver<ResolverResult<AlertRuleList>>('importAlertRules', { yaml: broken }, ALICE);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', problems: [{ path: 'rules.0.matchers.0' }] } });
    const imported = await t.resolver<ResolverResult<AlertRuleList>>('importAlertRules', { yaml: yaml.replace('name: Rule a', 'name: Imported') }, ALICE);
    expect(imported).toMatchObject({ ok: true, value: { rules: [{ id: 'a', name: 'Imported' }] } });
  });

  it('dry-runs a notification: the winning rule and why not the others, the content, the Jira calls; nothing runs', async () => {
    seedRules(t.host, fixtureRules());
    const notification = fixtureBody('01-checkout-first-firing.json');
    const report = await t.resolver<ResolverResult<DryRunReport>>('dryRunAlerts', { notification }, DAVE);
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.alerts[0]).toMatchObject({ selectedRuleId: 'checkout', rules: [{ ruleId: 'checkout', verdict: { kind: 'selected' } }, { ruleId: 'disk', verdict: { kind: 'matcher-failed' } }] });
    expect(report.value.problems).toHaveLength(1);
    expect(report.value.problems[0]!.summary).toMatch(/^\[Critical\] /);
    expect(report.value.problems[0]!.jiraCalls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /rest/api/3/issue']);
    expect(t.sim.callLog.count((c) => c.actorIsApp)).toBe(0);

    await t.post([relayEvent(notification)]);
    expect(issues(t.sim)).toHaveLength(1);
    const resolved = await t.resolver<ResolverResult<DryRunReport>>('dryRunAlerts', { notification: fixtureBody('06-checkout-all-resolved.json') }, DAVE);
    expect(resolved.ok && resolved.value.problems[0]!.jiraCalls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST']);
    const invalid = await t.resolver<ResolverResult<DryRunReport>>('dryRunAlerts', { notification: { version: '4' } }, DAVE);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
