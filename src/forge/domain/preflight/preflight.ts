/**
 * Pre-flight: would Jira accept an issue created with these fields? Decided on Jira's create metadata, before
 * anything is sent, so an admin hears "Jira has no issue type Outage in OPS" at Save instead of a 400 on every
 * alert. Pure: the metadata and the planned fields come in as data.
 */
import { resolveIssueType, type CreateMetaAllowedValue, type CreateMetaField, type CreateMetadata } from './create-meta';

/** How a field of the create request is filled; `path` locates it in the rule or mapping (for the form). */
export type PlannedValue =
  /** Referenced by name (priority, components): every name that can be sent. */
  | { readonly kind: 'names'; readonly names: readonly { readonly name: string; readonly path: string }[] }
  /** Select options by value (`{value: "x"}`). */
  | { readonly kind: 'options'; readonly values: readonly { readonly value: string; readonly path: string }[] }
  /** Referenced by id (`{id: "10001"}`). */
  | { readonly kind: 'ids'; readonly ids: readonly { readonly id: string; readonly path: string }[] }
  /** Filled with a value the check does not look into (text, labels, numbers). */
  | { readonly kind: 'set'; readonly path: string }
  /** Rendered from the alert or incident: only Jira can say, when the issue is created. */
  | { readonly kind: 'templated'; readonly path: string };

export interface PlannedCreate {
  readonly projectKey: string;
  readonly issueType: { readonly value: string; readonly path: string };
  /** By Jira field id (`priority`, `components`, `customfield_10010`). */
  readonly fields: Readonly<Record<string, PlannedValue>>;
  /** Fields the app always sends besides these (`project`, `issuetype`, `summary`, …). */
  readonly alwaysSent: readonly string[];
}

export type PreflightCode =
  | 'unknown-issue-type'
  | 'missing-required-field'
  | 'field-not-on-screen'
  | 'value-not-allowed'
  | 'value-disabled'
  | 'value-case'
  | 'templated-value'
  | 'metadata-unavailable';

export interface PreflightFinding {
  readonly severity: 'error' | 'warning';
  readonly code: PreflightCode;
  /** Where in the rule or mapping (`target.issueType`, `priority.mapping.critical`, `customFields.customfield_10010`). */
  readonly path: string;
  readonly fieldId?: string;
  readonly message: string;
}

/** `checked: false` when Jira's metadata could not be read (then a single warning says why). */
export interface PreflightReport {
  readonly checked: boolean;
  readonly projectKey: string;
  readonly issueType: string;
  readonly ok: boolean;
  readonly findings: readonly PreflightFinding[];
}

const quote = (s: string): string => `"${s}"`;
const listOf = (values: readonly string[], max = 12): string =>
  values.length === 0 ? 'none' : values.length <= max ? values.map(quote).join(', ') : `${values.slice(0, max).map(quote).join(', ')} and ${values.length - max} more`;

function label(f: CreateMetaField): string {
  return f.fieldId === f.name.toLowerCase() ? quote(f.name) : `${quote(f.name)} (${f.fieldId})`;
}

export function report(projectKey: string, issueType: string, findings: readonly PreflightFinding[], checked = true): PreflightReport {
  return { checked, projectKey, issueType, ok: !findings.some((f) => f.severity === 'error'), findings };
}

/** The report when Jira's metadata could not be read: nothing is refused, the reason is a warning. */
export function uncheckedReport(planned: PlannedCreate, reason: string): PreflightReport {
  return report(planned.projectKey, planned.issueType.value, [{ severity: 'warning', code: 'metadata-unavailable', path: planned.issueType.path, message: `Jira's create metadata for ${planned.projectKey} could not be read (${reason}), so the fields were not checked.` }], false);
}

