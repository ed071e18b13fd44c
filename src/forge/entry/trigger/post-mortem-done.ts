import { incidentGroupKey } from '../../../shared/impact';
import { IncidentKeys, loadRecord } from '../../incidents/incident-store';
import type { Clock } from '../../ports/clock';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import { concurrencyKeyFor } from '../webtrigger/ingest';

/**
 * The second half of the closure rule (incidents/closure-gate.ts): a post-mortem issue that moves into a done
 * status, of an incident Impact has CLOSED while its issue was held open, queues a resync of that incident in
 * its queue lane, which closes the issue through the ordinary Impact → Jira sync. One KVS read for any other
 * issue that reaches done; nothing else.
 */
export async function closeAfterPostMortem(
  change: { readonly issueId: string; readonly statusCategory: string | undefined; readonly statusChanged: boolean },
  deps: { readonly store: KeyValueStore; readonly queue: JobQueue; readonly clock: Clock },
): Promise<boolean> {
  if (!change.statusChanged || change.statusCategory !== 'done') return false;
  const incidentId = await deps.store.get<string>(IncidentKeys.postMortemOf(change.issueId));
  if (!incidentId) return false;
  const record = await loadRecord(deps.store, incidentId);
  if (!record.link || record.known?.status !== 'CLOSED') return false;
  const now = deps.clock.now();
  await deps.queue.push([
    {
      body: { kind: 'incident-resync', incidentId, requestId: `pm-done-${change.issueId}-${now}`, requestedAt: now },
      concurrencyKey: concurrencyKeyFor(incidentGroupKey(incidentId)),
    },
  ]);
  return true;
}
