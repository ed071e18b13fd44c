import Button from '@atlaskit/button/new';
import { useState } from 'react';
import { describeStormGuard, type Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { okResult, useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { Editable } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { InfoMessage, Loading, ErrorMessage, Lozenge, TableHead } from '../../shared/ui';
import { RuleEditor } from './RuleEditor';
import { RulesYaml } from './RulesYaml';

type Editing = { readonly kind: 'none' } | { readonly kind: 'new' } | { readonly kind: 'edit'; readonly rule: Rule };

export function RulesTab({ client, projectKey }: { client: ResolverClient; projectKey: string | undefined }) {
  const { value: list, error: loadError, setValue: setList } = useResolverQuery(async () => okResult(await client.call('listAlertRules')), [client]);
  const action = useResolverAction<'change'>();
  const { error } = action;
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const feedback = useFeedback();

  const apply = (call: () => Promise<ResolverResult<AlertRuleList>>, done: string) => action.run('change', call, { notice: done, then: setList });

  if (!list) return loadError ? <ErrorMessage error={loadError} /> : <Loading label="Loading the rules" />;
  const rules = list.rules;
  const move = (index: number, by: -1 | 1) => {
    const ids = rules.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    if (id === undefined) return;
    ids.splice(index + by, 0, id);
    void apply(() => client.call('reorderAlertRules', { ids, expectedRevision: list.revision }), `Moved ${id} ${by < 0 ? 'up' : 'down'}.`);
  };

  const remove = async (rule: Rule) => {
    const confirmed = await feedback.confirm({
      title: `Delete rule ${rule.name}?`,
      body: (
        <p>
          Alerts matching <code>{rule.id}</code> will no longer create or update issues in {rule.target.projectKey}{' '}
          {rules.length > 1 ? '(a later rule that matches them takes over)' : '(there is no other rule: they are only recorded)'}. Issues it created stay in Jira.
          Export the rules as YAML first to keep a copy.
        </p>
      ),
      confirmLabel: 'Delete rule',
    });
    if (confirmed) await apply(() => client.call('deleteAlertRule', { id: rule.id, expectedRevision: list.revision }), `${rule.name} deleted.`);
  };

  return (
    <div>
      <Editable>
        <div className="row">
          <h2 style={{ margin: 0 }}>Alert rules</h2>
          <span className="spacer" />
          <Button appearance="primary" onClick={() => setEditing({ kind: 'new' })} isDisabled={editing.kind !== 'none'}>
            Create rule
          </Button>
        </div>
        <p className="subtle">The first active rule whose matchers all hold decides the Jira project and how the issue is written.</p>
        {error && <ErrorMessage error={error} title="Not changed" />}
        {editing.kind !== 'none' && (
          <RuleEditor
            key={editing.kind === 'edit' ? editing.rule.id : 'new'}
            client={client}
            list={list}
            editing={editing.kind === 'edit' ? editing.rule : undefined}
            projectKey={projectKey}
            onSaved={(next, preflight) => {
              setList(next);
              setEditing({ kind: 'none' });
              // What Jira's pre-flight still says of the saved rule: a disabled rule it would refuse, templated values.
              const findings = preflight?.findings ?? [];
              if (preflight && !preflight.ok) feedback.warning('Rule saved disabled: Jira would refuse its issues', findings.filter((f) => f.severity === 'error').map((f) => f.message).join(' '));
              else if (findings.length > 0) feedback.warning('Rule saved, with warnings from Jira', findings.map((f) => f.message).join(' '));
              else action.setNotice('Rule saved.');
            }}
            onCancel={() => setEditing({ kind: 'none' })}
          />
        )}
        {rules.length === 0 ? (
          <InfoMessage title="No rules yet">Alerts are recorded but create no issues. Create a rule to start.</InfoMessage>
        ) : (
          <table aria-label="Alert rules in order">
            <TableHead columns={['#', 'Rule', 'Matchers', 'Target', 'State', 'Actions']} />
            <tbody>
              {rules.map((rule, i) => (
                <tr key={rule.id} data-rule-id={rule.id}>
                  <td>{i + 1}</td>
                  <td>
                    <strong>{rule.name}</strong>
                    <div className="subtle">
                      <code>{rule.id}</code>
                    </div>
                  </td>
                  <td>
                    {rule.matchers.map((m, j) => (
                      <div key={j}>
                        <code>{m}</code>
                      </div>
                    ))}
                  </td>
                  <td>
                    {rule.target.projectKey} · {rule.target.issueType}
                    {rule.stormGuard && (
                      <div className="subtle" data-storm-guard={rule.id} title="Storm guard: past this many new issues in a window, new problems roll into one storm issue">
                        Storm guard: {describeStormGuard(rule.stormGuard)}
                      </div>
                    )}
                  </td>
                  <td>{rule.active ? <Lozenge tone="success">active</Lozenge> : <Lozenge>disabled</Lozenge>}</td>
                  <td className="actions">
                    <Button spacing="compact" aria-label={`Move ${rule.name} up`} isDisabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </Button>
                    <Button spacing="compact" aria-label={`Move ${rule.name} down`} isDisabled={i === rules.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </Button>
                    <Button spacing="compact" aria-label={`Edit ${rule.name}`} onClick={() => setEditing({ kind: 'edit', rule })}>
                      Edit
                    </Button>
                    <Button
                      spacing="compact"
                      aria-label={`${rule.active ? 'Disable' : 'Enable'} ${rule.name}`}
                      onClick={() => void apply(() => client.call('saveAlertRule', { rule: { ...rule, active: !rule.active }, expectedRevision: list.revision }), `${rule.name} ${rule.active ? 'disabled' : 'enabled'}.`)}
                    >
                      {rule.active ? 'Disable' : 'Enable'}
                    </Button>
                    <Button spacing="compact" aria-label={`Delete ${rule.name}`} onClick={() => void remove(rule)}>
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Editable>
      <RulesYaml client={client} list={list} onImported={(next) => setList(next)} />
    </div>
  );
}
