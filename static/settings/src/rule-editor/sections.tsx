/** The rule editor's compound fields: priority mapping, custom fields and a transition target. */
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import type { ReactNode } from 'react';
import type { CreateMetaField, RuleTargetOptions } from '../../../../src/forge/entry/resolvers/contract';
import { customFieldDraft, rowKey, type CustomFieldDraft, type CustomFieldMode, type PriorityRowDraft, type StatusCategoryKey, type TransitionDraft } from '../rule-draft';
import { MultiPicker, Picker, type PickerOption } from './Picker';

export function Field({ label, errors, help, children, id }: { label: string; errors: readonly string[] | undefined; help?: ReactNode; children: ReactNode; id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {errors && errors.length > 0 ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {errors.map((e, i) => (
            <div key={i}>{e}</div>
          ))}
        </div>
      ) : null}
      {help ? <div className="field-help">{help}</div> : null}
    </div>
  );
}

/** A group of fields with a heading and a line saying what it is for. */
export function Section({ title, about, children }: { title: string; about?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="editor-section">
      <legend>{title}</legend>
      {about ? <p className="field-help" style={{ marginTop: 0 }}>{about}</p> : null}
      {children}
    </fieldset>
  );
}

const options = (names: readonly string[] | null | undefined): PickerOption[] => (names ?? []).map((n) => ({ label: n, value: n }));

// ---------------------------------------------------------------------------------------------------------

