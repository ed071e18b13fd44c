import { resyncWebhook } from '../domain/incidents';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { applyImpactEvent, type ImpactEventResult, type IncidentDeps } from './apply-impact-event';
import { loadRecord } from './incident-store';

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
  // Only to spare Impact a read for an incident that has no issue; the sync checks the link again.
  if (!(await loadRecord(deps.store, incidentId)).link) return { kind: 'not-linked' };
  const fetched = await deps.impact.getIncident(incidentId);
  if (!fetched.ok) return { kind: 'impact-failed', failure: fetched.failure, reason: `reading ${incidentId} from Impact: ${describeImpactFailure(fetched.failure)}` };
  // Undated here: the snapshot option dates it against the record as the sync loads it (guardForSnapshot).
  const webhook = resyncWebhook({ ...fetched.value, id: incidentId }, 0, `resync:${requestId}`);
  const result = await applyImpactEvent(webhook, deps, { snapshot: true });
  return !result.ok && result.kind === 'not-linked' ? { kind: 'not-linked' } : { kind: 'applied', result };
}
