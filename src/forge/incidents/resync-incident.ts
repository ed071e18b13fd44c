import { IMPACT_CONTRACT_VERSION, type ImpactIncident } from '../../shared/impact/incident';
import type { ImpactWebhook, UpdatedFields } from '../../shared/impact/webhook';
import type { GuardState } from '../domain/incidents';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { applyImpactEvent, type ImpactEventResult, type IncidentDeps } from './apply-impact-event';
import { loadRecord, saveRecord } from './incident-store';

export type ResyncResult =
  | { readonly kind: 'not-linked' }
  | { readonly kind: 'impact-failed'; readonly failure: ImpactFailure; readonly reason: string }
  | { readonly kind: 'applied'; readonly result: ImpactEventResult };

/**
 * The incident as Impact holds it now, as an `incident.updated` that names every field Impact owns (all but
 * key events, which feed the post-mortem). The plan then re-evaluates each field; `previous` values are
 * never read by it, so the current ones stand in. System origin: not our marker, so it is not dropped as
 * our own echo, and commanders are looked up as for any webhook.
 */
export function resyncWebhook(incident: ImpactIncident, occurredAt: number, eventId: string): ImpactWebhook {
  const updated_fields: UpdatedFields = {
    title: { previous: incident.title },
    description: { previous: incident.description },
    status: { previous: incident.status },
    priority: { previous: incident.priority },
    commander: { previous: incident.commander },
    environments: { previous: incident.environments },
    platform: { previous: incident.platform },
    business_impact: { previous: incident.business_impact },
    custom_ids: { previous: incident.custom_ids },
  };
  return {
    contract_version: IMPACT_CONTRACT_VERSION,
    event_id: eventId,
    event: 'incident.updated',
    occurred_at: new Date(occurredAt).toISOString(),
    origin: { type: 'system', marker: null },
    updated_fields,
    incident,
  };
}

/**
 * A read of Impact is not an event in the guard's sense: it is the state after every change that
 * happened before it. So the snapshot (1) is dated no earlier than the newest Impact time the guard has
 * seen for the incident, which the monotonic guard would otherwise call stale (clock skew, or a Jira →
 * Impact write dated by our clock), and (2) must not be taken for the echo of our own Impact write: those
 * bounce keys go. Their real echoes, when they arrive, predate the snapshot and are dropped as stale.
 */
export function prepareGuardForSnapshot(guard: GuardState, incidentId: string, now: number, knownAt: number | undefined): { guard: GuardState; occurredAt: number } {
  const impactMarks = guard.watermarks.filter((w) => w.side === 'impact' && w.entityId === incidentId).map((w) => w.at);
  const occurredAt = Math.max(now, knownAt ?? 0, ...impactMarks);
  return { guard: { bounces: guard.bounces.filter((b) => !(b.side === 'impact' && b.entityId === incidentId)), watermarks: [...guard.watermarks] }, occurredAt };
}

/**
 * "Resync now": Jira is made to match Impact's current incident through the ordinary Impact → Jira sync
 * (the same plan, commands and loop guard as a webhook), so it writes only the linked issue, registers its
 * Jira writes as bounce keys and never writes Impact back. Run from the queue in the incident's lane.
 */
export async function resyncIncident(incidentId: string, requestId: string, deps: IncidentDeps): Promise<ResyncResult> {
  if (!(await loadRecord(deps.store, incidentId)).link) return { kind: 'not-linked' };
  const fetched = await deps.impact.getIncident(incidentId);
  if (!fetched.ok) return { kind: 'impact-failed', failure: fetched.failure, reason: `reading ${incidentId} from Impact: ${describeImpactFailure(fetched.failure)}` };
  // Read again after the GET: the snapshot's guard adjustment applies to the record as it is now.
  const record = await loadRecord(deps.store, incidentId);
  if (!record.link) return { kind: 'not-linked' };
  const prepared = prepareGuardForSnapshot(record.guard, incidentId, deps.clock.now(), record.known?.updatedAt);
  await saveRecord(deps.store, incidentId, { ...record, guard: prepared.guard });
  const webhook = resyncWebhook({ ...fetched.value, id: incidentId }, prepared.occurredAt, `resync:${requestId}`);
  return { kind: 'applied', result: await applyImpactEvent(webhook, deps) };
}
