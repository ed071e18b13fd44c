import type { IncidentSyncConfig } from './config';
import type { CustomFieldMapping, PriorityTarget } from './field-mapping';
import type { PostMortemConfig } from './post-mortem-template';
import type { StatusMapConfig } from './status-map';

/**
 * Per-project incident settings (issue 15, item 7). The site default is the stored IncidentSyncConfig (the
 * one `incident-config` that existed before, so an old install keeps working unchanged); a project may
 * override any of the fields below, each on its own, and inherits the site default for the rest.
 *
 * Which project an incident lands in is decided by routeIncident from Impact's incident `category` and the
 * category rules; that project's settings then drive statuses, priority, fields and the post-mortem target.
 * The Jira → Impact direction uses the settings of the project the issue is in.
 */

/** Where the project's post-mortems go and whether they gate closing. Templates stay site-wide. */
export interface PostMortemTargetOverride {
  readonly enabled: boolean;
  readonly projectKey: string;
  readonly issueTypeName: string;
  readonly requirePostMortemToClose: boolean;
  /** Section key → custom field id, or null for the description. Sections not named keep the site's target. */
  readonly sectionTargets: Readonly<Record<string, string | null>>;
}

/** A project's own settings: an absent field inherits the site default. */
export interface ProjectIncidentSettings {
  readonly statuses?: StatusMapConfig;
  readonly issueTypeName?: string;
  readonly priority?: PriorityTarget;
  readonly customFields?: readonly CustomFieldMapping[];
  readonly label?: string | null;
  readonly postMortem?: PostMortemTargetOverride;
  /** Compare-and-set revision (record-cas.ts). */
  readonly rev?: number;
}

export const OVERRIDABLE_FIELDS = ['statuses', 'issueTypeName', 'priority', 'customFields', 'label', 'postMortem'] as const;
export type OverridableField = (typeof OVERRIDABLE_FIELDS)[number];

/**
 * One row of the category mapping: incidents of `category` go to `projectKey` (null: the site default's
 * project), as `issueTypeName` (null: the project's setting) with `label` added (null: none).
 */
export interface CategoryRule {
  readonly category: string;
  readonly projectKey: string | null;
  readonly issueTypeName: string | null;
  readonly label: string | null;
}

/** Site-wide switch and category mapping (one KVS value). */
export interface IncidentRouting {
  /** Off: Impact events are acknowledged and logged as skipped, Jira changes are not pushed. */
  readonly enabled: boolean;
  readonly categories: readonly CategoryRule[];
  /** Compare-and-set revision (record-cas.ts). */
  readonly rev?: number;
}

export const DEFAULT_INCIDENT_ROUTING: IncidentRouting = { enabled: true, categories: [] };

/** Categories match whatever their case and surrounding or repeated spaces. */
export const normalizeCategory = (category: string): string => category.trim().replace(/\s+/g, ' ').toLowerCase();

export interface IncidentRoute {
  readonly projectKey: string;
  /** From the category rule; null: the project's (or site's) issue type. */
  readonly issueTypeName: string | null;
  readonly label: string | null;
  /** The rule that matched; null when the incident has no category or no rule names it. */
  readonly rule: CategoryRule | null;
}

/** Where a new incident goes: the first rule naming its category, else the site default's project. */
export function routeIncident(category: string | null | undefined, routing: Pick<IncidentRouting, 'categories'>, site: IncidentSyncConfig): IncidentRoute {
  const wanted = category ? normalizeCategory(category) : null;
  const rule = wanted === null ? undefined : routing.categories.find((r) => normalizeCategory(r.category) === wanted);
  if (!rule) return { projectKey: site.fields.projectKey, issueTypeName: null, label: null, rule: null };
  return { projectKey: rule.projectKey ?? site.fields.projectKey, issueTypeName: rule.issueTypeName, label: rule.label, rule };
}

/** Jira issue keys are `<PROJECT>-<n>`: the project an issue is in, from its key. */
export function projectOfIssueKey(issueKey: string): string {
  const dash = issueKey.lastIndexOf('-');
  return dash > 0 ? issueKey.slice(0, dash) : issueKey;
}

/**
 * The settings that apply in `projectKey`: each field from the project's settings when it has its own,
 * else from the site default; a category route's issue type and label apply on top (create only).
 */
export function effectiveConfig(site: IncidentSyncConfig, projectKey: string, own: ProjectIncidentSettings | undefined, route?: Pick<IncidentRoute, 'issueTypeName' | 'label'>): IncidentSyncConfig {
  const o = own ?? {};
  const pm = o.postMortem;
  const postMortem: PostMortemConfig = pm
    ? {
        ...site.postMortem,
        enabled: pm.enabled,
        projectKey: pm.projectKey,
        issueTypeName: pm.issueTypeName,
        requirePostMortemToClose: pm.requirePostMortemToClose,
        sections: site.postMortem.sections.map((s) => {
          const target = pm.sectionTargets[s.key];
          if (target === undefined) return s;
          return { ...s, target: target === null ? { kind: 'description' } : { kind: 'custom-field', fieldId: target } };
        }),
      }
    : site.postMortem;
  const label = o.label !== undefined ? o.label : site.fields.label;
  const routeLabel = route?.label ?? null;
  return {
    ...site,
    statuses: o.statuses ?? site.statuses,
    fields: {
      ...site.fields,
      projectKey,
      issueTypeName: route?.issueTypeName ?? o.issueTypeName ?? site.fields.issueTypeName,
      priority: o.priority ?? site.fields.priority,
      customFields: o.customFields ?? site.fields.customFields,
      label,
      ...(routeLabel !== null && routeLabel !== label ? { extraLabels: [routeLabel] } : {}),
    },
    postMortem,
  };
}

/** Per field: whether the project has its own value or inherits the site default (the settings page shows it). */
export function inheritanceOf(own: ProjectIncidentSettings | undefined): Record<OverridableField, 'own' | 'inherits'> {
  return Object.fromEntries(OVERRIDABLE_FIELDS.map((f) => [f, own?.[f] === undefined ? 'inherits' : 'own'])) as Record<OverridableField, 'own' | 'inherits'>;
}

/** Projects the category rules send incidents to, besides the site default's. */
export function routedProjects(routing: Pick<IncidentRouting, 'categories'>): string[] {
  return [...new Set(routing.categories.flatMap((r) => (r.projectKey === null ? [] : [r.projectKey])))].sort();
}
