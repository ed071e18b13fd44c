import type { ImpactIncident, ImpactPriority } from '../../../shared/impact/incident';
import { textToAdf } from './adf';
import { normalizeName } from './status-map';

/**
 * How an Impact incident becomes Jira fields, held as data (stored per project, edited in settings).
 */

/** Where Impact's priority goes in Jira. */
export type PriorityTarget =
  /** A single-select custom field whose option values are "1".."5": `{ "value": "3" }`. */
  | { readonly kind: 'custom-select'; readonly fieldId: string }
  /** A number custom field: `3`. */
  | { readonly kind: 'custom-number'; readonly fieldId: string }
  /** Jira's own priority field, by priority name. */
  | { readonly kind: 'jira-priority'; readonly names: Readonly<Record<`${ImpactPriority}`, string>> };

/** Incident values that can feed a custom field. `custom_id` reads `incident.custom_ids[key]`. */
export type CustomFieldSource =
  | { readonly kind: 'environments' }
  | { readonly kind: 'platform' }
  | { readonly kind: 'business_impact' }
  | { readonly kind: 'custom_id'; readonly key: string };

/** The Jira field's type decides the JSON shape of its value. */
export type CustomFieldShape = 'text' | 'select' | 'multi-select' | 'labels' | 'number';

export interface CustomFieldMapping {
  readonly source: CustomFieldSource;
  readonly fieldId: string;
  readonly shape: CustomFieldShape;
  /** Seed 004: P1–P3 send the first environment only; set 3 for that rule, omit to send all. */
  readonly firstValueOnlyUpToPriority?: number;
}

export interface FieldMappingConfig {
  readonly projectKey: string;
  /** Issue type of incident issues (name, as Jira accepts `{ name }`). */
  readonly issueTypeName: string;
  readonly priority: PriorityTarget;
  readonly customFields: readonly CustomFieldMapping[];
  /** Jira label added to every incident issue (helps JQL and triggers); null for none. */
  readonly label: string | null;
  /** Labels added on top of `label` at create (a category rule's label, project-settings.ts); not stored. */
  readonly extraLabels?: readonly string[];
}

/** Seed 004 defaults. */
export const DEFAULT_FIELD_MAPPING: FieldMappingConfig = {
  projectKey: 'INC',
  issueTypeName: 'Incident',
  priority: { kind: 'custom-select', fieldId: 'customfield_11064' },
  customFields: [
    { source: { kind: 'environments' }, fieldId: 'customfield_11049', shape: 'multi-select', firstValueOnlyUpToPriority: 3 },
    { source: { kind: 'platform' }, fieldId: 'customfield_10201', shape: 'select' },
    { source: { kind: 'business_impact' }, fieldId: 'customfield_10936', shape: 'text' },
  ],
  label: 'impact-incident',
};

/** Seed 002's Jira priority names, for projects that use Jira's own priority. */
export const DEFAULT_JIRA_PRIORITY_NAMES: Readonly<Record<`${ImpactPriority}`, string>> = {
  '1': 'Highest',
  '2': 'High',
  '3': 'Medium',
  '4': 'Low',
  '5': 'Lowest',
};

/** The Jira field id the priority lives in (for changelog parsing). */
export function priorityFieldId(target: PriorityTarget): string {
  return target.kind === 'jira-priority' ? 'priority' : target.fieldId;
}

export function priorityFieldValue(target: PriorityTarget, priority: ImpactPriority): unknown {
  switch (target.kind) {
    case 'custom-select':
      return { value: String(priority) };
    case 'custom-number':
      return priority;
    case 'jira-priority':
      return { name: target.names[`${priority}`] };
  }
}

/**
 * Reads the priority back from a changelog's display value: the option value ("3"), the number ("3",
 * "3.0") or the Jira priority name. null when it is not one of the five.
 */
