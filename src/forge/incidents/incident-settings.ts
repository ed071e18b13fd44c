/**
 * Loading the incident settings that apply to one incident or issue: the site default (`incident-config`),
 * the switch and category mapping (`incident-routing`) and the project's own settings
 * (`incident-project-config:<key>`), merged by the domain (project-settings.ts).
 */
import {
  DEFAULT_INCIDENT_ROUTING,
  DEFAULT_INCIDENT_SYNC_CONFIG,
  effectiveConfig,
  projectOfIssueKey,
  routeIncident,
  type IncidentLink,
  type IncidentRouting,
  type IncidentSyncConfig,
  type ProjectIncidentSettings,
} from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import { IncidentKeys } from './incident-store';

/** What the delivery log says of an event that came while the sync is off. */
export const SYNC_OFF_SUMMARY = 'skipped: incident sync is off';

export interface SiteIncidentSettings {
  readonly site: IncidentSyncConfig;
  readonly routing: IncidentRouting;
}

/** The site default and the routing in one KVS call. */
export async function loadSiteSettings(store: KeyValueStore): Promise<SiteIncidentSettings> {
  const values = await store.getMany<unknown>([IncidentKeys.config, IncidentKeys.routing]);
  return {
    site: (values.get(IncidentKeys.config) as IncidentSyncConfig | undefined) ?? DEFAULT_INCIDENT_SYNC_CONFIG,
    routing: (values.get(IncidentKeys.routing) as IncidentRouting | undefined) ?? DEFAULT_INCIDENT_ROUTING,
  };
}

export async function loadRouting(store: KeyValueStore): Promise<IncidentRouting> {
  return (await store.get<IncidentRouting>(IncidentKeys.routing)) ?? DEFAULT_INCIDENT_ROUTING;
}

export async function loadProjectSettings(store: KeyValueStore, projectKey: string): Promise<ProjectIncidentSettings | undefined> {
  return store.get<ProjectIncidentSettings>(IncidentKeys.projectConfig(projectKey));
}

/** Whether the incident sync runs (the switch on the Mappings tab). */
export async function incidentSyncEnabled(store: KeyValueStore): Promise<boolean> {
  return (await loadRouting(store)).enabled;
}

/**
 * The settings of an incident: a linked one follows the project its issue is in; a new one goes where its
 * category routes it, with that project's settings and the rule's issue type and label.
 */
export async function configForIncident(store: KeyValueStore, settings: SiteIncidentSettings, link: IncidentLink | null, category: string | null | undefined): Promise<IncidentSyncConfig> {
  if (link) return configForProject(store, settings.site, projectOfIssueKey(link.issueKey));
  const route = routeIncident(category, settings.routing, settings.site);
  return effectiveConfig(settings.site, route.projectKey, await loadProjectSettings(store, route.projectKey), route);
}

/** The settings that apply in a project (the Jira → Impact direction: the project the issue is in). */
export async function configForProject(store: KeyValueStore, site: IncidentSyncConfig, projectKey: string): Promise<IncidentSyncConfig> {
  return effectiveConfig(site, projectKey, await loadProjectSettings(store, projectKey));
}

/** The settings of an issue's project, reading the site default too. */
export async function configForIssueKey(store: KeyValueStore, issueKey: string): Promise<IncidentSyncConfig> {
  const site = (await store.get<IncidentSyncConfig>(IncidentKeys.config)) ?? DEFAULT_INCIDENT_SYNC_CONFIG;
  return configForProject(store, site, projectOfIssueKey(issueKey));
}
