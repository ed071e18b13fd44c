/**
 * Pickers of the Mappings tab, fed by Jira as the signed-in user (listMappingPickerOptions): custom fields by
 * name, projects, and status names as suggestions. Each picker fills the typed field next to it, so an id
 * Jira does not list (a field on another screen, a status of a workflow not yet in use) can still be typed.
 */
import Select from '@atlaskit/select';
import type { MappingPickerOptions } from '../../../src/forge/entry/resolvers/contract';

interface Option {
  readonly label: string;
  readonly value: string;
}

/** The Atlaskit Select every picker here uses: its menu in a portal above the page, disabled until the options load. */
function PickerSelect({ label, choices, value, loaded, placeholder, loadingText, compact, onPick }: { label: string; choices: readonly Option[]; value: Option | null; loaded: boolean; placeholder: string; loadingText: string; compact?: boolean; onPick: (value: string) => void }) {
  return (
    <Select<Option>
      aria-label={label}
      options={choices}
      value={value}
      placeholder={loaded ? placeholder : loadingText}
      isDisabled={!loaded}
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
