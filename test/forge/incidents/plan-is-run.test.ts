/**
 * Production runs the plan the domain returns: an Impact status change applied by applyImpactEvent (real
 * adapters, Jira simulator) makes exactly the transitions of planImpactToJira's transition-issue command,
 * planned on the issue's status and the learned workflow, and stores that plan's loop-guard state.
 */
import { createForgeKvsStore } from '../../../src/forge/adapters/forge-kvs-store';
import { createJiraIncidentPort } from '../../../src/forge/adapters/jira-incidents-rest';
import { applyImpactEvent } from '../../../src/forge/incidents/apply-impact-event';
import { IncidentKeys, loadRecord } from '../../../src/forge/incidents/incident-store';
import { planImpactToJira, type IncidentSyncConfig } from '../../../src/forge/domain/incidents';
import { graphOf, withStatus, asWorkflowStatus } from '../../../src/forge/domain/workflow';
import { readLearnedWorkflow } from '../../../src/forge/workflow/transition-cache';
import type { ImpactPort } from '../../../src/forge/ports/impact';
import type { JiraIncidentPort } from '../../../src/forge/ports/jira-incidents';
import type { ImpactIncident } from '../../../src/shared/impact/incident';
import type { ImpactWebhook } from '../../../src/shared/impact/webhook';
import { sandboxIncidentConfig } from '../../../src/sandbox/incident-config';
import { startAlertHost, type AlertHost } from '../alerts/host-harness';

jest.setTimeout(30_000);

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost({ rateLimits: false });
});
afterEach(() => t.close());

const T0 = Date.parse('2026-03-02T09:00:00Z');
let now = T0;
const clock = { now: () => now };
const silent = { info() {}, warn() {}, error() {} };
/** This change needs no Impact call (no post-mortem): any call fails the test. */
const noImpact: ImpactPort = {
  getIncident: () => Promise.reject(new Error('unexpected Impact call')),
  updateIncident: () => Promise.reject(new Error('unexpected Impact call')),
  postNote: () => Promise.reject(new Error('unexpected Impact call')),
  updateNote: () => Promise.reject(new Error('unexpected Impact call')),
  deleteNote: () => Promise.reject(new Error('unexpected Impact call')),
  getFollowUp: () => Promise.reject(new Error('unexpected Impact call')),
  updateFollowUp: () => Promise.reject(new Error('unexpected Impact call')),
};

/** The real Jira port, noting each transition id the app POSTs (the call still goes to the simulator). */
function recordingJira(seen: string[]): JiraIncidentPort {
  const real = createJiraIncidentPort(clock);
  return { ...real, transitionIssue: (issue, transitionId) => (seen.push(transitionId), real.transitionIssue(issue, transitionId)) };
}

function incident(id: string, status: ImpactIncident['status'], at: number): ImpactIncident {
  const iso = new Date(at).toISOString();
  return {
    id,
    title: `Checkout 502s (${id})`,
    description: 'Payments fail.',
    status,
    priority: 2,
    commander: null,
    environments: ['PRD'],
    platform: 'platform-FR',
    business_impact: 'Conversion down',
    custom_ids: {},
    key_events: [],
    status_history: [{ status: 'OPEN', at: new Date(T0).toISOString() }, ...(status === 'OPEN' ? [] : [{ status, at: iso }])],
    created_at: new Date(T0).toISOString(),
    updated_at: iso,
    url: `https://impact.example.com/incidents/${id}`,
    version: status === 'OPEN' ? 1 : 2,
  };
}
const origin: ImpactWebhook['origin'] = { type: 'user', user: { email: 'jane.doe@example.com', name: 'Jane Doe' }, marker: null };
const createdHook = (inc: ImpactIncident): ImpactWebhook => ({ contract_version: 1, event_id: `created-${inc.id}`, event: 'incident.created', occurred_at: inc.created_at, origin, updated_fields: {}, incident: inc });
const statusHook = (inc: ImpactIncident, previous: ImpactIncident['status']): ImpactWebhook => ({
  contract_version: 1,
  event_id: `updated-${inc.id}-${inc.status}`,
  event: 'incident.updated',
  occurred_at: inc.updated_at,
  origin,
  updated_fields: { status: { previous } },
  incident: inc,
});

