import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import { useId, useMemo, useState } from 'react';
import type { Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList, AlertRuleSaveResult, DryRunReport, PreflightReport } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { errorOf, useResolverAction } from '../../shared/resolver-hooks';
import { ErrorMessage, Form } from '../../shared/ui';
import {
  draftOf,
  fieldOfPath,
  hasErrors,
  matcherLines,
  newDraft,
  preview,
  ruleFromDraft,
  sampleLabelsFor,
  sampleNotification,
  slugId,
  validateDraft,
  type DraftErrors,
  type DraftField,
  type RuleDraft,
} from './rule-draft';
import { MultiPicker, Picker, type PickerOption } from './rule-editor/Picker';
import { PreflightMessage } from './rule-editor/Preflight';
import { RuleDryRunReport } from './rule-editor/RuleDryRun';
import { CustomFieldRows, Field, PriorityRows, Section, TransitionFields } from './rule-editor/sections';
import { useProjects, useTargetOptions } from './rule-editor/use-pickers';
import './rule-editor/rule-editor.css';

interface Props {
  readonly client: ResolverClient;
  readonly list: AlertRuleList;
  readonly editing: Rule | undefined;
  readonly projectKey: string | undefined;
  /** `preflight`: what Jira's create metadata says of the saved rule (a disabled rule may be saved with errors). */
  readonly onSaved: (list: AlertRuleList, preflight: PreflightReport | null) => void;
  readonly onCancel: () => void;
}

const GROUPING: readonly PickerOption[] = [
  { value: 'group', label: 'Alertmanager group' },
  { value: 'fingerprint', label: 'alert (fingerprint)' },
];
const REFIRE: readonly PickerOption[] = [
  { value: 'new-linked-issue', label: 'Create a new issue linked to the closed one' },
  { value: 'reopen', label: 'Reopen the closed issue' },
];
const RESOLVE: readonly PickerOption[] = [
  { value: 'comment', label: 'Comment only (people close the issue)' },
  { value: 'comment-and-transition', label: 'Comment and move the issue' },
];

/** Field errors from findings or problems at rule paths (`rule.priority.mapping.critical`). */
function errorsAt(items: readonly { readonly path: string; readonly message: string }[]): DraftErrors {
  const out: DraftErrors = {};
  for (const { path, message } of items) (out[fieldOfPath(path)] ??= []).push(message);
  return out;
}

function merge(a: DraftErrors, b: DraftErrors): DraftErrors {
  const out: DraftErrors = { ...a };
  for (const [k, list] of Object.entries(b) as [DraftField, string[]][]) out[k] = [...(out[k] ?? []), ...list.filter((m) => !(out[k] ?? []).includes(m))];
  return out;
}

