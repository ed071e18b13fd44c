import Button from '@atlaskit/button/new';
import { useId, useRef, useState, type ReactNode } from 'react';
import { IMPACT_STATUSES, type ImpactStatus } from '../../../src/shared/impact/incident';
import type { CustomFieldMapping, CustomFieldShape, CustomFieldSource, PriorityTarget } from '../../../src/forge/domain/incidents/field-mapping';
import type { IncidentMappings, IncidentRoutingView, IncidentSettingsView, MappingPickerOptions, OverridableField } from '../../../src/forge/entry/resolvers/contract';
import { Editable } from '../../shared/access';
import { CategoryMapping } from './CategoryMapping';
import { IncidentSyncSwitch } from './IncidentSyncSwitch';
import { FieldPicker, PriorityPicker, ProjectPicker, StatusSuggestions } from './MappingPickers';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { Loading, ActionMessages, ErrorMessage, Form, Lozenge, TableHead } from '../../shared/ui';

/** The Jira → Impact map as editable rows (a record cannot hold a half-typed or empty key). */
interface Draft {
  readonly mappings: IncidentMappings;
  readonly jiraToImpact: readonly (readonly [string, ImpactStatus])[];
  /** Project scope: the fields the project keeps as its own (the others inherit the site default). */
  readonly own: ReadonlySet<OverridableField>;
}

const FIELD_NAMES: Readonly<Record<OverridableField, string>> = {
  statuses: 'statuses',
  issueTypeName: 'issue type',
  priority: 'priority',
  customFields: 'custom fields',
  label: 'label',
  postMortem: 'post-mortems',
};

const SHAPES: readonly CustomFieldShape[] = ['text', 'select', 'multi-select', 'labels', 'number'];
const SOURCES: readonly CustomFieldSource['kind'][] = ['environments', 'platform', 'business_impact', 'custom_id'];
const PRIORITY_KINDS: readonly PriorityTarget['kind'][] = ['custom-select', 'custom-number', 'jira-priority'];
const DEFAULT_NAMES = { '1': 'Highest', '2': 'High', '3': 'Medium', '4': 'Low', '5': 'Lowest' } as const;

function draftOf(mappings: IncidentMappings, own: ReadonlySet<OverridableField> = new Set()): Draft {
  return { mappings, jiraToImpact: Object.entries(mappings.statuses.jiraToImpact), own };
}

function draftOfView(view: IncidentSettingsView): Draft {
  return draftOf(view.mappings, new Set((Object.keys(view.inheritance) as OverridableField[]).filter((f) => view.inheritance[f] === 'own')));
}

function mappingsOf(draft: Draft): IncidentMappings {
  return { ...draft.mappings, statuses: { ...draft.mappings.statuses, jiraToImpact: Object.fromEntries(draft.jiraToImpact) } };
}

function Field({ id, label, children, help }: { id: string; label: string; children: ReactNode; help?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && <div className="field-help">{help}</div>}
    </div>
  );
}

