import Button from '@atlaskit/button/new';
import { useState } from 'react';
import type { RuleVerdict } from '../../../src/forge/domain/alerts/rules';
import type { DryRunReport } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { useResolverAction } from '../../shared/resolver-hooks';
import { ErrorMessage, Lozenge, TableHead } from '../../shared/ui';
import { ProblemPreview } from './ProblemPreview';
import { PreflightMessage } from './rule-editor/Preflight';

const SAMPLE = JSON.stringify(
  {
    receiver: 'bridge',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', cluster: 'prod-eu', service: 'checkout', severity: 'critical', team: 'payments' },
        annotations: { summary: '5xx rate above 5% on checkout', description: 'Error ratio 0.087 over 5m' },
        startsAt: '2026-11-23T06:14:47.099Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example.com/graph?g0.expr=rate',
        fingerprint: 'ea57a5cee65a9cf3',
      },
    ],
    groupLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' },
    commonLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate", cluster="prod-eu"}',
    truncatedAlerts: 0,
  },
  null,
  2,
);

export function explainVerdict(v: RuleVerdict): string {
  switch (v.kind) {
    case 'selected':
      return 'matches: this rule is used';
    case 'matched-but-earlier-rule-won':
      return `matches, but rule ${v.winnerId} comes first`;
    case 'inactive':
      return 'disabled';
    case 'no-matchers':
      return 'has no matchers, so it never matches';
    case 'invalid-matcher':
      return `matcher ${v.matcher} is invalid: ${v.message}`;
    case 'matcher-failed':
      return `${v.matcher} does not hold: the label is ${v.labelValue === null ? 'missing' : `"${v.labelValue}"`}`;
    default: {
      const never: never = v;
      return String(never);
    }
  }
}

export function DryRunTab({ client }: { client: ResolverClient }) {
  const [text, setText] = useState(SAMPLE);
  const [report, setReport] = useState<DryRunReport | null>(null);
  const { run: runAction, busy, error, setError } = useResolverAction<'dry-run'>();
  const running = busy !== null;

  const run = async () => {
    setError(null);
    setReport(null);
    let notification: unknown;
    try {
      notification = JSON.parse(text);
    } catch (e) {
      setError({ code: 'invalid-input', message: `the payload is not JSON: ${messageOf(e)}` });
      return;
    }
    await runAction('dry-run', () => client.call('dryRunAlerts', { notification }), { then: setReport });
  };

  return (
    <div>
      <h2>Dry run</h2>
      <p className="subtle">Paste an Alertmanager webhook body: see which rule each alert matches, why the others do not, and what would be sent to Jira. Nothing is changed.</p>
      <div className="field">
        <label htmlFor="dry-run-payload">Alertmanager payload (JSON)</label>
        <textarea id="dry-run-payload" className="code" rows={10} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </div>
      <Button appearance="primary" onClick={() => void run()} isDisabled={running}>
        {running ? 'Running…' : 'Run dry run'}
      </Button>
      {error && (
        <div style={{ marginTop: 16 }}>
          <ErrorMessage error={error} title="Cannot dry-run" />
        </div>
      )}
      {report && (
        <div data-testid="dry-run-report">
          <h3>Alerts</h3>
          {report.alerts.map((a) => (
            <div className="card" key={a.fingerprint}>
              <div className="row">
                <code>{a.fingerprint}</code>
                <Lozenge tone={a.status === 'firing' ? 'removed' : 'success'}>{a.status}</Lozenge>
                {a.selectedRuleId ? (
                  <span>
                    → rule <strong>{a.selectedRuleId}</strong>
                  </span>
                ) : (
                  <Lozenge tone="moved">no rule matches</Lozenge>
                )}
              </div>
              <p className="subtle" style={{ marginTop: 8 }}>
                {Object.entries(a.labels)
                  .map(([k, v]) => `${k}="${v}"`)
                  .join(', ')}
              </p>
              {a.rules.length === 0 ? (
                <p>There are no rules.</p>
              ) : (
                <table aria-label={`Rules for alert ${a.fingerprint}`}>
                  <TableHead columns={['#', 'Rule', 'Why']} />
                  <tbody>
                    {a.rules.map((r, i) => (
                      <tr key={r.ruleId}>
                        <td>{i + 1}</td>
                        <td>{r.ruleName}</td>
                        <td>{explainVerdict(r.verdict)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
          {report.skipped.length > 0 && (
            <p>
              Skipped: {report.skipped.map((s) => `${s.fingerprint} (${s.reason})`).join(', ')}
            </p>
          )}
          {report.preflight && report.preflight.length > 0 && (
            <>
              <h3>What Jira says of the winning rules</h3>
              {report.preflight.map((p) => (
                <div key={p.ruleId} data-testid={`dry-run-preflight-${p.ruleId}`}>
                  <p className="subtle" style={{ marginBottom: 4 }}>
                    Rule <strong>{p.ruleId}</strong> ({p.projectKey} · {p.issueType})
                  </p>
                  <PreflightMessage report={p} when="dry-run" />
                </div>
              ))}
            </>
          )}
          <h3>Jira issues</h3>
          {report.problems.length === 0 && <p className="subtle">No issue would be created or changed.</p>}
          {report.problems.map((p) => (
            <div className="card" key={p.problemKey}>
              <p>
                Rule <strong>{p.ruleId}</strong> · one issue per {p.grouping === 'group' ? 'Alertmanager group' : 'alert'}
                {p.knownIssueKey ? ` · already tracked as ${p.knownIssueKey}` : ' · no issue yet'}
              </p>
              {p.storm && (
                <p data-testid="dry-run-storm">
                  Storm guard {p.storm.guard}: {p.storm.used} of {p.storm.maxNewIssues} new issues used in the window from {p.storm.windowStart} ·{' '}
                  {p.storm.verdict === 'own-issue'
                    ? 'this problem gets its own issue'
                    : p.storm.verdict === 'rolled'
                      ? `rolls into the storm issue ${p.storm.stormIssueKey ?? '(created first)'}`
                      : 'the window is full: the delivery would fail'}
                </p>
              )}
              <ProblemPreview problem={p} summaryTestId="dry-run-summary" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
