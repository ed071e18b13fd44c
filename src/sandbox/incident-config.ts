import { DEFAULT_INCIDENT_SYNC_CONFIG, inDescription, type IncidentSyncConfig } from '../forge/domain/incidents';

/**
 * The incident sync settings for the sandbox site: incidents in OPS (issue type Incident, priority in the
 * "Priority (Impact)" select customfield_11064), post-mortems in PM with every section in the description
 * (the simulator has no post-mortem custom fields).
 */
export function sandboxIncidentConfig(): IncidentSyncConfig {
  const base = DEFAULT_INCIDENT_SYNC_CONFIG;
  return {
    ...base,
    fields: { ...base.fields, projectKey: 'OPS', issueTypeName: 'Incident', customFields: [] },
    postMortem: { ...inDescription(base.postMortem), projectKey: 'PM', issueTypeName: 'Post-mortem' },
  };
}
