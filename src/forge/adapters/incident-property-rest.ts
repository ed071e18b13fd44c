import api, { route } from '@forge/api';
import { INCIDENT_PROPERTY_KEY, type IncidentIssueProperty } from '../domain/incidents';

/** Removes the issue's `impact-incident` property as the app (the app wrote it); a missing one is fine. */
export async function deleteIncidentPropertyAsApp(issueIdOrKey: string): Promise<void> {
  const response = await api.asApp().requestJira(route`/rest/api/3/issue/${issueIdOrKey}/properties/${INCIDENT_PROPERTY_KEY}`, { method: 'DELETE' });
  if (!response.ok && response.status !== 404) throw new Error(`Jira answered ${response.status} removing the incident property of ${issueIdOrKey}`);
}

/** Writes the issue's `impact-incident` property as the app, as the sync's own create does (link by hand). */
export async function setIncidentPropertyAsApp(issueIdOrKey: string, value: IncidentIssueProperty): Promise<void> {
  const response = await api.asApp().requestJira(route`/rest/api/3/issue/${issueIdOrKey}/properties/${INCIDENT_PROPERTY_KEY}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  if (!response.ok) throw new Error(`Jira answered ${response.status} writing the incident property of ${issueIdOrKey}`);
}
