import {
  DEFAULT_INCIDENT_SYNC_CONFIG,
  EMPTY_GUARD_STATE,
  type GuardState,
  type IncidentLink,
  type IncidentSyncConfig,
  type KnownIncident,
  type FollowUpPair,
  type NotePair,
  type UserLink,
} from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { ConvergenceLedger } from '../domain/incidents/convergence';
import type { KnownImpactState, OutOfSyncField } from './converge';
import { updateWithCas } from './record-cas';

/**
 * KVS layout of the incident sync. One record per incident holds the link, the loop-guard state and the
 * last known Impact values, so an event costs one read and one write of it.
 */
export const IncidentKeys = {
  /**
   * IncidentSyncConfig of the site default (the default is used when absent). Before per-project settings
   * this was the only config; it is read unchanged as the site default, so an old install keeps working.
   */
  config: 'incident-config',
  /** ProjectIncidentSettings: a project's own values; absent fields (or no value) inherit the site default. */
  projectConfig: (projectKey: string) => `incident-project-config:${projectKey}`,
  /** IncidentRouting: the on/off switch and the category → project mapping (absent: on, no categories). */
  routing: 'incident-routing',
  record: (incidentId: string) => `incident:${incidentId}`,
  /** issue id → incident id, for the trigger and the workflow validator. */
  byIssue: (issueId: string) => `incident-issue:${issueId}`,
  /**
   * Creation markers (FAIL_IF_EXISTS, 7 days): taken before the incident issue / post-mortem is created. A
   * later attempt that finds one cannot know whether the earlier create reached Jira (its answer may have
   * been lost), so it looks the issue up by its indexed entity property before creating.
   */
  creating: (incidentId: string) => `incident-creating:${incidentId}`,
  creatingPostMortem: (incidentId: string) => `incident-pm-creating:${incidentId}`,
  /**
   * Impact note id → the Jira comment the app copied it to, as written before the pairs moved into the
   * incident record (`IncidentRecord.notes`): still read, never written.
   */
  noteComment: (incidentId: string, noteId: string) => `incident-note:${incidentId}:${noteId}`,
  /** follow-up issue id → `{ incidentId, followUpId }`: the trigger finds a follow-up issue's incident lane. */
  followUpIssue: (issueId: string) => `incident-fu-issue:${issueId}`,
  /** Creation marker of a follow-up's issue (as `creating`: a later attempt looks the issue up first). */
  creatingFollowUp: (incidentId: string, followUpId: string) => `incident-fu-creating:${incidentId}:${followUpId}`,
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
  /** Per converged field: the newest person change and what Jira holds (convergence.ts). */
  readonly ledger?: ConvergenceLedger;
  /** What Impact holds as far as the app knows, at a version (writes are conditional on it). */
  readonly impact?: KnownImpactState;
  /** Fields the sides disagree on that the app could not settle; the issue panel shows them. */
  readonly outOfSync?: readonly OutOfSyncField[];
  /** Impact follow-up ⇄ Jira issue pairs (domain/incidents/follow-ups.ts). */
  readonly followUps?: readonly FollowUpPair[];
  /** Jira comment ⇄ Impact note pairs (domain/incidents/notes.ts), with the side a person wrote. */
  readonly notes?: readonly NotePair[];
  /** Compare-and-set revision (record-cas.ts); absent on records written before it. */
  readonly rev?: number;
}

export const EMPTY_RECORD: IncidentRecord = { link: null, guard: EMPTY_GUARD_STATE, known: null };

export async function loadConfig(store: KeyValueStore): Promise<IncidentSyncConfig> {
  return (await store.get<IncidentSyncConfig>(IncidentKeys.config)) ?? DEFAULT_INCIDENT_SYNC_CONFIG;
}

export async function loadRecord(store: KeyValueStore, incidentId: string): Promise<IncidentRecord> {
  return (await store.get<IncidentRecord>(IncidentKeys.record(incidentId))) ?? EMPTY_RECORD;
}

/**
 * Compare-and-set update of the record: `change` gets the record as stored now and returns it changed;
 * a concurrent writer makes it run again on the fresh record, so no one's change is overwritten blindly.
 */
export async function updateRecord(store: KeyValueStore, incidentId: string, change: (latest: IncidentRecord) => IncidentRecord): Promise<IncidentRecord> {
  return updateWithCas(store, IncidentKeys.record(incidentId), EMPTY_RECORD, change);
}

/** The link as stored, with what this writer learned added (a post-mortem link is never dropped). */
export function mergeLink(latest: IncidentLink | null, mine: IncidentLink | null): IncidentLink | null {
  if (mine === null) return latest;
  if (latest === null || latest.issueId !== mine.issueId) return mine;
  return { ...mine, postMortem: mine.postMortem ?? latest.postMortem };
}

export async function incidentIdForIssue(store: KeyValueStore, issueId: string): Promise<string | undefined> {
  return store.get<string>(IncidentKeys.byIssue(issueId));
}

export async function loadUsers(store: KeyValueStore): Promise<UserLink[]> {
  return [...((await store.get<UserLink[]>(IncidentKeys.users)) ?? [])];
}
