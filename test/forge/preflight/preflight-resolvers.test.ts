/**
 * Issue 16 pre-flight through the local Forge host and the Jira simulator: saving a rule reads Jira's create
 * metadata as the user and refuses what Jira would refuse, in words; the Dry run and `preflightRule` report it;
 * the consumer explains a 400 with the same check (create metadata as the app, cached in KVS).
 */
import type { AlertRuleSaveResult, DryRunReport, IncidentMappingsSaveResult, PreflightReport, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { createMetaCacheKey } from '../../../src/forge/preflight/create-metadata';
import { storedRuleSchema } from '../../../src/forge/domain/alerts';
import { DeliveryKeys } from '../../../src/forge/delivery/delivery-keys';
import { seedRules } from '../alerts/support';
import { IncidentKeys } from '../../../src/forge/incidents/incident-store';
import { sandboxIncidentConfig } from '../../../src/sandbox/incident-config';
import { fixtureBody, relayEvent, startAlertHostWithTeamField, type AlertHost } from '../alerts/host-harness';

const ALICE = '5b10a2844c20165700ede21a';
const DAVE = '60e5a86ab7c1a0006a3f9b12';

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHostWithTeamField();
});
afterEach(() => t.close());

const rule = (over: Record<string, unknown> = {}) => ({ id: 'checkout', name: 'Checkout errors', order: 10, target: { projectKey: 'OPS', issueType: 'Incident' }, matchers: ['alertname="HighErrorRate"'], customFields: { customfield_10050: { value: 'SRE' } }, ...over });
const createMetaCalls = () => t.sim.callLog.entries().filter((e) => e.route.startsWith('/rest/api/3/issue/createmeta/'));

describe('pre-flight when a rule is saved', () => {
  it('refuses an unknown issue type in words, at the field, and stores nothing', async () => {
    const result = await t.resolver<ResolverResult<AlertRuleSaveResult>>('saveAlertRule', { rule: rule({ target: { projectKey: 'OPS', issueType: 'Outage' } }) }, ALICE);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'Jira would refuse issues created in OPS: Jira has no issue type "Outage" you can create in OPS; it has "Incident", "Task", "Bug".',
        problems: [{ path: 'rule.target.issueType', message: 'Jira has no issue type "Outage" you can create in OPS; it has "Incident", "Task", "Bug".' }],
      },
    });
    expect((await t.resolver<{ rules: unknown[] }>('listAlertRules', {}, ALICE)).rules).toHaveLength(0);
    // Read as the signed-in admin, not as the app.
    expect(createMetaCalls().map((e) => [e.route, e.actorIsApp, e.actor])).toEqual([['/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', false, ALICE]]);
  });

  it('refuses a missing required field and an unknown priority and component; saves a rule Jira accepts, with its report', async () => {
    const refused = await t.resolver<ResolverResult<AlertRuleSaveResult>>('saveAlertRule', { rule: rule({ customFields: {}, priority: { label: 'severity', mapping: { critical: 'Urgent' } }, components: ['Billing'] }) }, ALICE);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.problems).toEqual([
      { path: 'rule.priority.mapping.critical', message: 'Jira will not accept "Urgent" for "Priority" in OPS Incident issues; it accepts "Highest", "High", "Medium", "Low", "Lowest".' },
      { path: 'rule.components.0', message: 'Jira will not accept "Billing" for "Components" in OPS Incident issues; it accepts "API", "Payments", "Search".' },
      { path: 'rule.customFields', message: 'Jira requires "Team" (customfield_10050) for Incident issues in OPS, and nothing fills it; add it to the custom fields.' },
    ]);
    const saved = await t.resolver<ResolverResult<AlertRuleSaveResult>>('saveAlertRule', { rule: rule({ components: ['{{ labels.service }}'] }) }, ALICE);
    expect(saved).toMatchObject({ ok: true, value: { revision: 1, preflight: { checked: true, ok: true, projectKey: 'OPS', issueType: 'Incident', findings: [{ severity: 'warning', code: 'templated-value', path: 'components.0' }] } } });
  });

  it('saves an inactive rule Jira would refuse, with the report saying why', async () => {
    const saved = await t.resolver<ResolverResult<AlertRuleSaveResult>>('saveAlertRule', { rule: rule({ active: false, customFields: {} }) }, ALICE);
    expect(saved).toMatchObject({ ok: true, value: { preflight: { ok: false, findings: [{ code: 'missing-required-field' }] } } });
  });
});

