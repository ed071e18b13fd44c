/** What an alert rule or the incident mapping would put in Jira's create request, as the pre-flight reads it. */
import type { Rule } from '../alerts';
import type { FieldMappingConfig, PostMortemConfig } from '../incidents';
import type { PlannedCreate, PlannedValue } from './preflight';

const isTemplate = (s: string): boolean => s.includes('{{');

/** The JSON a rule gives a custom field (REST v3 shapes) → how it is filled. */
function plannedJson(value: unknown, path: string): PlannedValue {
  if (typeof value === 'string') return isTemplate(value) ? { kind: 'templated', path } : { kind: 'set', path };
  const one = (v: unknown, at: string): PlannedValue | null => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    for (const k of ['value', 'name', 'id'] as const) {
      const x = o[k];
      if (typeof x !== 'string') continue;
      if (isTemplate(x)) return { kind: 'templated', path: at };
      if (k === 'value') return { kind: 'options', values: [{ value: x, path: at }] };
      if (k === 'name') return { kind: 'names', names: [{ name: x, path: at }] };
      return { kind: 'ids', ids: [{ id: x, path: at }] };
    }
    return null;
  };
  if (Array.isArray(value)) {
    const items = value.map((v, i) => one(v, `${path}.${i}`));
    if (items.some((i) => i === null || i.kind === 'templated')) return items.find((i) => i?.kind === 'templated') ?? { kind: 'set', path };
    const all = items as PlannedValue[];
    if (all.length > 0 && all.every((i) => i.kind === 'options')) return { kind: 'options', values: all.flatMap((i) => (i.kind === 'options' ? i.values : [])) };
    if (all.length > 0 && all.every((i) => i.kind === 'names')) return { kind: 'names', names: all.flatMap((i) => (i.kind === 'names' ? i.names : [])) };
    if (all.length > 0 && all.every((i) => i.kind === 'ids')) return { kind: 'ids', ids: all.flatMap((i) => (i.kind === 'ids' ? i.ids : [])) };
    return { kind: 'set', path };
  }
  return one(value, path) ?? { kind: 'set', path };
}

/** Paths are relative to the rule (`priority.mapping.critical`); the resolver prefixes `rule.`. */
export function plannedCreateForRule(rule: Rule): PlannedCreate {
  const fields: Record<string, PlannedValue> = {};
  if (rule.priority) {
    const names = [
      ...Object.entries(rule.priority.mapping).map(([label, name]) => ({ name, path: `priority.mapping.${label}` })),
      ...(rule.priority.default ? [{ name: rule.priority.default, path: 'priority.default' }] : []),
    ];
    if (names.length > 0) fields['priority'] = { kind: 'names', names };
  }
  if (rule.components.length > 0) {
    const templated = rule.components.findIndex(isTemplate);
    fields['components'] = templated >= 0 ? { kind: 'templated', path: `components.${templated}` } : { kind: 'names', names: rule.components.map((name, i) => ({ name, path: `components.${i}` })) };
  }
  if (rule.labels.length > 0 || rule.copyLabels.length > 0) fields['labels'] = { kind: 'set', path: 'labels' };
  for (const [id, value] of Object.entries(rule.customFields)) fields[id] = plannedJson(value, `customFields.${id}`);
  return { projectKey: rule.target.projectKey, issueType: { value: rule.target.issueType, path: 'target.issueType' }, fields, alwaysSent: ['project', 'issuetype', 'summary', 'description'] };
}

/** The incident issue as the mapping creates it (paths relative to the mapping's `fields`). */
export function plannedCreateForIncident(mapping: FieldMappingConfig): PlannedCreate {
  const fields: Record<string, PlannedValue> = {};
  const p = mapping.priority;
  switch (p.kind) {
    case 'custom-select':
      fields[p.fieldId] = { kind: 'options', values: ['1', '2', '3', '4', '5'].map((value) => ({ value, path: 'priority.fieldId' })) };
      break;
    case 'custom-number':
      fields[p.fieldId] = { kind: 'set', path: 'priority.fieldId' };
      break;
    case 'jira-priority':
      fields['priority'] = { kind: 'names', names: Object.entries(p.names).map(([level, name]) => ({ name, path: `priority.names.${level}` })) };
      break;
  }
  // Custom field values come from each incident (environments, platform, …): present, checked by Jira.
  mapping.customFields.forEach((c, i) => {
    fields[c.fieldId] = c.shape === 'text' || c.shape === 'number' || c.shape === 'labels' ? { kind: 'set', path: `customFields.${i}.fieldId` } : { kind: 'templated', path: `customFields.${i}.fieldId` };
  });
  if (mapping.label !== null) fields['labels'] = { kind: 'set', path: 'label' };
  return { projectKey: mapping.projectKey, issueType: { value: mapping.issueTypeName, path: 'issueTypeName' }, fields, alwaysSent: ['project', 'issuetype', 'summary', 'description'] };
}

/** The post-mortem issue as its settings create it (paths relative to the mapping's `postMortem`). */
export function plannedCreateForPostMortem(config: PostMortemConfig): PlannedCreate {
  const fields: Record<string, PlannedValue> = {};
  for (const section of config.sections) {
    if (section.target.kind === 'custom-field') fields[section.target.fieldId] = { kind: 'set', path: `sectionTargets.${section.key}` };
  }
  return { projectKey: config.projectKey, issueType: { value: config.issueTypeName, path: 'issueTypeName' }, fields, alwaysSent: ['project', 'issuetype', 'summary', 'description'] };
}