/** A labelled one-line text input. */
function TextField({ id, label, help, placeholder, value, onChange }: { id: string; label: string; help?: string; placeholder?: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field id={id} label={label} help={help}>
      <input id={id} type="text" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/** What is wrong with each editable row, found before saving and shown in the row. */
export interface RowProblems {
  readonly jiraToImpact: readonly (string | null)[];
  readonly customFields: readonly ({ readonly key?: string; readonly fieldId?: string } | null)[];
}

export function rowProblems(draft: Draft): RowProblems {
  const seen = new Map<string, number>();
  const jiraToImpact = draft.jiraToImpact.map(([name]) => {
    const key = name.trim().toLowerCase();
    if (key === '') return 'Enter a Jira status name, or remove this row.';
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count > 1 ? `“${name.trim()}” is listed above already (names compare case-insensitively).` : null;
  });
  const customFields = draft.mappings.fields.customFields.map((f) => {
    const key = f.source.kind === 'custom_id' && f.source.key.trim() === '' ? 'Enter the Impact custom id key.' : undefined;
    const fieldId = /^customfield_\d+$/.test(f.fieldId.trim()) ? undefined : 'A Jira custom field id such as customfield_10500.';
    return key || fieldId ? { ...(key ? { key } : {}), ...(fieldId ? { fieldId } : {}) } : null;
  });
  return { jiraToImpact, customFields };
}

const hasRowProblems = (p: RowProblems) => p.jiraToImpact.some((x) => x !== null) || p.customFields.some((x) => x !== null);

/** An input's problem under it, tied to it for screen readers. */
function RowError({ id, message }: { id: string; message: string | undefined | null }) {
  return message ? (
    <div className="field-error" id={id}>
      {message}
    </div>
  ) : null;
}

/** The last cell of an editable row. */
function RemoveCell({ label, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <td className="actions">
      <Button appearance="subtle" spacing="compact" aria-label={label} onClick={onRemove}>
        Remove
      </Button>
    </td>
  );
}

/**
 * The Mappings tab: the incident sync switch, the category mapping, and the mappings of the site default or
 * of one project (each field its own or inherited from the site default).
 */
export function MappingsTab({ client }: { client: ResolverClient }) {
  const uid = useId();
  const [scope, setScope] = useState<string | null>(null);
  const [adding, setAdding] = useState('');
  const { value: site, error, setValue: setSite } = useResolverQuery(() => client.call('getIncidentSettings', {}), [client]);
  // Picker options as the user: statuses of the project shown (the site default's incident project for the site).
  // Priorities: those the incident issue type's create screen accepts in that project.
  const pickerProject = scope ?? site?.mappings.fields.projectKey ?? null;
  const pickerIssueType = site?.mappings.fields.issueTypeName;
  const { value: options } = useResolverQuery<MappingPickerOptions | null>(
    async () => (pickerProject === null ? { ok: true, value: null } : client.call('listMappingPickerOptions', { projectKey: pickerProject, ...(pickerIssueType ? { issueType: pickerIssueType } : {}) })),
    [client, pickerProject, pickerIssueType],
  );
  if (!site) return error ? <ErrorMessage error={error} title="Could not load the incident settings" /> : <Loading label="Loading the incident settings" />;
  const setRouting = (routing: IncidentRoutingView) => setSite((v) => (v ? { ...v, routing } : v));
  const projects = [...new Set([...site.projects, ...(scope ? [scope] : [])])].sort();
  const addProject = () => {
    const key = adding.trim().toUpperCase();
    if (/^[A-Z][A-Z0-9_]{0,19}$/.test(key)) {
      setScope(key);
      setAdding('');
    }
  };
  return (
    <>
      <IncidentSyncSwitch client={client} routing={site.routing} canChange={site.access.site} onChange={setRouting} />
      <CategoryMapping client={client} routing={site.routing} canChange={site.access.site} onChange={setRouting} />
      <h2>Mappings</h2>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={`${uid}-scope`}>Settings for</label>
          <select id={`${uid}-scope`} style={{ maxWidth: '100%' }} value={scope ?? ''} onChange={(e) => setScope(e.target.value === '' ? null : e.target.value)}>
            <option value="">Site default</option>
            {projects.map((p) => (
              <option key={p} value={p}>
                Project {p}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-add`}>Project key to add</label>
          <input id={`${uid}-add`} type="text" placeholder="e.g. SEC" value={adding} onChange={(e) => setAdding(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), addProject())} />
          <Button onClick={addProject}>Add project settings</Button>
        </div>
        <div className="field">
          <div className="field-help">Or pick one of the projects you can see in Jira:</div>
          <ProjectPicker label="Pick a project to add" options={options} exclude={projects} onPick={(key) => setScope(key)} />
        </div>
      </div>
      <MappingsForm key={scope ?? ''} client={client} projectKey={scope} options={options} onProjects={(list) => setSite((v) => (v ? { ...v, projects: list } : v))} />
    </>
  );
}

/** The own/inherits switch of one field in project scope, and the field's controls (disabled while inherited). */
function OwnField({
  field,
  title,
  draft,
  projectScope,
  setOwn,
  children,
}: {
  field: OverridableField;
  title: string | undefined;
  draft: Draft;
  projectScope: boolean;
  setOwn: (field: OverridableField, own: boolean) => void;
  children: ReactNode;
}) {
  const own = !projectScope || draft.own.has(field);
  return (
    <div className="own-field" data-field={field}>
      {title && <h2>{title}</h2>}
      {projectScope && (
        <label className="checkbox">
          <input type="checkbox" aria-label={`Own ${FIELD_NAMES[field]} for this project`} checked={own} onChange={(e) => setOwn(field, e.target.checked)} />
          Own {FIELD_NAMES[field]} for this project {own ? <Lozenge tone="inprogress">own value</Lozenge> : <Lozenge>inherits the site default</Lozenge>}
        </label>
      )}
      <fieldset className="editable" disabled={!own}>
        {children}
      </fieldset>
    </div>
  );
}

/** Site scope: every field is the site's own (no switches shown). */
const SITE_OWN: ReadonlySet<OverridableField> = new Set();

/** Impact ⇄ Jira mappings: statuses both ways, priority, custom fields and where post-mortems go. */
function MappingsForm({
  client,
  projectKey,
  options,
  onProjects,
}: {
  client: ResolverClient;
  projectKey: string | null;
  options: MappingPickerOptions | null;
  onProjects: (projects: readonly string[]) => void;
}) {
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;
  const { value: draft, error, setValue: setDraft } = useResolverQuery(async () => {
    if (projectKey !== null) {
      const v = await client.call('getIncidentSettings', { projectKey });
      return v.ok ? { ok: true, value: draftOfView(v.value) } : v;
    }
    const r = await client.call('getIncidentMappings');
    return r.ok ? { ok: true, value: draftOf(r.value, SITE_OWN) } : r;
  }, [client, projectKey]);
  const action = useResolverAction<'save'>();
  // What the priority target had before a switch, so switching back restores it instead of wiping it.
  const remembered = useRef<{ fieldId?: string; names?: Extract<PriorityTarget, { kind: 'jira-priority' }>['names'] }>({});
  if (!draft) return error ? <ErrorMessage error={error} title="Could not load the mappings" /> : <Loading label="Loading the mappings" />;

  const m = draft.mappings;
  const edit = (change: (m: IncidentMappings) => IncidentMappings) => {
    action.setNotice(null);
    setDraft((d) => (d ? { ...d, mappings: change(d.mappings) } : d));
  };
  const editRows = (change: (rows: Draft['jiraToImpact']) => Draft['jiraToImpact']) => {
    action.setNotice(null);
    setDraft((d) => (d ? { ...d, jiraToImpact: change(d.jiraToImpact) } : d));
  };
  const editField = (index: number, change: (f: CustomFieldMapping) => CustomFieldMapping) =>
    edit((x) => ({ ...x, fields: { ...x.fields, customFields: x.fields.customFields.map((f, i) => (i === index ? change(f) : f)) } }));
  const setPriority = (priority: PriorityTarget) => edit((x) => ({ ...x, fields: { ...x.fields, priority } }));
  const setOwn = (field: OverridableField, own: boolean) => {
    action.setNotice(null);
    setDraft((d) => {
      if (!d) return d;
      const next = new Set(d.own);
      if (own) next.add(field);
      else next.delete(field);
      return { ...d, own: next };
    });
  };
  const own = (field: OverridableField, children: ReactNode, title?: string) => (
    <OwnField field={field} title={title} draft={draft} projectScope={projectKey !== null} setOwn={setOwn}>
      {children}
    </OwnField>
  );

  const problems = rowProblems(draft);
  const invalidRows = hasRowProblems(problems);
  const save = () =>
    invalidRows
      ? action.setError({ code: 'invalid-input', message: 'some rows are incomplete: see the messages in the rows' })
      : projectKey !== null
        ? action.run('save', () => client.call('saveProjectIncidentSettings', { projectKey, own: [...draft.own], mappings: mappingsOf(draft) }), {
            notice: `Settings for ${projectKey} saved.`,
            then: (saved) => {
              setDraft(draftOfView(saved));
              onProjects(saved.projects);
            },
          })
        : action.run('save', () => client.call('saveIncidentMappings', { mappings: mappingsOf(draft) }), { notice: 'Mappings saved.', then: (saved) => setDraft(draftOf(saved, SITE_OWN)) });

  const priority = m.fields.priority;
  return (
    <Form onSubmit={save}>
      <Editable>
        {projectKey === null ? (
          <p className="subtle">
            The site default: how Impact incidents become Jira issues, and back, in every project without settings of its own. Saving needs the Administer Projects permission in every project named here and
            the Administer Jira permission.
          </p>
        ) : (
          <p className="subtle">
            Settings of project {projectKey}: for incidents whose issue is in {projectKey} (the category mapping decides where new incidents go). Each field is its own or inherits the site default. Saving needs
            the Administer Projects permission in {projectKey} and in its post-mortem project.
          </p>
        )}

        <StatusSuggestions id={id('statuses')} options={options} />
        <h2>Incident issues</h2>
        <div className="field-grid">
          {projectKey === null && (
            <TextField id={id('project')} label="Incident project key" help="Where incidents go when no category names a project." value={m.fields.projectKey} onChange={(v) => edit((x) => ({ ...x, fields: { ...x.fields, projectKey: v } }))} />
          )}
          {own('issueTypeName', <TextField id={id('type')} label="Incident issue type" value={m.fields.issueTypeName} onChange={(v) => edit((x) => ({ ...x, fields: { ...x.fields, issueTypeName: v } }))} />)}
          {own(
            'label',
            <TextField id={id('label')} label="Label on every incident issue" help="Empty for none." value={m.fields.label ?? ''} onChange={(v) => edit((x) => ({ ...x, fields: { ...x.fields, label: v === '' ? null : v } }))} />,
          )}
        </div>

        {own(
          'statuses',
          <>
        <table aria-label="Impact status to Jira status">
          <TableHead columns={['Impact status', 'Jira status']} />
          <tbody>
            {IMPACT_STATUSES.map((s) => (
              <tr key={s}>
                <td>
                  <label htmlFor={id(`i2j-${s}`)}>{s}</label>
                </td>
                <td>
                  <input
                    id={id(`i2j-${s}`)}
                    type="text"
                    aria-label={`Jira status for ${s}`}
                    list={id('statuses')}
                    value={m.statuses.impactToJira[s]}
                    onChange={(e) => edit((x) => ({ ...x, statuses: { ...x.statuses, impactToJira: { ...x.statuses.impactToJira, [s]: e.target.value } } }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <h2>Status: Jira → Impact</h2>
        <p className="field-help">Jira statuses not listed are not sent to Impact. Names compare case-insensitively.</p>
        <table aria-label="Jira status to Impact status">
          <TableHead columns={['Jira status', 'Impact status']} hiddenActions />
          <tbody>
            {draft.jiraToImpact.map(([name, status], i) => (
              <tr key={i}>
                <td>
                  <input
                    type="text"
                    aria-label={`Jira status ${i + 1}`}
                    list={id('statuses')}
                    value={name}
                    aria-invalid={problems.jiraToImpact[i] ? true : undefined}
                    aria-describedby={problems.jiraToImpact[i] ? id(`j2i-${i}-error`) : undefined}
                    onChange={(e) => editRows((rows) => rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
                  />
                  <RowError id={id(`j2i-${i}-error`)} message={problems.jiraToImpact[i]} />
                </td>
                <td>
                  <select aria-label={`Impact status for Jira status ${i + 1}`} value={status} onChange={(e) => editRows((rows) => rows.map((r, j) => (j === i ? [r[0], e.target.value as ImpactStatus] : r)))}>
                    {IMPACT_STATUSES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                </td>
                <RemoveCell label={`Remove Jira status ${i + 1}`} onRemove={() => editRows((rows) => rows.filter((_, j) => j !== i))} />
              </tr>
            ))}
          </tbody>
        </table>
        <Button onClick={() => editRows((rows) => [...rows, ['', 'OPEN']])}>
          Add Jira status
        </Button>
          </>,
          'Status: Impact → Jira',
        )}

        {own(
          'priority',
          <>
        <div className="field-grid">
          <Field id={id('prio-kind')} label="Impact priority goes to">
            <select
              id={id('prio-kind')}
              value={priority.kind}
              onChange={(e) => {
                const kind = e.target.value as PriorityTarget['kind'];
                if (priority.kind === 'jira-priority') remembered.current.names = priority.names;
                else remembered.current.fieldId = priority.fieldId;
                const fieldId = priority.kind === 'jira-priority' ? (remembered.current.fieldId ?? 'customfield_') : priority.fieldId;
                setPriority(kind === 'jira-priority' ? { kind, names: remembered.current.names ?? DEFAULT_NAMES } : { kind, fieldId });
              }}
            >
              {PRIORITY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k === 'custom-select' ? 'a select custom field (options 1–5)' : k === 'custom-number' ? 'a number custom field' : "Jira's priority field"}
                </option>
              ))}
            </select>
          </Field>
          {priority.kind !== 'jira-priority' ? (
            <div>
              <TextField id={id('prio-field')} label="Priority field id" value={priority.fieldId} onChange={(v) => setPriority({ ...priority, fieldId: v })} />
              <FieldPicker label="Priority field by name" fieldId={priority.fieldId} options={options} onPick={(fieldId) => setPriority({ ...priority, fieldId })} />
            </div>
          ) : (
            (['1', '2', '3', '4', '5'] as const).map((p) => (
              <PriorityPicker key={p} id={id(`prio-${p}`)} label={`Jira priority for P${p}`} value={priority.names[p]} options={options} onPick={(v) => setPriority({ ...priority, names: { ...priority.names, [p]: v } })} />
            ))
          )}
        </div>

          </>,
          'Priority',
        )}

        {own(
          'customFields',
          <>
        <table aria-label="Custom field mapping">
          <TableHead columns={['Impact value', 'Custom id key', 'Jira field id', 'Field type']} hiddenActions />
          <tbody>
            {m.fields.customFields.map((f, i) => (
              <tr key={i}>
                <td>
                  <select
                    aria-label={`Impact value of custom field ${i + 1}`}
                    value={f.source.kind}
                    onChange={(e) => {
                      const kind = e.target.value as CustomFieldSource['kind'];
                      editField(i, (x) => ({ ...x, source: kind === 'custom_id' ? { kind, key: '' } : { kind } }));
                    }}
                  >
                    {SOURCES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                </td>
                <td>
                  {f.source.kind === 'custom_id' ? (
                    <>
                      <input
                        type="text"
                        aria-label={`Custom id key of custom field ${i + 1}`}
                        value={f.source.key}
                        aria-invalid={problems.customFields[i]?.key ? true : undefined}
                        aria-describedby={problems.customFields[i]?.key ? id(`cf-${i}-key-error`) : undefined}
                        onChange={(e) => editField(i, (x) => ({ ...x, source: { kind: 'custom_id', key: e.target.value } }))}
                      />
                      <RowError id={id(`cf-${i}-key-error`)} message={problems.customFields[i]?.key} />
                    </>
                  ) : (
                    <span className="subtle">—</span>
                  )}
                </td>
                <td>
                  <input
                    type="text"
                    aria-label={`Jira field id of custom field ${i + 1}`}
                    value={f.fieldId}
                    aria-invalid={problems.customFields[i]?.fieldId ? true : undefined}
                    aria-describedby={problems.customFields[i]?.fieldId ? id(`cf-${i}-field-error`) : undefined}
                    onChange={(e) => editField(i, (x) => ({ ...x, fieldId: e.target.value }))}
                  />
                  <RowError id={id(`cf-${i}-field-error`)} message={problems.customFields[i]?.fieldId} />
                  <FieldPicker label={`Jira field by name of custom field ${i + 1}`} fieldId={f.fieldId} options={options} onPick={(fieldId) => editField(i, (x) => ({ ...x, fieldId }))} />
                </td>
                <td>
                  <select aria-label={`Field type of custom field ${i + 1}`} value={f.shape} onChange={(e) => editField(i, (x) => ({ ...x, shape: e.target.value as CustomFieldShape }))}>
                    {SHAPES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                </td>
                <RemoveCell label={`Remove custom field ${i + 1}`} onRemove={() => edit((x) => ({ ...x, fields: { ...x.fields, customFields: x.fields.customFields.filter((_, j) => j !== i) } }))} />
              </tr>
            ))}
          </tbody>
        </table>
        <Button onClick={() => edit((x) => ({ ...x, fields: { ...x.fields, customFields: [...x.fields.customFields, { source: { kind: 'platform' }, fieldId: 'customfield_', shape: 'text' }] } }))}>
          Add custom field
        </Button>
          </>,
          'Custom fields',
        )}

        {own(
          'postMortem',
          <>
        <label className="checkbox">
          <input type="checkbox" checked={m.postMortem.enabled} onChange={(e) => edit((x) => ({ ...x, postMortem: { ...x.postMortem, enabled: e.target.checked } }))} />
          Create a post-mortem issue when an incident reaches POST_MORTEM
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={m.postMortem.requirePostMortemToClose} onChange={(e) => edit((x) => ({ ...x, postMortem: { ...x.postMortem, requirePostMortemToClose: e.target.checked } }))} />
          Block closing an incident issue that has no post-mortem
        </label>
        <div className="field-grid" style={{ marginTop: 8 }}>
          <TextField id={id('pm-project')} label="Post-mortem project key" value={m.postMortem.projectKey} onChange={(v) => edit((x) => ({ ...x, postMortem: { ...x.postMortem, projectKey: v } }))} />
          <TextField id={id('pm-type')} label="Post-mortem issue type" value={m.postMortem.issueTypeName} onChange={(v) => edit((x) => ({ ...x, postMortem: { ...x.postMortem, issueTypeName: v } }))} />
        </div>
        <h3>Post-mortem fields</h3>
        <p className="field-help">A custom field id per section; empty puts the section in the description.</p>
        <div className="field-grid">
          {Object.entries(m.postMortem.sectionTargets).map(([key, target]) => {
            const setTarget = (v: string) => edit((x) => ({ ...x, postMortem: { ...x.postMortem, sectionTargets: { ...x.postMortem.sectionTargets, [key]: v === '' ? null : v } } }));
            return (
              <div key={key}>
                <TextField id={id(`pm-${key}`)} label={`Field for section ${key}`} placeholder="description" value={target ?? ''} onChange={setTarget} />
                <FieldPicker label={`Field by name for section ${key}`} fieldId={target ?? ''} options={options} onPick={setTarget} />
              </div>
            );
          })}
        </div>
          </>,
          'Post-mortems',
        )}

        <ActionMessages error={action.error} errorTitle="The mappings were not saved" />
        <Button appearance="primary" type="submit" isDisabled={action.busy !== null}>
          {action.busy ? 'Saving…' : projectKey === null ? 'Save mappings' : `Save settings for ${projectKey}`}
        </Button>
      </Editable>
    </Form>
  );
}