describe('preflightRule and the Dry run', () => {
  it('preflightRule answers the report for an unsaved rule, for anyone who can read the project', async () => {
    const report = await t.resolver<ResolverResult<PreflightReport>>('preflightRule', { rule: rule({ customFields: { customfield_10050: { value: 'Ops' } } }) }, DAVE);
    expect(report).toMatchObject({ ok: true, value: { ok: false, findings: [{ severity: 'error', code: 'value-not-allowed', path: 'customFields.customfield_10050', message: 'Jira will not accept "Ops" for "Team" (customfield_10050) in OPS Incident issues; it accepts "SRE", "Payments".' }] } });
    expect(await t.resolver('preflightRule', { rule: { id: 'x' } }, DAVE)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('the Dry run carries each winning rule’s pre-flight', async () => {
    const notification = fixtureBody('01-checkout-first-firing.json');
    const alertname = ((notification['commonLabels'] as Record<string, string>)['alertname']) ?? 'HighErrorRate';
    const result = await t.resolver<ResolverResult<DryRunReport>>('dryRunAlerts', { notification, rules: [rule({ matchers: [`alertname="${alertname}"`], customFields: {} })] }, ALICE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.preflight).toEqual([expect.objectContaining({ ruleId: 'checkout', ok: false, findings: [expect.objectContaining({ code: 'missing-required-field', fieldId: 'customfield_10050' })] })]);
  });
});

describe('the consumer explains a 400', () => {
  it('adds the pre-flight’s words to the failed delivery, reading create metadata as the app once (KVS-cached)', async () => {
    const notification = fixtureBody('01-checkout-first-firing.json');
    const alertname = ((notification['commonLabels'] as Record<string, string>)['alertname']) ?? 'HighErrorRate';
    // A rule stored before the field became required (no pre-flight then): Jira refuses its issues.
    seedRules(t.host, [storedRuleSchema.parse(rule({ matchers: [`alertname="${alertname}"`], customFields: {} }))]);
    await t.post([relayEvent(notification)]);
    const lines = t.host.kvs.query(DeliveryKeys.linePrefix, 20, undefined);
    if (!lines.ok) throw new Error(lines.failure.message);
    const text = JSON.stringify(lines.value.items.map((i) => i.value));
    expect(text).toContain('Team is required.');
    expect(text).toContain('Pre-flight: rule \\"Checkout errors\\": Jira requires \\"Team\\" (customfield_10050) for Incident issues in OPS, and nothing fills it');
    expect(createMetaCalls().every((e) => e.actorIsApp)).toBe(true);
    expect(createMetaCalls()).toHaveLength(2);
    // The next refusal reads the cache: no further create metadata call.
    // Another group: a problem is its rule plus the group's labels (issue 13), so another cluster, not only another groupKey.
    const groupLabels = { ...(notification['groupLabels'] as Record<string, string>), cluster: 'prod-us' };
    await t.post([relayEvent({ ...notification, groupKey: `${String(notification['groupKey'])}-2`, groupLabels })]);
    expect(t.sim.callLog.entries().filter((e) => e.method === 'POST' && e.route === '/rest/api/3/issue' && e.status === 400)).toHaveLength(2);
    expect(createMetaCalls()).toHaveLength(2);
    const cached = t.host.kvs.query(createMetaCacheKey('OPS', 'Incident'), 20, undefined);
    expect(cached.ok && cached.value.items.map((i) => i.key)).toEqual([createMetaCacheKey('OPS', 'Incident')]);
  });
});

describe('pre-flight when the incident mappings are saved', () => {
  it('saves them and reports what Jira would refuse for the incident and post-mortem issue types', async () => {
    // The sandbox's settings (OPS incidents, PM post-mortems), as an admin left them.
    t.host.kvs.set({ kind: 'kv' }, IncidentKeys.config, sandboxIncidentConfig());
    const current = await t.resolver<ResolverResult<{ fields: Record<string, unknown>; postMortem: Record<string, unknown>; statuses: unknown }>>('getIncidentMappings', {}, ALICE);
    if (!current.ok) throw new Error(current.error.message);
    const mappings = {
      ...current.value,
      fields: { ...current.value.fields, projectKey: 'OPS', issueTypeName: 'Outage', customFields: [] },
      postMortem: { ...current.value.postMortem, enabled: true, projectKey: 'PM', issueTypeName: 'Post-mortem' },
    };
    const saved = await t.resolver<ResolverResult<IncidentMappingsSaveResult>>('saveIncidentMappings', { mappings }, ALICE);
    expect(saved.ok ? null : saved.error).toBeNull();
    if (!saved.ok) return;
    expect(saved.value.fields.issueTypeName).toBe('Outage');
    expect(saved.value.preflight?.incident).toMatchObject({ ok: false, findings: [{ code: 'unknown-issue-type', path: 'issueTypeName', message: 'Jira has no issue type "Outage" you can create in OPS; it has "Incident", "Task", "Bug".' }] });
    expect(saved.value.preflight?.postMortem).toMatchObject({ projectKey: 'PM', issueType: 'Post-mortem' });
  });
});
