/**
 * Atlaskit Select, narrowed to what the rule editor needs: string values, options as { label, value }, a
 * value the options do not list still shown (a stored rule may name what Jira no longer offers; the pre-flight
 * then says so). `creatable` accepts typed values (templates, names Jira cannot list).
 */
import Select, { CreatableSelect } from '@atlaskit/select';

export interface PickerOption {
  readonly label: string;
  readonly value: string;
}

interface Common {
  readonly inputId: string;
  readonly options: readonly PickerOption[];
  readonly isLoading?: boolean;
  readonly isDisabled?: boolean;
  readonly isInvalid?: boolean;
  readonly placeholder?: string;
  readonly creatable?: boolean;
  /** Called as the person types (remote filtering). */
  readonly onInputChange?: (text: string) => void;
  readonly noOptionsMessage?: string;
}

const withValue = (options: readonly PickerOption[], value: string): PickerOption => options.find((o) => o.value === value) ?? { label: value, value };

/** The menu opens in a portal on <body> so it is never cut by a card or a table cell. */
const portal = typeof document === 'undefined' ? undefined : document.body;

export function Picker({ value, onChange, isClearable, ...p }: Common & { readonly value: string; readonly onChange: (value: string) => void; readonly isClearable?: boolean }) {
  const props = {
    inputId: p.inputId,
    options: [...p.options],
    value: value === '' ? null : withValue(p.options, value),
    onChange: (o: PickerOption | null) => onChange(o?.value ?? ''),
    isLoading: p.isLoading ?? false,
    isDisabled: p.isDisabled ?? false,
    isInvalid: p.isInvalid ?? false,
    isClearable: isClearable ?? false,
    placeholder: p.placeholder ?? 'Choose…',
    menuPortalTarget: portal,
    styles: { menuPortal: (base: object) => ({ ...base, zIndex: 600 }) },
    noOptionsMessage: () => p.noOptionsMessage ?? 'Nothing to choose',
    ...(p.onInputChange ? { onInputChange: (text: string) => p.onInputChange?.(text) } : {}),
  };
  return p.creatable ? <CreatableSelect<PickerOption, false> {...props} formatCreateLabel={(text: string) => `Use “${text}”`} /> : <Select<PickerOption, false> {...props} />;
}

export function MultiPicker({ values, onChange, ...p }: Common & { readonly values: readonly string[]; readonly onChange: (values: string[]) => void }) {
  const props = {
    inputId: p.inputId,
    isMulti: true as const,
    options: [...p.options],
    value: values.map((v) => withValue(p.options, v)),
    onChange: (o: readonly PickerOption[] | null) => onChange((o ?? []).map((x) => x.value)),
    isLoading: p.isLoading ?? false,
    isDisabled: p.isDisabled ?? false,
    isInvalid: p.isInvalid ?? false,
    placeholder: p.placeholder ?? 'Choose…',
    menuPortalTarget: portal,
    styles: { menuPortal: (base: object) => ({ ...base, zIndex: 600 }) },
    noOptionsMessage: () => p.noOptionsMessage ?? 'Nothing to choose',
  };
  return p.creatable ? <CreatableSelect<PickerOption, true> {...props} formatCreateLabel={(text: string) => `Use “${text}”`} /> : <Select<PickerOption, true> {...props} />;
}
