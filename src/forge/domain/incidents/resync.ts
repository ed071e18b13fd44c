/**
 * "Resync now" as data: Impact's current incident becomes an ordinary `incident.updated` for the Impact → Jira
 * plan, and the loop guard is prepared so that a fresh read is neither stale nor taken for our own echo.
 */
import { IMPACT_CONTRACT_VERSION, type ImpactIncident } from '../../../shared/impact/incident';
import type { ImpactWebhook, UpdatedFields } from '../../../shared/impact/webhook';
import type { GuardState } from './loop-guard';

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
export function guardForSnapshot(guard: GuardState, incidentId: string, now: number, knownAt: number | undefined): { guard: GuardState; occurredAt: number } {
  const impactMarks = guard.watermarks.filter((w) => w.side === 'impact' && w.entityId === incidentId).map((w) => w.at);
  const occurredAt = Math.max(now, knownAt ?? 0, ...impactMarks);
  return { guard: { bounces: guard.bounces.filter((b) => !(b.side === 'impact' && b.entityId === incidentId)), watermarks: [...guard.watermarks] }, occurredAt };
}
