/**
 * Create metadata: which fields each project + issue type's create screen has, which are required, and the
 * values Jira accepts (GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes[/{issueTypeId}]).
 * The simulated create screen holds what POST /issue accepts (field-patches.ts): the system fields below and
 * every custom field of the site. Required beyond project, issue type and summary: only what a seed asks for
 * (`seed.requireField`); POST /issue then refuses an issue without it, as Jira does ("<Name> is required.").
 */
import type { CustomFieldDef, IssueTypeRecord, ProjectRecord } from './model';
import { renderIssueType, renderPriority, renderProjectRef } from './render';
import type { SimState } from './state';

type Obj = Record<string, unknown>;

const requiredKey = (projectKey: string, issueTypeId: string): string => `${projectKey}/${issueTypeId}`;

/** Fields a seed made required on one project + issue type (`seed.requireField`). */
export class RequiredFields {
  private readonly byType = new Map<string, Set<string>>();

  add(projectKey: string, issueTypeId: string, fieldId: string): void {
    const key = requiredKey(projectKey, issueTypeId);
    this.byType.set(key, new Set([...(this.byType.get(key) ?? []), fieldId]));
  }

  remove(projectKey: string, issueTypeId: string, fieldId: string): void {
    this.byType.get(requiredKey(projectKey, issueTypeId))?.delete(fieldId);
  }

  of(projectKey: string, issueTypeId: string): ReadonlySet<string> {
    return this.byType.get(requiredKey(projectKey, issueTypeId)) ?? new Set();
  }

  /** `[project/issueTypeId, fieldIds]` pairs, for the simulator's persistence (persistence.ts). */
  snapshot(): [string, string[]][] {
    return [...this.byType].map(([key, ids]) => [key, [...ids]]);
  }

  restore(entries: readonly (readonly [string, readonly string[]])[]): void {
    this.byType.clear();
    for (const [key, ids] of entries) this.byType.set(key, new Set(ids));
  }
}

const CUSTOM_SCHEMA: Readonly<Record<CustomFieldDef['kind'], { type: string; items?: string; custom: string }>> = {
  select: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
  string: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
  number: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  sprint: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
};

function fieldMeta(fieldId: string, name: string, schema: Obj, operations: readonly string[], extra: Obj = {}): Obj {
  return { required: false, schema, name, key: fieldId, fieldId, hasDefaultValue: false, operations, ...extra };
}

/** Every field of the create screen, in Jira's FieldCreateMetadata shape, with `required` from the seed. */
export function createMetaFields(state: SimState, project: ProjectRecord, type: IssueTypeRecord, required: ReadonlySet<string>): Obj[] {
  const medium = state.priorities.find((p) => p.name === 'Medium');
  const system: Obj[] = [
    fieldMeta('summary', 'Summary', { type: 'string', system: 'summary' }, ['set'], { required: true }),
    fieldMeta('issuetype', 'Issue Type', { type: 'issuetype', system: 'issuetype' }, [], { required: true, allowedValues: [renderIssueType(state, type)] }),
    fieldMeta('project', 'Project', { type: 'project', system: 'project' }, ['set'], { required: true, allowedValues: [renderProjectRef(state, project)] }),
    fieldMeta('description', 'Description', { type: 'string', system: 'description' }, ['set']),
    fieldMeta('reporter', 'Reporter', { type: 'user', system: 'reporter' }, ['set'], { required: true, hasDefaultValue: true, autoCompleteUrl: `${state.baseUrl}/rest/api/3/user/search?query=` }),
    fieldMeta('assignee', 'Assignee', { type: 'user', system: 'assignee' }, ['set'], { autoCompleteUrl: `${state.baseUrl}/rest/api/3/user/assignable/search?project=${project.key}&query=` }),
    fieldMeta('priority', 'Priority', { type: 'priority', system: 'priority' }, ['set'], {
      hasDefaultValue: medium !== undefined,
      allowedValues: state.priorities.map((p) => renderPriority(state, p)),
      ...(medium ? { defaultValue: renderPriority(state, medium) } : {}),
    }),
    fieldMeta('labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }, ['add', 'set', 'remove'], { autoCompleteUrl: `${state.baseUrl}/rest/api/1.0/labels/suggest?query=` }),
    fieldMeta('components', 'Components', { type: 'array', items: 'component', system: 'components' }, ['add', 'set', 'remove'], {
      allowedValues: project.components.map((c) => ({ self: `${state.baseUrl}/rest/api/3/component/${c.id}`, id: c.id, name: c.name })),
    }),
  ];
  const custom = [...state.customFields.values()].map((def) => {
    const s = CUSTOM_SCHEMA[def.kind];
    const customId = Number(def.id.replace('customfield_', ''));
    const schema: Obj = { type: s.type, ...(s.items ? { items: s.items } : {}), custom: s.custom, customId };
    // Disabled options cannot be chosen on create, so Jira does not offer them.
    const allowed = def.kind === 'select' ? { allowedValues: def.options.filter((o) => !o.disabled).map((o) => ({ self: `${state.baseUrl}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id })) } : {};
    return fieldMeta(def.id, def.name, schema, def.kind === 'sprint' ? ['set'] : ['set'], allowed);
  });
  return [...system, ...custom].map((f) => (required.has(String(f['fieldId'])) ? { ...f, required: true } : f));
}

/** POST /issue: Jira's "<Name> is required." for each seeded required field the request leaves out or empties. */
export function missingRequiredFields(state: SimState, project: ProjectRecord, issueTypeRef: unknown, fields: Record<string, unknown>, required: RequiredFields): Record<string, string> {
  if (typeof issueTypeRef !== 'object' || issueTypeRef === null) return {};
  const ref = issueTypeRef as { id?: unknown; name?: unknown };
  const type = project.issueTypes.find((t) => t.id === String(ref.id) || t.name === ref.name);
  if (!type) return {};
  const errors: Record<string, string> = {};
  for (const fieldId of required.of(project.key, type.id)) {
    const value = fields[fieldId];
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (!empty) continue;
    const name = state.customFields.get(fieldId)?.name ?? fieldId.charAt(0).toUpperCase() + fieldId.slice(1);
    errors[fieldId] = `${name} is required.`;
  }
  return errors;
}
