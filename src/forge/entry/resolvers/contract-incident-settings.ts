/**
 * Contract of the Mappings tab's per-project incident settings, the on/off switch and the category mapping
 * (issue 15, item 7). Joined into ResolverDefinitions by contract.ts.
 */
import type { CategoryRule, OverridableField } from '../../domain/incidents';
import type { PickerField, PickerProject, PickerStatus } from '../../ports/jira-pickers';
import type { IncidentMappings } from './contract-panel';
import type { ResolverResult } from './contract';

export type { CategoryRule, OverridableField };

/** Which settings the tab shows: the site default, or one project's. */
export type IncidentSettingsScope = { readonly kind: 'site' } | { readonly kind: 'project'; readonly projectKey: string };

export interface IncidentRoutingView {
  /** Off: Impact events are acknowledged and logged as skipped; Jira changes are not pushed to Impact. */
  readonly enabled: boolean;
  readonly categories: readonly CategoryRule[];
}

export interface IncidentSettingsView {
  readonly scope: IncidentSettingsScope;
  /** What applies in the scope: the site default, or the project's own values with the inherited ones filled in. */
  readonly mappings: IncidentMappings;
  /** Project scope: per field, the project's own value or the site default's. Site scope: every field `own`. */
  readonly inheritance: Readonly<Record<OverridableField, 'own' | 'inherits'>>;
  /** Projects that have settings of their own. */
  readonly projects: readonly string[];
  readonly routing: IncidentRoutingView;
  /** What the caller may change: the site default, switch and categories (Administer Jira); this project's settings (Administer Projects). */
  readonly access: { readonly site: boolean; readonly project: boolean | null };
}

/** What the Mappings tab's pickers offer (read as the user); `problems` says which part Jira refused. */
export interface MappingPickerOptions {
  readonly projects: readonly PickerProject[];
  readonly statuses: readonly PickerStatus[];
  readonly customFields: readonly PickerField[];
  /** Priority names the incident issue type's create screen accepts (empty when no issue type was given). */
  readonly priorities: readonly string[];
  readonly problems: readonly string[];
}

export type IncidentSettingsResolverDefinitions = {
  /** Picker options: projects (filtered by `query`), the statuses of `projectKey`, custom fields by name, priorities of `issueType` there. */
  listMappingPickerOptions: (input: { projectKey: string; query?: string; issueType?: string }) => ResolverResult<MappingPickerOptions>;
  /** No projectKey: the site default. */
  getIncidentSettings: (input?: { projectKey?: string }) => ResolverResult<IncidentSettingsView>;
  /**
   * A project's own settings: the fields listed in `own` are stored from `mappings` (same shape as the site
   * default; `fields.projectKey` is ignored), the others inherit. `own: []` removes the project's settings.
   * Needs Administer Projects in the project (and in the post-mortem project it names).
   */
  saveProjectIncidentSettings: (input: { projectKey: string; own: unknown; mappings: unknown }) => ResolverResult<IncidentSettingsView>;
  /** The on/off switch of the incident sync. Needs Administer Jira. */
  setIncidentSyncEnabled: (input: { enabled: boolean }) => ResolverResult<IncidentRoutingView>;
  /** Replaces the category mapping. Needs Administer Jira. */
  saveIncidentCategories: (input: { categories: unknown }) => ResolverResult<IncidentRoutingView>;
};