export function RuleEditor({ client, list, editing, projectKey, onSaved, onCancel }: Props) {
  const uid = useId();
  const taken = useMemo(() => new Set(list.rules.map((r) => r.id)), [list]);
  const nextOrder = Math.max(0, ...list.rules.map((r) => r.order)) + 10;
  const [draft, setDraftState] = useState<RuleDraft>(() => (editing ? draftOf(editing) : newDraft(projectKey, nextOrder)));
  const { run, busy, error: serverError, setError } = useResolverAction<'save' | 'dry-run'>();
  const [checking, setChecking] = useState(false);
  /** The pre-flight answer that stopped the last Save (shown until the next edit). */
  const [preflight, setPreflight] = useState<{ report: PreflightReport; when: 'refused' } | null>(null);
  const [dryRun, setDryRun] = useState<{ report: DryRunReport; labels: Record<string, string> } | null>(null);
  const [projectQuery, setProjectQuery] = useState('');
  const projects = useProjects(client, projectQuery);
  const target = useTargetOptions(client, draft.projectKey, draft.issueType);
  const saving = busy === 'save' || checking;

  const effective: RuleDraft = editing || draft.id !== '' ? draft : { ...draft, id: slugId(draft.name, taken) };
  const local = validateDraft(effective, editing);
  const invalid = hasErrors(local);
  // What Jira (pre-flight) or the server said at the last Save, shown at the fields until the next edit.
  const remote = merge(preflight ? errorsAt(preflight.report.findings.filter((f) => f.severity === 'error')) : {}, errorsAt(serverError?.problems ?? []));
  const errors = merge(local, remote);
  const summary = preview(draft.summaryTemplate);
  const description = preview(draft.descriptionTemplate);
  const setDraft = (update: (d: RuleDraft) => RuleDraft) => {
    setDraftState(update);
    setPreflight(null);
    setDryRun(null);
    setError(null);
  };
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const fid = (name: string) => `${uid}-${name}`;
  const bad = (name: DraftField) => (errors[name]?.length ?? 0) > 0;
  const aria = (name: DraftField) => ({ 'aria-invalid': bad(name), 'aria-describedby': bad(name) ? `${fid(name)}-error` : undefined });
  const options = target.value;
  const targetLoading = target.loading;

  const projectOptions: PickerOption[] = (projects.value?.projects ?? []).map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }));
  const issueTypeOptions: PickerOption[] = (options?.issueTypes ?? []).map((t) => ({ value: t.name, label: t.name }));
  const componentOptions: PickerOption[] = (options?.components ?? []).map((c) => ({ value: c, label: c }));
  const ruleNow = () => ruleFromDraft(effective, editing);

  const save = async () => {
    if (invalid || saving) return;
    const rule = ruleNow();
    setError(null);
    setChecking(true);
    let report: PreflightReport | null = null;
    try {
      // Ask Jira first: an active rule Jira would refuse is not sent at all (the server refuses it too).
      const checked = await client.call('preflightRule', { rule });
      if (checked.ok) report = checked.value;
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setChecking(false);
    }
    if (report && !report.ok && effective.active) {
      setPreflight({ report, when: 'refused' });
      return;
    }
    await run('save', () => client.call('saveAlertRule', { rule, expectedRevision: list.revision }), {
      then: (saved: AlertRuleSaveResult) => onSaved(saved, saved.preflight ?? report),
    });
  };

  const dryRunThis = async () => {
    if (invalid) return;
    const rule = ruleNow();
    const others = list.rules.filter((r) => r.id !== effective.id);
    const labels = sampleLabelsFor(matcherLines(draft.matchers));
    setDryRun(null);
    await run('dry-run', () => client.call('dryRunAlerts', { notification: sampleNotification(labels, new Date()), rules: [...others, rule] }), { then: (report) => setDryRun({ report, labels }) });
  };

  return (
    <Form className="card rule-editor" label={editing ? `Edit rule ${editing.name}` : 'New rule'} onSubmit={save}>
      <h3>{editing ? `Edit rule “${editing.name}”` : 'New rule'}</h3>
      {serverError && <ErrorMessage error={serverError} title={busy === 'dry-run' || dryRun ? 'Cannot dry-run' : 'Not saved'} />}
      <div className="field-grid">
        <Field label="Name" id={fid('name')} errors={errors.name}>
          <input id={fid('name')} type="text" value={draft.name} onChange={(e) => set('name', e.target.value)} {...aria('name')} />
        </Field>
        <Field label="Rule id" id={fid('id')} errors={errors.id} help={editing ? 'Ids cannot change.' : 'Made from the name unless you set one.'}>
          <input id={fid('id')} type="text" value={editing ? draft.id : draft.id || effective.id} readOnly={editing !== undefined} onChange={(e) => set('id', e.target.value)} {...aria('id')} />
        </Field>
        <Field label="Jira project" id={fid('projectKey')} errors={errors.projectKey} help={projects.error ? `Projects could not be listed: ${projects.error.message}` : undefined}>
          <Picker
            inputId={fid('projectKey')}
            options={projectOptions}
            value={draft.projectKey}
            onChange={(v) => setDraft((d) => ({ ...d, projectKey: v }))}
            onInputChange={setProjectQuery}
            isLoading={projects.loading}
            isInvalid={bad('projectKey')}
            placeholder="Type a project name or key"
            noOptionsMessage="No project you can see matches"
          />
        </Field>
        <Field
          label="Issue type"
          id={fid('issueType')}
          errors={errors.issueType}
          help={target.error ? `Jira: ${target.error.message}` : options && options.issueType === null && draft.issueType !== '' ? `Jira has no issue type “${draft.issueType}” in ${draft.projectKey}: choose one it has.` : undefined}
        >
          <Picker inputId={fid('issueType')} options={issueTypeOptions} value={draft.issueType} onChange={(v) => set('issueType', v)} isLoading={targetLoading} isInvalid={bad('issueType') || (options !== null && options.issueType === null)} noOptionsMessage="Choose a project first" />
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
        <Field label="Group alerts into one issue per" id={fid('grouping')} errors={errors.grouping}>
          <Picker inputId={fid('grouping')} options={GROUPING} value={draft.grouping} onChange={(v) => set('grouping', v === 'fingerprint' ? 'fingerprint' : 'group')} />
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
            Placeholders: <code>{'{{ labels.severity }}'}</code>, <code>{'{{ annotations.summary }}'}</code>, <code>{'{{ groupLabels.cluster }}'}</code>, <code>{'{{ status }}'}</code>, <code>{'{{ alertCount }}'}</code>; filters{' '}
            <code>{'| default("none")'}</code>, <code>| capitalize</code>, <code>| upper</code>, <code>| lower</code>, <code>| trim</code>. Not Alertmanager's Go templates: <code>{'{{ .Labels.severity }}'}</code> is refused with what to write instead.
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

      <Section title="Priority" about="The Jira priority from an alert label, e.g. severity critical → Highest. Without a mapping or default, Jira's default priority applies.">
        <PriorityRows
          fid={fid}
          label={draft.priorityLabel}
          rows={draft.priorityRows}
          fallback={draft.priorityDefault}
          priorities={options?.priorities}
          loading={targetLoading}
          invalid={bad('priority')}
          onLabel={(v) => set('priorityLabel', v)}
          onRows={(rows) => set('priorityRows', rows)}
          onDefault={(v) => set('priorityDefault', v)}
        />
        {errors.priority && (
          <div className="field-error" role="alert">
            {errors.priority.map((e, i) => (
              <div key={i}>{e}</div>
            ))}
          </div>
        )}
      </Section>

      <Section title="Labels and components">
        <div className="field-grid">
          <Field label="Jira labels (one per line)" id={fid('labels')} errors={errors.labels} help={<>Templates allowed, e.g. <code>{'team-{{ labels.team }}'}</code>; spaces become _.</>}>
            <textarea id={fid('labels')} className="code" rows={3} value={draft.labels} onChange={(e) => set('labels', e.target.value)} spellCheck={false} {...aria('labels')} />
          </Field>
          <Field label="Copy alert labels" id={fid('copyLabels')} errors={errors.copyLabels} help={<>Label names, comma separated, added as <code>name_value</code>; <code>*</code> copies every common label.</>}>
            <Textfield id={fid('copyLabels')} value={draft.copyLabels} onChange={(e) => set('copyLabels', e.currentTarget.value)} isInvalid={bad('copyLabels')} />
          </Field>
        </div>
        <Field label="Components" id={fid('components')} errors={errors.components} help="Components Jira offers on this issue type's create screen; a template such as {{ labels.service }} is checked by Jira when the issue is created.">
          <MultiPicker inputId={fid('components')} options={componentOptions} values={draft.components} onChange={(v) => set('components', v)} isLoading={targetLoading} isInvalid={bad('components')} creatable noOptionsMessage="This create screen has no components" />
        </Field>
      </Section>

      <Section title="Custom fields" about="Fields of the create screen, by name; required ones are marked. Strings may be templates.">
        <CustomFieldRows fid={fid} rows={draft.customFields} target={options} loading={targetLoading} onRows={(rows) => set('customFields', rows)} />
        {errors.customFields && (
          <div className="field-error" role="alert" data-testid="custom-field-errors">
            {errors.customFields.map((e, i) => (
              <div key={i}>{e}</div>
            ))}
          </div>
        )}
      </Section>

      <Section title="When alerts resolve and fire again">
        <Field label="When the alerts resolve" id={fid('resolve-policy')} errors={errors.resolve}>
          <Picker inputId={fid('resolve-policy')} options={RESOLVE} value={draft.resolvePolicy} onChange={(v) => set('resolvePolicy', v === 'comment-and-transition' ? 'comment-and-transition' : 'comment')} />
        </Field>
        {draft.resolvePolicy === 'comment-and-transition' && <TransitionFields fid={fid} prefix="resolve" value={draft.resolveTransition} target={options} loading={targetLoading} onChange={(v) => set('resolveTransition', v)} />}
        <Field label="When they fire again after the issue was closed" id={fid('refire-policy')} errors={errors.reFire}>
          <Picker inputId={fid('refire-policy')} options={REFIRE} value={draft.reFirePolicy} onChange={(v) => set('reFirePolicy', v === 'reopen' ? 'reopen' : 'new-linked-issue')} />
        </Field>
        {draft.reFirePolicy === 'reopen' ? (
          <TransitionFields fid={fid} prefix="refire" value={draft.reFireTransition} target={options} loading={targetLoading} onChange={(v) => set('reFireTransition', v)} />
        ) : (
          <Field label="Link type" id={fid('linkType')} errors={undefined} help="Jira's link type name, e.g. Relates.">
            <Textfield id={fid('linkType')} value={draft.linkType} onChange={(e) => set('linkType', e.currentTarget.value)} />
          </Field>
        )}
      </Section>

      <Section title="Order and storm guard">
        <div className="field-grid">
          <Field label="Order" id={fid('order')} errors={errors.order} help="Lower runs first; the first matching rule wins.">
            <Textfield id={fid('order')} value={draft.order} inputMode="numeric" onChange={(e) => set('order', e.currentTarget.value)} isInvalid={bad('order')} />
          </Field>
        </div>
        <p className="field-help" id={fid('stormGuard')}>
          Storm guard (optional): at most N new issues per M minutes for this rule; past that, alerts roll into one storm issue.
        </p>
        <div className="field-grid">
          <Field label="Storm guard: at most N new issues" id={fid('stormMax')} errors={undefined}>
            <Textfield id={fid('stormMax')} value={draft.stormMax} inputMode="numeric" placeholder="off" onChange={(e) => set('stormMax', e.currentTarget.value)} isInvalid={bad('stormGuard')} />
          </Field>
          <Field label="per M minutes" id={fid('stormWindow')} errors={undefined}>
            <Textfield id={fid('stormWindow')} value={draft.stormWindow} inputMode="numeric" placeholder="off" onChange={(e) => set('stormWindow', e.currentTarget.value)} isInvalid={bad('stormGuard')} />
          </Field>
        </div>
        {errors.stormGuard && (
          <div className="field-error" role="alert">
            {errors.stormGuard.map((e, i) => (
              <div key={i}>{e}</div>
            ))}
          </div>
        )}
      </Section>

      {errors.form && <ErrorMessage error={errors.form.join('; ')} title="Check the rule" />}
      {preflight && <PreflightMessage report={preflight.report} when={preflight.when} />}
      <div className="row">
        <Button appearance="primary" type="submit" isDisabled={invalid || saving}>
          {checking ? 'Checking with Jira…' : busy === 'save' ? 'Saving…' : 'Save rule'}
        </Button>
        <Button onClick={() => void dryRunThis()} isDisabled={invalid || busy !== null}>
          {busy === 'dry-run' ? 'Running…' : 'Dry-run this rule'}
        </Button>
        <Button appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
        {invalid && <span className="subtle">Fix the highlighted fields to save.</span>}
      </div>
      {dryRun && <RuleDryRunReport report={dryRun.report} ruleId={effective.id} labels={dryRun.labels} />}
    </Form>
  );
}
