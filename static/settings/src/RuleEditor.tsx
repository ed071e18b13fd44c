import Button from '@atlaskit/button/new';
import { useId, useMemo, useState, type ReactNode } from 'react';
import type { Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction } from '../../shared/resolver-hooks';
import { ErrorMessage, Form } from '../../shared/ui';
import { draftOf, hasErrors, newDraft, preview, ruleFromDraft, slugId, validateDraft, type DraftErrors, type RuleDraft } from './rule-draft';

interface Props {
  readonly client: ResolverClient;
  readonly list: AlertRuleList;
  readonly editing: Rule | undefined;
  readonly projectKey: string | undefined;
  readonly onSaved: (list: AlertRuleList) => void;
  readonly onCancel: () => void;
}

function Field({ label, errors, help, children, id }: { label: string; errors: string[] | undefined; help?: ReactNode; children: ReactNode; id: string }) {
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
      ) : help ? (
        <div className="field-help">{help}</div>
      ) : null}
    </div>
  );
}

export function RuleEditor({ client, list, editing, projectKey, onSaved, onCancel }: Props) {
  const uid = useId();
  const [draft, setDraft] = useState<RuleDraft>(() => (editing ? draftOf(editing) : newDraft(projectKey)));
  const { run, busy, error: serverError } = useResolverAction<'save'>();
  const saving = busy !== null;
  const taken = useMemo(() => new Set(list.rules.map((r) => r.id)), [list]);
  const nextOrder = Math.max(0, ...list.rules.map((r) => r.order)) + 10;
  const effective: RuleDraft = editing || draft.id !== '' ? draft : { ...draft, id: slugId(draft.name, taken) };
  const errors: DraftErrors = validateDraft(effective, editing, nextOrder);
  const invalid = hasErrors(errors);
  const summary = preview(draft.summaryTemplate);
  const description = preview(draft.descriptionTemplate);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const fid = (name: string) => `${uid}-${name}`;
  const aria = (name: keyof DraftErrors) => ({ 'aria-invalid': (errors[name]?.length ?? 0) > 0, 'aria-describedby': (errors[name]?.length ?? 0) > 0 ? `${fid(name)}-error` : undefined });

  const save = async () => {
    if (invalid) return;
    await run('save', () => client.call('saveAlertRule', { rule: ruleFromDraft(effective, editing, nextOrder), expectedRevision: list.revision }), { then: onSaved });
  };

  return (
    <Form className="card" label={editing ? `Edit rule ${editing.name}` : 'New rule'} onSubmit={save}>
      <h3>{editing ? `Edit rule “${editing.name}”` : 'New rule'}</h3>
      {serverError && <ErrorMessage error={serverError} title="Not saved" />}
      <div className="field-grid">
        <Field label="Name" id={fid('name')} errors={errors.name}>
          <input id={fid('name')} type="text" value={draft.name} onChange={(e) => set('name', e.target.value)} {...aria('name')} />
        </Field>
        <Field label="Rule id" id={fid('id')} errors={errors.id} help={editing ? 'Ids cannot change.' : 'Made from the name unless you set one.'}>
          <input id={fid('id')} type="text" value={editing ? draft.id : draft.id || effective.id} readOnly={editing !== undefined} onChange={(e) => set('id', e.target.value)} {...aria('id')} />
        </Field>
        <Field label="Jira project key" id={fid('projectKey')} errors={errors.projectKey}>
          <input id={fid('projectKey')} type="text" value={draft.projectKey} onChange={(e) => set('projectKey', e.target.value.toUpperCase())} {...aria('projectKey')} />
        </Field>
        <Field label="Issue type" id={fid('issueType')} errors={errors.issueType} help="A name such as Bug, or a numeric id.">
          <input id={fid('issueType')} type="text" value={draft.issueType} onChange={(e) => set('issueType', e.target.value)} {...aria('issueType')} />
        </Field>
      </div>
      <Field
        label="Matchers (one per line; all must hold)"
        id={fid('matchers')}
        errors={errors.matchers}
        help={
          <>
            Alertmanager syntax: <code>severity=~"critical|warning"</code>, <code>team="payments"</code>, <code>env!="dev"</code>. Regexes are RE2 and fully anchored.
          </>
        }
      >
        <textarea id={fid('matchers')} className="code" rows={4} value={draft.matchers} onChange={(e) => set('matchers', e.target.value)} spellCheck={false} {...aria('matchers')} />
      </Field>
      <div className="field-grid">
        <Field label="Group alerts into one issue per" id={fid('grouping')} errors={undefined}>
          <select id={fid('grouping')} value={draft.grouping} onChange={(e) => set('grouping', e.target.value === 'fingerprint' ? 'fingerprint' : 'group')}>
            <option value="group">Alertmanager group</option>
            <option value="fingerprint">alert (fingerprint)</option>
          </select>
        </Field>
        <div className="field">
          <span className="visually-hidden">State</span>
          <label className="checkbox" htmlFor={fid('active')} style={{ marginTop: 24 }}>
            <input id={fid('active')} type="checkbox" checked={draft.active} onChange={(e) => set('active', e.target.checked)} />
            Active
          </label>
        </div>
      </div>
      <Field
        label="Summary template"
        id={fid('summaryTemplate')}
        errors={errors.summaryTemplate}
        help={
          <>
            Placeholders: <code>{'{{ labels.severity }}'}</code>, <code>{'{{ annotations.summary }}'}</code>, <code>{'{{ groupLabels.cluster }}'}</code>, <code>{'{{ status }}'}</code>; filters{' '}
            <code>{'| default("none")'}</code>, <code>| capitalize</code>, <code>| upper</code>, <code>| lower</code>, <code>| trim</code>. Not Go templates.
          </>
        }
      >
        <input id={fid('summaryTemplate')} type="text" className="code" value={draft.summaryTemplate} onChange={(e) => set('summaryTemplate', e.target.value)} {...aria('summaryTemplate')} />
      </Field>
      <div className="field" aria-live="polite">
        <span className="field-help">Preview with the sample checkout alert{summary.warnings.length > 0 ? ` · ${summary.warnings.join('; ')}` : ''}</span>
        <div className="preview" data-testid="summary-preview">
          {summary.text}
        </div>
      </div>
      <Field label="Description template" id={fid('descriptionTemplate')} errors={errors.descriptionTemplate} help="Facts, labels, annotations and links are always added below it.">
        <textarea id={fid('descriptionTemplate')} className="code" rows={3} value={draft.descriptionTemplate} onChange={(e) => set('descriptionTemplate', e.target.value)} {...aria('descriptionTemplate')} />
      </Field>
      <div className="field" aria-live="polite">
        <span className="field-help">Preview{description.warnings.length > 0 ? ` · ${description.warnings.join('; ')}` : ''}</span>
        <div className="preview" data-testid="description-preview">
          {description.text}
        </div>
      </div>
      {errors.form && <ErrorMessage error={errors.form.join('; ')} title="Check the rule" />}
      <div className="row">
        <Button appearance="primary" type="submit" isDisabled={invalid || saving}>
          {saving ? 'Saving…' : 'Save rule'}
        </Button>
        <Button appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
        {invalid && <span className="subtle">Fix the highlighted fields to save.</span>}
      </div>
    </Form>
  );
}
