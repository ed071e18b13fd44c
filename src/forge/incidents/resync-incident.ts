import { resyncWebhook } from '../domain/incidents';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { CONVERGED_FIELDS, EMPTY_LEDGER, observeJiraWrite, observePersonChange, priorityFieldId } from '../domain/incidents';
import { describeJiraFailure } from '../ports/jira';
import { applyImpactEvent, knownOf, type ImpactEventResult, type IncidentDeps } from './apply-impact-event';
import { convergeIncident, impactValuesOf, jiraValuesOf } from './converge';
import { loadRecord, loadUsers, updateRecord } from './incident-store';
import { SYNC_OFF_SUMMARY, configForIssueKey, incidentSyncEnabled } from './incident-settings';

export type ResyncResult =
  | { readonly kind: 'not-linked' }
  | { readonly kind: 'impact-failed'; readonly failure: ImpactFailure; readonly reason: string }
  | { readonly kind: 'applied'; readonly result: ImpactEventResult };

/**
 * "Resync now": Jira is made to match Impact's current incident through the ordinary Impact → Jira sync
 * (the same plan, commands and loop guard as a webhook), so it writes only the linked issue, registers its
 * Jira writes as bounce keys and never writes Impact back. Run from the queue in the incident's lane.
 */
export async function resyncIncident(incidentId: string, requestId: string, deps: IncidentDeps, side: 'impact' | 'jira' = 'impact'): Promise<ResyncResult> {
  // Only to spare Impact a read for an incident that has no issue; the sync checks the link again.
  const record = await loadRecord(deps.store, incidentId);
  if (!record.link) return { kind: 'not-linked' };
  if (side === 'jira') {
    // Off: Jira's values are not pushed to Impact (the Impact side is skipped by applyImpactEvent).
    if (!(await incidentSyncEnabled(deps.store))) return { kind: 'applied', result: { ok: true, incidentId, summary: SYNC_OFF_SUMMARY, problems: [] } };
    return resyncFromJira(incidentId, record.link.issueId, record.link.issueKey, deps);
  }
  const fetched = await deps.impact.getIncident(incidentId);
  if (!fetched.ok) return { kind: 'impact-failed', failure: fetched.failure, reason: `reading ${incidentId} from Impact: ${describeImpactFailure(fetched.failure)}` };
  // Undated here: the snapshot option dates it against the record as the sync loads it (guardForSnapshot).
  const webhook = resyncWebhook({ ...fetched.value, id: incidentId }, 0, `resync:${requestId}`);
  const result = await applyImpactEvent(webhook, deps, { snapshot: true });
  return !result.ok && result.kind === 'not-linked' ? { kind: 'not-linked' } : { kind: 'applied', result };
}

/**
 * "Use Jira's values": the issue's current status, priority, assignee and summary count as the newest person
 * change (now), and convergence brings Impact to them (conditional writes, as for any Jira change).
 */
async function resyncFromJira(incidentId: string, issueId: string, issueKey: string, deps: IncidentDeps): Promise<ResyncResult> {
  const config = await configForIssueKey(deps.store, issueKey);
  const fields = await deps.jira.getIssueFields(issueId, ['status', 'assignee', 'summary', priorityFieldId(config.fields.priority)]);
  if (!fields.ok) return { kind: 'applied', result: { ok: false, kind: 'jira', incidentId, failure: fields.failure, reason: `reading the issue: ${describeJiraFailure(fields.failure)}` } };
  const onJira = jiraValuesOf(fields.value, config);
  const now = deps.clock.now();
  const record = await loadRecord(deps.store, incidentId);
  let ledger = record.ledger ?? EMPTY_LEDGER;
  for (const field of CONVERGED_FIELDS) {
    ledger = observeJiraWrite(ledger, field, onJira[field], now);
    ledger = observePersonChange(ledger, field, { side: 'jira', value: onJira[field], at: now });
  }
  let impact = record.impact;
  if (!impact) {
    const read = await deps.impact.getIncident(incidentId);
    if (!read.ok) return { kind: 'impact-failed', failure: read.failure, reason: `reading ${incidentId} from Impact: ${describeImpactFailure(read.failure)}` };
    impact = { values: impactValuesOf(read.value), version: read.value.version };
  }
  const converged = await convergeIncident({ incidentId, issueId, config, users: await loadUsers(deps.store), ledger, impact, link: record.link }, deps);
  await updateRecord(deps.store, incidentId, (latest) => ({ ...latest, ledger: converged.ledger, impact: converged.impact, outOfSync: converged.outOfSync, known: converged.incident ? knownOf(converged.incident, now) : latest.known }));
  if (converged.impactFailure) return { kind: 'impact-failed', failure: converged.impactFailure, reason: converged.problems.join('; ') };
  const summary = converged.notes.join('; ') || 'Impact already matched Jira';
  return { kind: 'applied', result: { ok: true, incidentId, summary, problems: converged.problems } };
}
