import { IMPACT_CONTRACT_VERSION } from '../../../shared/impact/incident';

/** Incident ⇄ issue link, kept in KVS (by incident id and by issue id) and as an issue entity property. */
export interface IncidentLink {
  readonly incidentId: string;
  readonly issueId: string;
  readonly issueKey: string;
  readonly postMortem: { readonly issueId: string; readonly issueKey: string } | null;
}

/** Entity property on the incident issue; declared in the manifest (`jira:entityProperty`). */
export const INCIDENT_PROPERTY_KEY = 'impact-incident';

export interface IncidentIssueProperty {
  readonly incidentId: string;
  readonly contractVersion: typeof IMPACT_CONTRACT_VERSION;
  readonly url: string | null;
}

export function incidentProperty(incidentId: string, url: string | null): IncidentIssueProperty {
  return { incidentId, contractVersion: IMPACT_CONTRACT_VERSION, url };
}

/**
 * Entity property on a post-mortem issue the app created (indexed like the incident issue's, under its own
 * key so a lookup of one never finds the other).
 */
export const POST_MORTEM_PROPERTY_KEY = 'impact-post-mortem';

export function postMortemProperty(incidentId: string): { readonly incidentId: string } {
  return { incidentId };
}

const jqlString = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** JQL for the incident issue of an incident (the `impact-incident` property, indexed by the manifest). */
export function incidentIssueJql(incidentId: string): string {
  return `issue.property[${INCIDENT_PROPERTY_KEY}].incidentId = ${jqlString(incidentId)} ORDER BY created ASC`;
}

/** JQL for the post-mortem issue of an incident (the `impact-post-mortem` property). */
export function postMortemIssueJql(incidentId: string): string {
  return `issue.property[${POST_MORTEM_PROPERTY_KEY}].incidentId = ${jqlString(incidentId)} ORDER BY created ASC`;
}