function checkValues(field: CreateMetaField, planned: PlannedValue, where: string): PreflightFinding[] {
  const allowed = field.allowedValues;
  if (planned.kind === 'templated') {
    return allowed === null ? [] : [{ severity: 'warning', code: 'templated-value', path: planned.path, fieldId: field.fieldId, message: `${label(field)} is rendered from the alert, so Jira checks it only when the issue is created; it accepts ${listOf(allowedNames(allowed))}.` }];
  }
  if (planned.kind === 'set' || allowed === null) return [];
  const out: PreflightFinding[] = [];
  const refuse = (path: string, code: PreflightCode, message: string) => out.push({ severity: 'error', code, path, fieldId: field.fieldId, message });
  const check = (entry: CreateMetaAllowedValue | undefined, shown: string, path: string, caseMatch: CreateMetaAllowedValue | undefined) => {
    if (entry?.disabled) refuse(path, 'value-disabled', `${quote(shown)} is disabled for ${label(field)} ${where}; Jira will refuse it.`);
    else if (entry) return;
    else if (caseMatch) out.push({ severity: 'warning', code: 'value-case', path, fieldId: field.fieldId, message: `${label(field)} ${where} has ${quote(allowedName(caseMatch))}, not ${quote(shown)}; use Jira's spelling.` });
    else refuse(path, 'value-not-allowed', `Jira will not accept ${quote(shown)} for ${label(field)} ${where}; it accepts ${listOf(allowedNames(allowed))}.`);
  };
  switch (planned.kind) {
    case 'names':
      for (const n of planned.names) check(allowed.find((a) => a.name === n.name), n.name, n.path, allowed.find((a) => a.name?.toLowerCase() === n.name.toLowerCase()));
      break;
    case 'options':
      for (const v of planned.values) check(allowed.find((a) => a.value === v.value), v.value, v.path, allowed.find((a) => a.value?.toLowerCase() === v.value.toLowerCase()));
      break;
    case 'ids':
      for (const i of planned.ids) check(allowed.find((a) => a.id === i.id), i.id, i.path, undefined);
      break;
  }
  return out;
}

const allowedName = (a: CreateMetaAllowedValue): string => a.name ?? a.value ?? a.id ?? '?';
const allowedNames = (allowed: readonly CreateMetaAllowedValue[]): string[] => allowed.filter((a) => !a.disabled).map(allowedName);

const pathOf = (p: PlannedValue): string => (p.kind === 'names' ? (p.names[0]?.path ?? '') : p.kind === 'options' ? (p.values[0]?.path ?? '') : p.kind === 'ids' ? (p.ids[0]?.path ?? '') : p.path);

/**
 * Errors: an issue type the project does not have, a required field (without a default) nothing fills, a
 * field not on the create screen (Jira: "cannot be set"), a value outside the field's allowed values or a
 * disabled option. Warnings: a value that differs from Jira's only in case, a templated value of a field with
 * allowed values (checked by Jira at creation).
 */
export function preflightCreate(meta: CreateMetadata, planned: PlannedCreate): PreflightReport {
  const issueType = meta.issueType ?? resolveIssueType(meta.issueTypes, planned.issueType.value);
  if (!issueType || meta.fields === null) {
    return report(planned.projectKey, planned.issueType.value, [
      {
        severity: 'error',
        code: 'unknown-issue-type',
        path: planned.issueType.path,
        fieldId: 'issuetype',
        message: `Jira has no issue type ${quote(planned.issueType.value)} you can create in ${planned.projectKey}; it has ${listOf(meta.issueTypes.filter((t) => !t.subtask).map((t) => t.name))}.`,
      },
    ]);
  }
  const where = `in ${planned.projectKey} ${issueType.name} issues`;
  const findings: PreflightFinding[] = [];
  const byId = new Map(meta.fields.map((f) => [f.fieldId, f]));
  for (const [fieldId, value] of Object.entries(planned.fields)) {
    const field = byId.get(fieldId);
    if (!field) {
      findings.push({ severity: 'error', code: 'field-not-on-screen', path: pathOf(value), fieldId, message: `${quote(fieldId)} is not on the create screen of ${issueType.name} in ${planned.projectKey}, so Jira will refuse it ("cannot be set").` });
      continue;
    }
    findings.push(...checkValues(field, value, where));
  }
  const filled = new Set([...Object.keys(planned.fields), ...planned.alwaysSent]);
  for (const field of meta.fields) {
    if (field.required && !field.hasDefaultValue && !filled.has(field.fieldId)) {
      findings.push({ severity: 'error', code: 'missing-required-field', path: 'customFields', fieldId: field.fieldId, message: `Jira requires ${label(field)} for ${issueType.name} issues in ${planned.projectKey}, and nothing fills it; add it to the custom fields.` });
    }
  }
  return report(planned.projectKey, issueType.name, findings);
}
