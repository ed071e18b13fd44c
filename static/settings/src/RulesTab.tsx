import { useCallback, useEffect, useState } from 'react';
import type { Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList, ResolverError, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge } from '../../shared/ui';
import { RuleEditor } from './RuleEditor';
import { RulesYaml } from './RulesYaml';

type Editing = { readonly kind: 'none' } | { readonly kind: 'new' } | { readonly kind: 'edit'; readonly rule: Rule };

export function RulesTab({ client, projectKey }: { client: ResolverClient; projectKey: string | undefined }) {
  const [list, setList] = useState<AlertRuleList | null>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    client.call('listAlertRules').then(setList, (e: unknown) => setError({ code: 'jira-error', message: messageOf(e) }));
  }, [client]);
  useEffect(load, [load]);

  const apply = async (action: () => Promise<ResolverResult<AlertRuleList>>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      const result = await action();
      if (result.ok) {
        setList(result.value);
        setNotice(done);
      } else setError(result.error);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    }
  };

  if (!list) return error ? <ErrorMessage error={error} /> : <p className="subtle">Loading…</p>;
  const rules = list.rules;
  const move = (index: number, by: -1 | 1) => {
    const ids = rules.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    if (id === undefined) return;
    ids.splice(index + by, 0, id);
    void apply(() => client.call('reorderAlertRules', { ids, expectedRevision: list.revision }), `Moved ${id} ${by < 0 ? 'up' : 'down'}.`);
  };

  return (
    <div>
      <div className="row">
        <h2 style={{ margin: 0 }}>Alert rules</h2>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setEditing({ kind: 'new' })} disabled={editing.kind !== 'none'}>
          Create rule
        </button>
      </div>
      <p className="subtle">The first active rule whose matchers all hold decides the Jira project and how the issue is written.</p>
      {error && <ErrorMessage error={error} title="Not changed" />}
      <div aria-live="polite" className="visually-hidden">
        {notice}
      </div>
      {editing.kind !== 'none' && (
        <RuleEditor
          key={editing.kind === 'edit' ? editing.rule.id : 'new'}
          client={client}
          list={list}
          editing={editing.kind === 'edit' ? editing.rule : undefined}
          projectKey={projectKey}
          onSaved={(next) => {
            setList(next);
            setEditing({ kind: 'none' });
            setNotice('Rule saved.');
          }}
          onCancel={() => setEditing({ kind: 'none' })}
        />
      )}
      {rules.length === 0 ? (
        <div className="message info">No rules yet: alerts are recorded but create no issues. Create a rule to start.</div>
      ) : (
        <table aria-label="Alert rules in order">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Rule</th>
              <th scope="col">Matchers</th>
              <th scope="col">Target</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
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
                </td>
                <td>{rule.active ? <Lozenge tone="success">active</Lozenge> : <Lozenge>disabled</Lozenge>}</td>
                <td className="actions">
                  <button type="button" className="compact" aria-label={`Move ${rule.name} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="compact" aria-label={`Move ${rule.name} down`} disabled={i === rules.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" className="compact" aria-label={`Edit ${rule.name}`} onClick={() => setEditing({ kind: 'edit', rule })}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="compact"
                    aria-label={`${rule.active ? 'Disable' : 'Enable'} ${rule.name}`}
                    onClick={() => void apply(() => client.call('saveAlertRule', { rule: { ...rule, active: !rule.active }, expectedRevision: list.revision }), `${rule.name} ${rule.active ? 'disabled' : 'enabled'}.`)}
                  >
                    {rule.active ? 'Disable' : 'Enable'}
                  </button>
                  {confirmDelete === rule.id ? (
                    <button
                      type="button"
                      className="compact danger"
                      aria-label={`Confirm delete ${rule.name}`}
                      onClick={() => {
                        setConfirmDelete(null);
                        void apply(() => client.call('deleteAlertRule', { id: rule.id, expectedRevision: list.revision }), `${rule.name} deleted.`);
                      }}
                    >
                      Confirm delete
                    </button>
                  ) : (
                    <button type="button" className="compact" aria-label={`Delete ${rule.name}`} onClick={() => setConfirmDelete(rule.id)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RulesYaml client={client} list={list} onImported={(next) => setList(next)} />
    </div>
  );
}
