import { OVERRIDABLE_FIELDS, decideIncidentLink, incidentProperty, projectOfIssueKey, routedProjects, type IncidentIssueProperty } from '../domain/incidents';
import type { ExistingIssueLink, LinkRefusal } from '../domain/alerts';
import type { ImpactIncident } from '../../shared/impact/incident';
import { describeImpactFailure, type ImpactPort } from '../ports/impact';
import type { KeyValueStore } from '../ports/key-value-store';
import { IncidentKeys, loadRecord, updateRecord } from './incident-store';
import { loadProjectSettings, loadSiteSettings } from './incident-settings';
import { CREATION_GRACE_MS, StorageKeys } from '../constants';
import type { Clock } from '../ports/clock';

/**
 * "Link by hand" of an existing issue to an Impact incident (issue 16, row 37), the mirror of
 * unlink-incident.ts: the issue's `impact-incident` property (what the sync's own issues carry, and what the
 * lookup after lost state finds), the issue → incident index the trigger reads, and the record's link, by
 * compare-and-set. From then on Impact events converge on this issue and its changes go back to Impact.
 */
export interface LinkIncidentDeps {
  readonly store: KeyValueStore;
  readonly impact: Pick<ImpactPort, 'getIncident'>;
  /** Writes the issue's `impact-incident` property as the app. */
  readonly setIncidentProperty: (issueId: string, value: IncidentIssueProperty) => Promise<void>;
  readonly deleteIncidentProperty: (issueId: string) => Promise<void>;
  readonly clock: Clock;
}

/** Kept as long as the sync keeps its own creation markers (apply-impact-event.ts). */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;

export type LinkIncidentResult =
  | { readonly ok: true; readonly incidentId: string; readonly title: string }
  | { readonly ok: false; readonly error: LinkRefusal | { readonly code: 'jira-error'; readonly message: string } };

export async function linkIncident(issue: { readonly id: string; readonly key: string }, existing: ExistingIssueLink | null, incidentId: string, deps: LinkIncidentDeps): Promise<LinkIncidentResult> {
  const incidentProjectKey = await incidentProjectFor(issue.key, deps.store);
  let incident: ImpactIncident | null = null;
  // Only an issue linked to nothing, in the incident project, is worth asking Impact about.
  const early = decideIncidentLink({ issue, existing, incidentId, incident: { status: 'OPEN' }, link: null, incidentProjectKey });
  if (!early.ok) return early;
  const read = await deps.impact.getIncident(incidentId);
  if (read.ok) incident = read.value;
  else if (read.failure.kind !== 'not-found') return { ok: false, error: { code: 'jira-error', message: `could not read incident ${incidentId}: ${describeImpactFailure(read.failure)}` } };
  const record = await loadRecord(deps.store, incidentId);
  const decision = decideIncidentLink({ issue, existing, incidentId, incident, link: record.link, incidentProjectKey });
  if (!decision.ok || !incident) return decision.ok ? { ok: false, error: { code: 'not-found', message: `Impact has no incident ${incidentId}` } } : decision;
  await deps.setIncidentProperty(issue.id, incidentProperty(incidentId, incident.url));
  // The sync's creation marker, so an Impact event that finds no link now looks the issue up by its property (this
  // one) instead of creating another. A fresh marker of someone else means the sync is creating an issue right now.
  const now = deps.clock.now();
  const key = IncidentKeys.creating(incidentId);
  if (!(await deps.store.setIfAbsent(key, { at: now }, { ttlSeconds: MARKER_TTL_SECONDS }))) {
    const marker = await deps.store.get<{ at?: unknown }>(key);
    if (typeof marker?.at === 'number' && now - marker.at < CREATION_GRACE_MS) {
      await deps.deleteIncidentProperty(issue.id);
      return { ok: false, error: { code: 'conflict', message: `the sync is creating an issue for Impact incident ${incidentId} right now; try again in a minute` } };
    }
  }
  let raced: string | null = null;
  await updateRecord(deps.store, incidentId, (latest) => {
    // An Impact event may have created an issue meanwhile: that link stands, this one is refused.
    raced = latest.link && latest.link.issueId !== issue.id ? latest.link.issueKey : null;
    return raced ? latest : { ...latest, link: decision.link, ledger: undefined, outOfSync: [] };
  });
  if (raced) {
    await deps.deleteIncidentProperty(issue.id);
    return { ok: false, error: { code: 'conflict', message: `Impact incident ${incidentId} already has an issue, ${raced as string}; unlink it first` } };
  }
  // With the key → id pair, the closure validator (given only the key) finds the linked issue without a Jira read.
  await deps.store.setMany([
    { key: IncidentKeys.byIssue(issue.id), value: incidentId },
    { key: StorageKeys.issueIdByKey(issue.key), value: issue.id },
  ]);
  return { ok: true, incidentId, title: incident.title };
}

/**
 * Incident issues live in the site default's project, in the projects the category mapping sends incidents
 * to, and in projects with incident settings of their own (their status map is meant for their workflow): the
 * issue's project when it is one of them, else the site default's (the refusal names it).
 */
async function incidentProjectFor(issueKey: string, store: KeyValueStore): Promise<string> {
  const projectKey = projectOfIssueKey(issueKey);
  const [{ site, routing }, own] = await Promise.all([loadSiteSettings(store), loadProjectSettings(store, projectKey)]);
  const hasOwn = own !== undefined && OVERRIDABLE_FIELDS.some((f) => own[f] !== undefined);
  return projectKey === site.fields.projectKey || hasOwn || routedProjects(routing).includes(projectKey) ? projectKey : site.fields.projectKey;
}
