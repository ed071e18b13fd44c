import type { KeyValueStore } from '../ports/key-value-store';
import { IncidentKeys } from './incident-store';

/** The newest "Resync now" of an incident, as the panel polls it (ms timestamps). */
export interface IncidentResyncRequest {
  readonly requestId: string;
  readonly requestedAt: number;
  readonly finishedAt: number | null;
  /** pending: queued, not run yet; not-linked: the incident lost its issue (unlinked) before the job ran. */
  readonly outcome: 'pending' | 'synced' | 'failed' | 'not-linked';
  /** What the sync did, or why it failed. */
  readonly detail: string | null;
}

export async function loadResyncRequest(store: KeyValueStore, incidentId: string): Promise<IncidentResyncRequest | undefined> {
  return store.get<IncidentResyncRequest>(IncidentKeys.resync(incidentId));
}

/**
 * Records how a request ended, unless a newer request replaced it meanwhile (a retried old job must not
 * hide the newer one the panel is waiting for).
 */
export async function finishResyncRequest(
  store: KeyValueStore,
  incidentId: string,
  requestId: string,
  end: { readonly outcome: Exclude<IncidentResyncRequest['outcome'], 'pending'>; readonly detail: string; readonly at: number },
): Promise<void> {
  const current = await loadResyncRequest(store, incidentId);
  if (!current || current.requestId !== requestId) return;
  await store.set(IncidentKeys.resync(incidentId), { ...current, finishedAt: end.at, outcome: end.outcome, detail: end.detail } satisfies IncidentResyncRequest);
}