export function impactPriorityFromJira(target: PriorityTarget, display: string | null): ImpactPriority | null {
  if (display === null) return null;
  if (target.kind === 'jira-priority') {
    const wanted = normalizeName(display);
    for (const [p, name] of Object.entries(target.names)) if (normalizeName(name) === wanted) return asPriority(Number(p));
    return null;
  }
  const match = /^\s*P?([1-5])(?:\.0+)?\s*$/i.exec(display);
  return match ? asPriority(Number(match[1])) : null;
}

function asPriority(n: number): ImpactPriority | null {
  return n === 1 || n === 2 || n === 3 || n === 4 || n === 5 ? n : null;
}

function sourceValues(incident: ImpactIncident, source: CustomFieldSource): string[] {
  switch (source.kind) {
    case 'environments':
      return [...incident.environments];
    case 'platform':
      return incident.platform === null ? [] : [incident.platform];
    case 'business_impact':
      return incident.business_impact === null || incident.business_impact === '' ? [] : [incident.business_impact];
    case 'custom_id': {
      const value = incident.custom_ids[source.key];
      return value === undefined || value === '' ? [] : [value];
    }
  }
}

/** The value to send for one mapped custom field; null clears it. */
export function customFieldValue(incident: ImpactIncident, mapping: CustomFieldMapping): unknown {
  let values = sourceValues(incident, mapping.source);
  if (mapping.firstValueOnlyUpToPriority !== undefined && incident.priority <= mapping.firstValueOnlyUpToPriority) values = values.slice(0, 1);
  const first = values[0];
  switch (mapping.shape) {
    case 'text':
      return values.length === 0 ? null : values.join(', ');
    case 'select':
      return first === undefined ? null : { value: first };
    case 'multi-select':
      return values.map((value) => ({ value }));
    case 'labels':
      // Jira labels cannot contain spaces.
      return values.map((v) => v.trim().replace(/\s+/g, '_'));
    case 'number': {
      const n = first === undefined ? Number.NaN : Number(first);
      return Number.isFinite(n) ? n : null;
    }
  }
}

/** Which incident fields feed which Jira field ids, so an update touches only what changed. */
export type MappedIncidentField = 'title' | 'description' | 'priority' | 'environments' | 'platform' | 'business_impact' | 'custom_ids';

function mappingFeeds(mapping: CustomFieldMapping): MappedIncidentField {
  const kind = mapping.source.kind;
  return kind === 'custom_id' ? 'custom_ids' : kind;
}

/**
 * Jira `fields` for the given incident fields (all of them for a create). Status and assignee are not
 * here: status moves by transitions and assignment is a separate, non-fatal call.
 */
export function mapIncidentFields(incident: ImpactIncident, config: FieldMappingConfig, only?: ReadonlySet<MappedIncidentField>): Record<string, unknown> {
  const wants = (field: MappedIncidentField) => only === undefined || only.has(field);
  const fields: Record<string, unknown> = {};
  if (wants('title')) fields['summary'] = summaryFor(incident);
  if (wants('description')) fields['description'] = incident.description.trim() === '' ? null : textToAdf(incident.description);
  if (wants('priority')) fields[priorityFieldId(config.priority)] = priorityFieldValue(config.priority, incident.priority as ImpactPriority);
  for (const mapping of config.customFields) {
    if (wants(mappingFeeds(mapping))) fields[mapping.fieldId] = customFieldValue(incident, mapping);
  }
  return fields;
}

/** Jira summaries are single-line and at most 255 characters. */
export function summaryFor(incident: Pick<ImpactIncident, 'title'>): string {
  return incident.title.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** Fields only a create sends. */
export function createOnlyFields(config: FieldMappingConfig): Record<string, unknown> {
  return {
    project: { key: config.projectKey },
    issuetype: { name: config.issueTypeName },
    ...labelsOf(config),
  };
}

function labelsOf(config: FieldMappingConfig): { labels?: string[] } {
  const labels = [...new Set([...(config.label === null ? [] : [config.label]), ...(config.extraLabels ?? [])])];
  return labels.length === 0 ? {} : { labels };
}
