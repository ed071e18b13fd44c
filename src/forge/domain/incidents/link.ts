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
