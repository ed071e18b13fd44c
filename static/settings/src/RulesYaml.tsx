import { useState } from 'react';
import { importRulesYaml } from '../../../src/forge/domain/alerts/rules-yaml';
import type { Rule } from '../../../src/forge/domain/alerts/rules';
import type { AlertRuleList, ResolverError } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge } from '../../shared/ui';

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
  const [error, setError] = useState<ResolverError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const doExport = async () => {
    setError(null);
    try {
      setExported((await client.call('exportAlertRules')).yaml);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    }
  };
  const doReview = () => {
    setDone(null);
    setError(null);
    const parsed = importRulesYaml(text);
    if (!parsed.ok) {
      setReview(null);
      setError({ code: 'invalid-input', message: 'the file has errors; nothing would be imported', problems: parsed.error });
      return;
    }
    setReview({ rules: parsed.value, changes: diffRules(list.rules, parsed.value) });
  };
  const doImport = async () => {
    setError(null);
    try {
      const result = await client.call('importAlertRules', { yaml: text });
      if (result.ok) {
        onImported(result.value);
        setReview(null);
        setDone(`Imported ${result.value.rules.length} rule(s).`);
      } else setError(result.error);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    }
  };

  return (
    <section aria-labelledby="yaml-heading">
      <h2 id="yaml-heading">YAML export and import</h2>
      <div className="row" style={{ marginBottom: 8 }}>
        <button type="button" onClick={() => void doExport()}>
          Export YAML
        </button>
        {exported !== null && (
          <a className="button" href={`data:application/yaml;charset=utf-8,${encodeURIComponent(exported)}`} download="incident-bridge-rules.yaml">
            Download
          </a>
        )}
      </div>
      {exported !== null && <pre data-testid="exported-yaml">{exported}</pre>}
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
        <button type="button" onClick={doReview} disabled={text.trim() === ''}>
          Review changes
        </button>
        {review && (
          <button type="button" className="primary" onClick={() => void doImport()}>
            Import {review.rules.length} rule(s)
          </button>
        )}
      </div>
      {error && <ErrorMessage error={error} title="Not imported" />}
      {done && (
        <div className="message success" role="status">
          {done}
        </div>
      )}
      {review && (
        <table aria-label="Changes the import would make">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Change</th>
              <th scope="col">Fields</th>
            </tr>
          </thead>
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
