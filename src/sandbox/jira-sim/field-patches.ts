/**
 * Validation of `fields` values on create and edit, with Jira's per-field error messages. Each accepted
 * field becomes a patch: how to apply it and the changelog item it produces (null when nothing changes).
 */
import { adfProblem, adfToText } from './adf';
import type { ChangeItem, CustomFieldDef, IssueRecord, ProjectRecord } from './model';
import type { SimState } from './state';

export interface FieldPatch {
  readonly apply: (issue: IssueRecord) => void;
  readonly items: (issue: IssueRecord) => ChangeItem[];
}

export type PatchMode = 'create' | 'edit';

export const NOT_ON_SCREEN = (field: string): string =>
  `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

export const ADF_REQUIRED = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const item = (field: string, fieldId: string, from: string | null, fromString: string | null, to: string | null, toString: string | null, fieldtype: 'jira' | 'custom' = 'jira'): ChangeItem => ({
  field, fieldtype, fieldId, from, fromString, to, toString,
});

/** Reads `{id}` or `{name}` (or `{value}` for options) references the way Jira accepts them. */
function refOf(value: unknown): { id?: string; name?: string } | null {
  if (!isObject(value)) return null;
  const id = value['id'];
  const name = value['name'];
  if (typeof id === 'string' || typeof id === 'number') return { id: String(id) };
  if (typeof name === 'string') return { name };
  return null;
}

function userName(state: SimState, accountId: string | null): string | null {
  if (accountId === null) return null;
  return state.users.get(accountId)?.displayName ?? accountId;
}

/** Builds patches for every entry of `fields`; field-level problems are collected into `errors`. */
export function buildPatches(state: SimState, project: ProjectRecord, fields: Record<string, unknown>, mode: PatchMode, errors: Record<string, string>): FieldPatch[] {
  const patches: FieldPatch[] = [];
  for (const [fieldId, value] of Object.entries(fields)) {
    const result = patchFor(state, project, fieldId, value, mode);
    if (typeof result === 'string') errors[fieldId] = result;
    else if (result !== null) patches.push(result);
  }
  return patches;
}

function patchFor(state: SimState, project: ProjectRecord, fieldId: string, value: unknown, mode: PatchMode): FieldPatch | string | null {
  switch (fieldId) {
    case 'project':
      return mode === 'create' ? null : NOT_ON_SCREEN(fieldId);
    case 'summary': {
      if (typeof value !== 'string' || value.trim().length === 0) return 'You must specify a summary of the issue.';
      if (value.length > 255) return 'Summary must be less than 255 characters.';
      return {
        apply: (i) => { i.summary = value; },
        items: (i) => (i.summary === value ? [] : [item('summary', 'summary', null, i.summary, null, value)]),
      };
    }
    case 'description': {
      if (value !== null && adfProblem(value) !== null) return ADF_REQUIRED;
      return {
        apply: (i) => { i.description = value; },
        items: (i) => {
          const before = i.description === null || i.description === undefined ? null : adfToText(i.description);
          const after = value === null ? null : adfToText(value);
          return JSON.stringify(i.description ?? null) === JSON.stringify(value) ? [] : [item('description', 'description', null, before, null, after)];
        },
      };
    }
    case 'issuetype': {
      const ref = refOf(value);
      const type = ref && project.issueTypes.find((t) => t.id === ref.id || t.name === ref.name);
      if (!type) return ref ? 'The issue type selected is invalid.' : 'Specify an issue type';
      const name = (id: string): string | null => project.issueTypes.find((t) => t.id === id)?.name ?? null;
      return {
        apply: (i) => { i.issueTypeId = type.id; },
        items: (i) => (i.issueTypeId === type.id ? [] : [item('issuetype', 'issuetype', i.issueTypeId, name(i.issueTypeId), type.id, type.name)]),
      };
    }
    case 'priority': {
      if (value === null) return { apply: (i) => { i.priorityId = null; }, items: (i) => priorityItems(state, i.priorityId, null) };
      const ref = refOf(value);
      if (!ref) return 'Specify the Priority (id or name) in the correct format';
      const priority = state.priorities.find((p) => p.id === ref.id || p.name === ref.name);
      if (!priority) return ref.id !== undefined ? `The priority selected is invalid.` : `The priority '${ref.name ?? ''}' does not exist.`;
      return { apply: (i) => { i.priorityId = priority.id; }, items: (i) => priorityItems(state, i.priorityId, priority.id) };
    }
    case 'labels': {
      if (!Array.isArray(value) || !value.every((l): l is string => typeof l === 'string')) return 'Labels must be a list of strings.';
      const bad = value.find((l) => /\s/.test(l) || l.length === 0 || l.length > 255);
      if (bad !== undefined) return `The label '${bad}' contains spaces which is invalid.`;
      const labels = [...new Set(value)].sort();
      return {
        apply: (i) => { i.labels = labels; },
        items: (i) => (i.labels.join(' ') === labels.join(' ') ? [] : [item('labels', 'labels', null, i.labels.join(' ') || null, null, labels.join(' ') || null)]),
      };
    }
    case 'components': {
      if (!Array.isArray(value)) return 'Components must be a list of {id} or {name}.';
      const ids: string[] = [];
      for (const entry of value) {
        const ref = refOf(entry);
        const component = ref && project.components.find((c) => c.id === ref.id || c.name === ref.name);
        if (!component) return `Component name '${ref?.name ?? ref?.id ?? ''}' is not valid`;
        ids.push(component.id);
      }
      const nameOf = (id: string): string => project.components.find((c) => c.id === id)?.name ?? id;
      return {
        apply: (i) => { i.componentIds = ids; },
        items: (i) => [
          ...i.componentIds.filter((id) => !ids.includes(id)).map((id) => item('Component', 'components', id, nameOf(id), null, null)),
          ...ids.filter((id) => !i.componentIds.includes(id)).map((id) => item('Component', 'components', null, null, id, nameOf(id))),
        ],
      };
    }
    case 'assignee':
    case 'reporter': {
      const accountId = value === null ? null : isObject(value) ? value['accountId'] : undefined;
      if (accountId !== null && (typeof accountId !== 'string' || !state.users.has(accountId))) {
        return fieldId === 'assignee' ? `User '${String(accountId)}' cannot be assigned issues.` : 'Specify a valid value for reporter';
      }
      const get = (i: IssueRecord): string | null => (fieldId === 'assignee' ? i.assigneeId : i.reporterId);
      return {
        apply: (i) => { if (fieldId === 'assignee') i.assigneeId = accountId; else i.reporterId = accountId; },
        items: (i) => (get(i) === accountId ? [] : [item(fieldId, fieldId, get(i), userName(state, get(i)), accountId, userName(state, accountId))]),
      };
    }
    default: {
      const def = state.customFields.get(fieldId);
      return def ? customPatch(state, def, value) : NOT_ON_SCREEN(fieldId);
    }
  }
}

function priorityItems(state: SimState, from: string | null, to: string | null): ChangeItem[] {
  if (from === to) return [];
  const name = (id: string | null): string | null => state.priorities.find((p) => p.id === id)?.name ?? null;
  return [item('priority', 'priority', from, name(from), to, name(to))];
}

function customPatch(state: SimState, def: CustomFieldDef, value: unknown): FieldPatch | string {
  const clear: FieldPatch = {
    apply: (i) => { i.custom.delete(def.id); },
    items: (i) => (i.custom.has(def.id) ? [item(def.name, def.id, currentRaw(def, i), currentString(def, i), null, null, 'custom')] : []),
  };
  if (def.kind === 'sprint') return sprintPatch(state, def, value);
  if (value === null) return clear;
  switch (def.kind) {
    case 'select': {
      if (!isObject(value)) return `Specify a valid 'id' or 'name' for ${def.name}`;
      const id = value['id'];
      const v = value['value'];
      const option = def.options.find((o) => (id !== undefined && o.id === String(id)) || (typeof v === 'string' && o.value === v));
      if (!option || option.disabled) return id !== undefined ? `Option id '${String(id)}' is not valid` : `Option value '${String(v)}' is not valid`;
      return {
        apply: (i) => { i.custom.set(def.id, { kind: 'select', optionId: option.id }); },
        items: (i) => (currentRaw(def, i) === option.id ? [] : [item(def.name, def.id, currentRaw(def, i), currentString(def, i), option.id, option.value, 'custom')]),
      };
    }
    case 'string': {
      if (typeof value !== 'string') return `Operation value must be a string`;
      return {
        apply: (i) => { i.custom.set(def.id, { kind: 'string', value }); },
        items: (i) => (currentString(def, i) === value ? [] : [item(def.name, def.id, null, currentString(def, i), null, value, 'custom')]),
      };
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `Operation value must be a number`;
      return {
        apply: (i) => { i.custom.set(def.id, { kind: 'number', value }); },
        items: (i) => (currentString(def, i) === String(value) ? [] : [item(def.name, def.id, null, currentString(def, i), null, String(value), 'custom')]),
      };
    }
  }
}

/**
 * The Sprint field takes a sprint id (or null): the issue joins that open sprint, leaving the open one it was
 * in; closed sprints stay in the field, as Jira keeps them. Unknown and closed sprints are refused.
 */
function sprintPatch(state: SimState, def: Extract<CustomFieldDef, { kind: 'sprint' }>, value: unknown): FieldPatch | string {
  if (value !== null && (typeof value !== 'number' || !Number.isInteger(value))) return `Number value expected as the Sprint id.`;
  const sprint = value === null ? undefined : state.sprints.get(value);
  if (value !== null && !sprint) return `Sprint with id ${String(value)} does not exist.`;
  if (sprint?.state === 'closed') return 'Issues can be assigned only to active or future sprints.';
  const current = (i: IssueRecord) => {
    const v = i.custom.get(def.id);
    return v?.kind === 'sprint' ? v.sprints : [];
  };
  const next = (i: IssueRecord) => {
    const kept = current(i).filter((sp) => (state.sprints.get(sp.id)?.state ?? sp.state) === 'closed');
    return sprint ? [...kept, { id: sprint.id, name: sprint.name, state: sprint.state, boardId: sprint.originBoardId }] : kept;
  };
  const ids = (list: readonly { id: number }[]) => (list.length > 0 ? list.map((sp) => sp.id).join(', ') : null);
  const names = (list: readonly { name: string }[]) => (list.length > 0 ? list.map((sp) => sp.name).join(', ') : null);
  return {
    apply: (i) => {
      const after = next(i);
      if (after.length > 0) i.custom.set(def.id, { kind: 'sprint', sprints: after });
      else i.custom.delete(def.id);
    },
    items: (i) => {
      const before = current(i);
      const after = next(i);
      return ids(before) === ids(after) ? [] : [item(def.name, def.id, ids(before), names(before), ids(after), names(after), 'custom')];
    },
  };
}

function currentRaw(def: CustomFieldDef, issue: IssueRecord): string | null {
  const v = issue.custom.get(def.id);
  if (v === undefined) return null;
  return v.kind === 'select' ? v.optionId : null;
}

function currentString(def: CustomFieldDef, issue: IssueRecord): string | null {
  const v = issue.custom.get(def.id);
  if (v === undefined) return null;
  switch (v.kind) {
    case 'select':
      return def.kind === 'select' ? (def.options.find((o) => o.id === v.optionId)?.value ?? null) : null;
    case 'string':
      return v.value;
    case 'number':
      return String(v.value);
    case 'sprint':
      return v.sprints.map((sp) => sp.name).join(',');
    case 'raw':
      return JSON.stringify(v.value) ?? null;
  }
}
