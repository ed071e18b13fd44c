import { guardForSnapshot, resyncWebhook } from '../domain/incidents';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { applyImpactEvent, type ImpactEventResult, type IncidentDeps } from './apply-impact-event';
import { loadRecord, saveRecord } from './incident-store';

export type ResyncResult =
  | { readonly kind: 'not-linked' }
  | { readonly kind: 'impact-failed'; readonly failure: ImpactFailure; readonly reason: string }
  | { readonly kind: 'applied'; readonly result: ImpactEventResult };

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
  const prepared = guardForSnapshot(record.guard, incidentId, deps.clock.now(), record.known?.updatedAt);
  await saveRecord(deps.store, incidentId, { ...record, guard: prepared.guard });
  const webhook = resyncWebhook({ ...fetched.value, id: incidentId }, prepared.occurredAt, `resync:${requestId}`);
  return { kind: 'applied', result: await applyImpactEvent(webhook, deps) };
}