describe('an Impact status change', () => {
  it('makes the transitions of the plan the domain returns, and records the move in the convergence ledger', async () => {
    const store = createForgeKvsStore();
    const config: IncidentSyncConfig = sandboxIncidentConfig();
    await store.set(IncidentKeys.config, config);
    const seen: string[] = [];
    const deps = { store, clock, logger: silent, impact: noImpact, jira: recordingJira(seen) };

    // A first incident walks OPEN → MITIGATING → MITIGATED: the app learns Incoming's and in progress's transitions.
    now = T0 + 1_000;
    expect(await applyImpactEvent(createdHook(incident('INC-1', 'OPEN', T0)), deps)).toMatchObject({ ok: true });
    now = T0 + 60_000;
    expect(await applyImpactEvent(statusHook(incident('INC-1', 'MITIGATING', now - 500), 'OPEN'), deps)).toMatchObject({ ok: true });
    now = T0 + 120_000;
    expect(await applyImpactEvent(statusHook(incident('INC-1', 'MITIGATED', now - 500), 'MITIGATING'), deps)).toMatchObject({ ok: true });

    // A second incident jumps OPEN → MITIGATED: two workflow steps, planned on what was learned.
    now = T0 + 180_000;
    expect(await applyImpactEvent(createdHook(incident('INC-2', 'OPEN', T0)), deps)).toMatchObject({ ok: true });
    now = T0 + 240_000;
    const webhook = statusHook(incident('INC-2', 'MITIGATED', now - 500), 'OPEN');
    const before = await loadRecord(store, 'INC-2');
    const jira = createJiraIncidentPort(clock);
    const current = await jira.getIssueStatus(before.link!.issueId);
    if (!current.ok) throw new Error(JSON.stringify(current.failure));
    const { learned } = await readLearnedWorkflow(store, 'OPS');
    const plan = planImpactToJira({
      webhook,
      config,
      link: before.link,
      jiraStatusId: current.value.status.id,
      workflow: graphOf(withStatus(learned, asWorkflowStatus(current.value.status)), current.value.status.id),
      users: [],
      guard: before.guard,
      now,
    });
    const planned = plan.commands.find((c) => c.kind === 'transition-issue');
    if (!planned || planned.kind !== 'transition-issue') throw new Error('the domain planned no transition');
    expect(planned.steps.map((s) => s.toStatusName)).toEqual(['in progress', 'Reporter validation']);

    seen.length = 0;
    const history = t.sim.state.issues.get(before.link!.issueId)!.changelog;
    const historyBefore = history.length;
    const result = await applyImpactEvent(webhook, deps);
    expect(result).toMatchObject({ ok: true, summary: expect.stringContaining('moved to Reporter validation in 2 step(s)') });
    expect(seen).toEqual(planned.steps.map((s) => s.transitionId));
    // The status changes the simulator recorded are the plan's steps, from status to status.
    const sawMoves = history.slice(historyBefore).flatMap((h) => h.items.filter((i) => i.field === 'status').map((i) => `${i.from} → ${i.to}`));
    expect(sawMoves).toEqual(planned.steps.map((s) => `${s.fromStatusId} → ${s.toStatusId}`));
    const after = await jira.getIssueStatus(before.link!.issueId);
    expect(after.ok && after.value.status.name).toBe('Reporter validation');
    // A linked incident's status converges (issue 15, domain/incidents/convergence.ts): its echo is told
    // apart by the ledger, which records the person's change and what Jira holds now, not by bounce keys.
    const ledger = (await loadRecord(store, 'INC-2')).ledger;
    expect(ledger?.fields.status?.winner).toMatchObject({ side: 'impact', value: 'MITIGATED' });
    expect(ledger?.fields.status?.jira?.value).toBe('reporter validation');
  });
});
