import {
  DEFAULT_INCIDENT_SYNC_CONFIG,
  EMPTY_GUARD_STATE,
  type GuardState,
  type IncidentLink,
  type IncidentSyncConfig,
  type KnownIncident,
  type UserLink,
} from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * KVS layout of the incident sync. One record per incident holds the link, the loop-guard state and the
 * last known Impact values, so an event costs one read and one write of it.
 */
export const IncidentKeys = {
  /** IncidentSyncConfig (one for the site; the default is used when absent). */
  config: 'incident-config',
  record: (incidentId: string) => `incident:${incidentId}`,
  /** issue id → incident id, for the trigger and the workflow validator. */
  byIssue: (issueId: string) => `incident-issue:${issueId}`,
  /** UserLink[]: Impact user ⇄ Jira account pairs found so far. */
  users: 'incident-users',
  /** UnmatchedCommander[]: Impact commanders with no (or no single) Jira account, for the settings page. */
  unmatchedUsers: 'incident-unmatched-users',
  /**
   * post-mortem issue id → incident id, so the post-mortem's panel can link back. Deliberately not under
   * `incident-issue:`: the trigger reads that index to sync incident issues, and a post-mortem is not one.
   */
  postMortemOf: (issueId: string) => `incident-pm:${issueId}`,
  /** IncidentResyncRequest: the newest "Resync now" of an incident and how it ended (the panel polls it). */
  resync: (incidentId: string) => `incident-resync:${incidentId}`,
} as const;

export interface IncidentRecord {
  readonly link: IncidentLink | null;
  readonly guard: GuardState;
  readonly known: (KnownIncident & { readonly updatedAt: number }) | null;
}

export const EMPTY_RECORD: IncidentRecord = { link: null, guard: EMPTY_GUARD_STATE, known: null };

export async function loadConfig(store: KeyValueStore): Promise<IncidentSyncConfig> {
  return (await store.get<IncidentSyncConfig>(IncidentKeys.config)) ?? DEFAULT_INCIDENT_SYNC_CONFIG;
}

export async function loadRecord(store: KeyValueStore, incidentId: string): Promise<IncidentRecord> {
  return (await store.get<IncidentRecord>(IncidentKeys.record(incidentId))) ?? EMPTY_RECORD;
}

export async function saveRecord(store: KeyValueStore, incidentId: string, record: IncidentRecord): Promise<void> {
  await store.set(IncidentKeys.record(incidentId), record);
}

export async function incidentIdForIssue(store: KeyValueStore, issueId: string): Promise<string | undefined> {
  return store.get<string>(IncidentKeys.byIssue(issueId));
}

export async function loadUsers(store: KeyValueStore): Promise<UserLink[]> {
  return [...((await store.get<UserLink[]>(IncidentKeys.users)) ?? [])];
}
