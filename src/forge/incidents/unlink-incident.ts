import type { KeyValueStore } from '../ports/key-value-store';
import { IncidentKeys, loadRecord, updateRecord } from './incident-store';

/**
 * The app forgets that an issue tracks an incident: the record's link (so the next Impact event for the
 * incident opens a new issue), the issue → incident index (so the trigger stops syncing the issue), the
 * post-mortem's reverse key and the pending resync. The loop guard and last known values stay: they keep
 * a delayed older webhook from counting as news. The issue's entity property is the caller's (a Jira write).
 */
export async function forgetIncidentLink(store: KeyValueStore, incidentId: string, issueId: string): Promise<void> {
  const record = await loadRecord(store, incidentId);
  if (record.link && record.link.issueId === issueId) {
    if (record.link.postMortem) await store.delete(IncidentKeys.postMortemOf(record.link.postMortem.issueId));
    // The ledger goes with the link: a new issue starts from what it is created with.
    await updateRecord(store, incidentId, (latest) => (latest.link?.issueId === issueId ? { ...latest, link: null, ledger: undefined, outOfSync: [] } : latest));
  }
  await store.delete(IncidentKeys.byIssue(issueId));
  // The next issue of the incident is a new one: no earlier attempt to look for.
  await store.delete(IncidentKeys.creating(incidentId));
  await store.delete(IncidentKeys.creatingPostMortem(incidentId));
  await store.delete(IncidentKeys.resync(incidentId));
}
