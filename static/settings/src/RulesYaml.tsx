import Button from '@atlaskit/button/new';
import { useState } from 'react';
import { importRulesYaml } from '../../../src/forge/domain/alerts/rules-yaml';
import type { Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList } from '../../../src/forge/entry/resolvers/contract';
import { Editable } from '../../shared/access';
import type { ResolverClient } from '../../shared/client';
import { okResult, useResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages, Lozenge, TableHead } from '../../shared/ui';

interface RuleChange {
  readonly id: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly fields: readonly string[];
}

/** What importing would do, rule by rule (import replaces the whole list). */
export function diffRules(current: readonly Rule[], next: readonly Rule[]): RuleChange[] {
  const before = new Map(current.map((r) => [r.id, r]));
  const changes: RuleChange[] = next.map((rule) => {
    const old = before.get(rule.id);
    if (!old) return { id: rule.id, kind: 'added', fields: [] };
    const keys = [...new Set([...Object.keys(old), ...Object.keys(rule)])].sort();
    const fields = keys.filter((k) => JSON.stringify((old as Record<string, unknown>)[k]) !== JSON.stringify((rule as Record<string, unknown>)[k]));
    return { id: rule.id, kind: fields.length > 0 ? 'changed' : 'unchanged', fields };
  });
  const kept = new Set(next.map((r) => r.id));
  for (const r of current) if (!kept.has(r.id)) changes.push({ id: r.id, kind: 'removed', fields: [] });
  return changes;
}

const TONE = { added: 'success', removed: 'removed', changed: 'moved', unchanged: 'default' } as const;

export function RulesYaml({ client, list, onImported }: { client: ResolverClient; list: AlertRuleList; onImported: (list: AlertRuleList) => void }) {
  const [exported, setExported] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [review, setReview] = useState<{ rules: Rule[]; changes: RuleChange[] } | null>(null);
  const action = useResolverAction<'export' | 'import'>();
  const { setError } = action;

  const doExport = () => action.run('export', async () => okResult(await client.call('exportAlertRules')), { then: (r) => setExported(r.yaml) });
  const doReview = () => {
    action.setNotice(null);
    setError(null);
    const parsed = importRulesYaml(text);
    if (!parsed.ok) {
      setReview(null);
      setError({ code: 'invalid-input', message: 'the file has errors; nothing would be imported', problems: parsed.error });
      return;
    }
    setReview({ rules: parsed.value, changes: diffRules(list.rules, parsed.value) });
  };
  const doImport = () =>
    action.run('import', () => client.call('importAlertRules', { yaml: text }), {
      notice: (next) => `Imported ${next.rules.length} rule(s).`,
      then: (next) => {
        onImported(next);
        setReview(null);
      },
    });

  return (
    <section aria-labelledby="yaml-heading">
      <h2 id="yaml-heading">YAML export and import</h2>
      <div className="row" style={{ marginBottom: 8 }}>
        <Button onClick={() => void doExport()}>
          Export YAML
        </Button>
        {exported !== null && (
          <a className="button" href={`data:application/yaml;charset=utf-8,${encodeURIComponent(exported)}`} download="incident-bridge-rules.yaml">
            Download
          </a>
        )}
      </div>
      {exported !== null && <pre data-testid="exported-yaml">{exported}</pre>}
      <Editable>
        <div className="field">
          <label htmlFor="import-yaml">Paste a rules file to import (replaces every rule)</label>
          <textarea
            id="import-yaml"
            className="code"
            rows={6}
            value={text}
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value);
              setReview(null);
            }}
          />
        </div>
        <div className="row" style={{ marginBottom: 8 }}>
          <Button onClick={doReview} isDisabled={text.trim() === ''}>
            Review changes
          </Button>
          {review && (
            <Button appearance="primary" onClick={() => void doImport()}>
              Import {review.rules.length} rule(s)
            </Button>
          )}
        </div>
      </Editable>
      <ActionMessages error={action.error} errorTitle="Not imported" />
      {review && (
        <table aria-label="Changes the import would make">
          <TableHead columns={['Rule', 'Change', 'Fields']} />
          <tbody>
            {review.changes.map((c) => (
              <tr key={`${c.kind}-${c.id}`}>
                <td>
                  <code>{c.id}</code>
                </td>
                <td>
                  <Lozenge tone={TONE[c.kind]}>{c.kind}</Lozenge>
                </td>
                <td>{c.fields.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