export function PriorityRows({
  fid,
  label,
  rows,
  fallback,
  priorities,
  loading,
  invalid,
  onLabel,
  onRows,
  onDefault,
}: {
  fid: (name: string) => string;
  label: string;
  rows: readonly PriorityRowDraft[];
  fallback: string;
  priorities: readonly string[] | null | undefined;
  loading: boolean;
  invalid: boolean;
  onLabel: (v: string) => void;
  onRows: (rows: PriorityRowDraft[]) => void;
  onDefault: (v: string) => void;
}) {
  const choices = options(priorities);
  const update = (key: number, patch: Partial<PriorityRowDraft>) => onRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={fid('priorityLabel')}>Priority from alert label</label>
          <Textfield id={fid('priorityLabel')} value={label} placeholder="severity" isInvalid={invalid && label.trim() === ''} onChange={(e) => onLabel(e.currentTarget.value)} />
        </div>
        <div className="field">
          <label htmlFor={fid('priorityDefault')}>Default priority</label>
          <Picker inputId={fid('priorityDefault')} options={choices} value={fallback} onChange={onDefault} isClearable isLoading={loading} placeholder="None: Jira's default" />
        </div>
      </div>
      {rows.length > 0 && (
        <ul className="plain-rows" aria-label="Priority mapping">
          {rows.map((row, i) => (
            <li key={row.key} className="mapping-row">
              <div className="field">
                <label htmlFor={fid(`prio-value-${row.key}`)}>Label value {i + 1}</label>
                <Textfield id={fid(`prio-value-${row.key}`)} value={row.value} placeholder="critical" onChange={(e) => update(row.key, { value: e.currentTarget.value })} />
              </div>
              <div className="field">
                <label htmlFor={fid(`prio-name-${row.key}`)}>Jira priority {i + 1}</label>
                <Picker inputId={fid(`prio-name-${row.key}`)} options={choices} value={row.priority} onChange={(v) => update(row.key, { priority: v })} isLoading={loading} />
              </div>
              <Button spacing="compact" appearance="subtle" aria-label={`Remove priority row ${i + 1}`} onClick={() => onRows(rows.filter((r) => r.key !== row.key))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Button spacing="compact" onClick={() => onRows([...rows, { key: rowKey(), value: '', priority: '' }])}>
        Add priority row
      </Button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------

/** Fields the rule sets itself (they cannot be custom fields). */
const RESERVED = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'priority', 'components', 'reporter', 'attachment', 'issuelinks']);

/** How a field is best written, from its create metadata: select options by value, numbers, text, else JSON. */
export function modeFor(field: CreateMetaField | undefined): CustomFieldMode {
  if (!field) return 'text';
  const hasOptions = (field.allowedValues ?? []).some((v) => v.value !== undefined);
  if (hasOptions) return field.schemaType === 'array' ? 'options' : 'option';
  if (field.schemaType === 'number') return 'number';
  if (field.schemaType === 'string') return 'text';
  return 'json';
}

const MODES: readonly PickerOption[] = [
  { value: 'text', label: 'Text (templates allowed)' },
  { value: 'number', label: 'Number' },
  { value: 'option', label: 'Option' },
  { value: 'options', label: 'Several options' },
  { value: 'json', label: 'JSON (REST v3 shape)' },
];

export function CustomFieldRows({ fid, rows, target, loading, onRows }: { fid: (name: string) => string; rows: readonly CustomFieldDraft[]; target: RuleTargetOptions | null; loading: boolean; onRows: (rows: CustomFieldDraft[]) => void }) {
  const fields = (target?.fields ?? []).filter((f) => !RESERVED.has(f.fieldId));
  const fieldOptions: PickerOption[] = fields.map((f) => ({ value: f.fieldId, label: `${f.name}${f.required ? ' (required)' : ''} · ${f.fieldId}` }));
  const update = (key: number, patch: Partial<CustomFieldDraft>) => onRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const choose = (row: CustomFieldDraft, fieldId: string) => {
    const meta = fields.find((f) => f.fieldId === fieldId);
    const mode = modeFor(meta);
    update(row.key, { fieldId, fieldName: meta?.name ?? '', mode, text: '', options: [] });
  };
  return (
    <div>
      {rows.length > 0 && (
        <ul className="plain-rows" aria-label="Custom fields">
          {rows.map((row, i) => {
            const meta = fields.find((f) => f.fieldId === row.fieldId);
            const allowed = (meta?.allowedValues ?? []).filter((v) => !v.disabled && v.value !== undefined).map((v) => v.value ?? '');
            return (
              <li key={row.key} className="mapping-row">
                <div className="field">
                  <label htmlFor={fid(`cf-field-${row.key}`)}>Custom field {i + 1}</label>
                  <Picker inputId={fid(`cf-field-${row.key}`)} options={fieldOptions} value={row.fieldId} onChange={(v) => choose(row, v)} isLoading={loading} placeholder="Type a field name" noOptionsMessage={target?.issueType ? 'No such field on the create screen' : 'Choose the issue type first'} />
                </div>
                <div className="field">
                  <label htmlFor={fid(`cf-mode-${row.key}`)}>Custom field {i + 1} written as</label>
                  <Picker inputId={fid(`cf-mode-${row.key}`)} options={MODES} value={row.mode} onChange={(v) => update(row.key, { mode: v as CustomFieldMode })} />
                </div>
                <div className="field">
                  <label htmlFor={fid(`cf-value-${row.key}`)}>Custom field value {i + 1}</label>
                  {row.mode === 'option' ? (
                    <Picker inputId={fid(`cf-value-${row.key}`)} options={options(allowed)} value={row.options[0] ?? ''} onChange={(v) => update(row.key, { options: v === '' ? [] : [v] })} creatable />
                  ) : row.mode === 'options' ? (
                    <MultiPicker inputId={fid(`cf-value-${row.key}`)} options={options(allowed)} values={row.options} onChange={(v) => update(row.key, { options: v })} creatable />
                  ) : row.mode === 'json' ? (
                    <textarea id={fid(`cf-value-${row.key}`)} className="code" rows={3} value={row.text} onChange={(e) => update(row.key, { text: e.target.value })} spellCheck={false} />
                  ) : (
                    <Textfield id={fid(`cf-value-${row.key}`)} value={row.text} inputMode={row.mode === 'number' ? 'decimal' : 'text'} onChange={(e) => update(row.key, { text: e.currentTarget.value })} />
                  )}
                </div>
                <Button spacing="compact" appearance="subtle" aria-label={`Remove custom field ${i + 1}`} onClick={() => onRows(rows.filter((r) => r.key !== row.key))}>
                  Remove
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <Button spacing="compact" onClick={() => onRows([...rows, { ...customFieldDraft('', ''), fieldId: '' }])}>
        Add custom field
      </Button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------

const BY: readonly PickerOption[] = [
  { value: 'statusCategory', label: 'Status category' },
  { value: 'name', label: 'Transition or status name' },
  { value: 'id', label: 'Transition id' },
];
const CATEGORIES: readonly PickerOption[] = [
  { value: 'new', label: 'To do (new)' },
  { value: 'indeterminate', label: 'In progress' },
  { value: 'done', label: 'Done' },
];

export function TransitionFields({ fid, prefix, value, target, loading, onChange }: { fid: (name: string) => string; prefix: string; value: TransitionDraft; target: RuleTargetOptions | null; loading: boolean; onChange: (v: TransitionDraft) => void }) {
  const statuses = [...new Set((target?.statuses ?? []).map((s) => s.name))];
  return (
    <div className="field-grid">
      <div className="field">
        <label htmlFor={fid(`${prefix}-by`)}>{prefix === 'resolve' ? 'Close with' : 'Reopen with'}</label>
        <Picker inputId={fid(`${prefix}-by`)} options={BY} value={value.by} onChange={(v) => onChange({ ...value, by: v as TransitionDraft['by'] })} />
      </div>
      {value.by === 'statusCategory' && (
        <div className="field">
          <label htmlFor={fid(`${prefix}-category`)}>{prefix === 'resolve' ? 'Move to a status in' : 'Move back to a status in'}</label>
          <Picker inputId={fid(`${prefix}-category`)} options={CATEGORIES} value={value.category} onChange={(v) => onChange({ ...value, category: v as StatusCategoryKey })} />
        </div>
      )}
      {value.by === 'name' && (
        <div className="field">
          <label htmlFor={fid(`${prefix}-name`)}>{prefix === 'resolve' ? 'Target status or transition' : 'Reopen status or transition'}</label>
          <Picker inputId={fid(`${prefix}-name`)} options={options(statuses)} value={value.name} onChange={(v) => onChange({ ...value, name: v })} isLoading={loading} creatable placeholder="A status of the workflow" />
        </div>
      )}
      {value.by === 'id' && (
        <div className="field">
          <label htmlFor={fid(`${prefix}-id`)}>{prefix === 'resolve' ? 'Close transition id' : 'Reopen transition id'}</label>
          <Textfield id={fid(`${prefix}-id`)} value={value.id} inputMode="numeric" onChange={(e) => onChange({ ...value, id: e.currentTarget.value })} />
        </div>
      )}
    </div>
  );
}
