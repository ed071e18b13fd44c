/**
 * Pickers of the Mappings tab, fed by Jira as the signed-in user (listMappingPickerOptions): custom fields by
 * name, projects, priorities, and status names as suggestions. Each picker fills the typed field next to it, so an id
 * Jira does not list (a field on another screen, a status of a workflow not yet in use) can still be typed.
 */
import Select from '@atlaskit/select';
import type { MappingPickerOptions } from '../../../src/forge/entry/resolvers/contract';
import { useReadOnlyReason } from '../../shared/access';

interface Option {
  readonly label: string;
  readonly value: string;
}

/** The Atlaskit Select every picker here uses: its menu in a portal above the page, disabled until the options load. */
function PickerSelect({ label, inputId, choices, value, loaded, placeholder, loadingText, compact, onPick }: { label: string; inputId?: string; choices: readonly Option[]; value: Option | null; loaded: boolean; placeholder: string; loadingText: string; compact?: boolean; onPick: (value: string) => void }) {
  const readOnly = useReadOnlyReason() !== null;
  return (
    <Select<Option>
      aria-label={label}
      inputId={inputId}
      options={choices}
      value={value}
      placeholder={loaded ? placeholder : loadingText}
      isDisabled={!loaded || readOnly}
      onChange={(picked) => picked && onPick(picked.value)}
      spacing={compact ? 'compact' : 'default'}
      menuPortalTarget={typeof document === 'undefined' ? undefined : document.body}
      styles={{ menuPortal: (base) => ({ ...base, zIndex: 600 }) }}
    />
  );
}

/** A custom field by name; picking one sets its id. */
export function FieldPicker({ label, fieldId, options, onPick }: { label: string; fieldId: string; options: MappingPickerOptions | null; onPick: (fieldId: string) => void }) {
  const choices: Option[] = (options?.customFields ?? []).map((f) => ({ label: `${f.name} (${f.id}${f.type ? `, ${f.type}` : ''})`, value: f.id }));
  const current = choices.find((c) => c.value === fieldId.trim()) ?? null;
  return (
    <div className="picker" style={{ marginTop: 4 }}>
      <PickerSelect label={label} choices={choices} value={current} loaded={options !== null} placeholder="Pick a field by name…" loadingText="Loading fields…" compact onPick={onPick} />
    </div>
  );
}

/** A Jira project (key and name); picking one opens its settings. */
export function ProjectPicker({ label, options, exclude, onPick }: { label: string; options: MappingPickerOptions | null; exclude: readonly string[]; onPick: (projectKey: string) => void }) {
  const choices: Option[] = (options?.projects ?? []).filter((p) => !exclude.includes(p.key)).map((p) => ({ label: `${p.name} (${p.key})`, value: p.key }));
  return <PickerSelect label={label} choices={choices} value={null} loaded={options !== null} placeholder="Pick a project…" loadingText="Loading projects…" onPick={onPick} />;
}

/**
 * A Jira priority by name, from those the incident issue type's create screen accepts (create metadata, read
 * as the user). A stored name Jira does not list stays shown, marked, so the admin sees it and picks another.
 * When Jira listed none (or could not be read) the name is typed instead.
 */
export function PriorityPicker({ id, label, value, options, onPick }: { id: string; label: string; value: string; options: MappingPickerOptions | null; onPick: (name: string) => void }) {
  const listed = options?.priorities ?? [];
  if (options && listed.length === 0) {
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="text" value={value} onChange={(e) => onPick(e.target.value)} />
        <div className="field-help">Jira listed no priorities for the incident issue type here: type the name.</div>
      </div>
    );
  }
  const choices: Option[] = listed.map((p) => ({ label: p, value: p }));
  const name = value.trim();
  const current = choices.find((c) => c.value === name) ?? (name === '' ? null : { label: `${name} (not a Jira priority)`, value: name });
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <PickerSelect label={label} inputId={id} choices={current && !choices.includes(current) ? [current, ...choices] : choices} value={current} loaded={options !== null} placeholder="Pick a priority…" loadingText="Loading priorities…" onPick={onPick} />
    </div>
  );
}

/** Status names of the project as suggestions for every Jira status input (`list` attribute). */
export function StatusSuggestions({ id, options }: { id: string; options: MappingPickerOptions | null }) {
  return (
    <datalist id={id}>
      {(options?.statuses ?? []).map((s) => (
        <option key={s.name} value={s.name}>
          {s.category}
        </option>
      ))}
    </datalist>
  );
}
