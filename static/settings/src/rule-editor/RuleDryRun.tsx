/** "Dry-run this rule": the editor's unsaved rule, in its place among the others, on a sample alert it should match. */
import type { DryRunReport } from '../../../../src/forge/entry/resolvers/contract';
import { explainVerdict } from '../DryRunTab';
import { ProblemPreview } from '../ProblemPreview';
import { PreflightMessage } from './Preflight';

export function RuleDryRunReport({ report, ruleId, labels }: { report: DryRunReport; ruleId: string; labels: Readonly<Record<string, string>> }) {
  const alert = report.alerts[0];
  const mine = alert?.rules.find((r) => r.ruleId === ruleId);
  const problem = report.problems.find((p) => p.ruleId === ruleId);
  const preflight = report.preflight?.find((p) => p.ruleId === ruleId);
  return (
    <div className="card" data-testid="rule-dry-run" aria-live="polite">
      <h4 style={{ marginTop: 0 }}>Dry run of this rule</h4>
      <p className="subtle">
        Sample alert:{' '}
        <code className="wrap">
          {Object.entries(labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(', ')}
        </code>
      </p>
      <p data-testid="rule-dry-run-verdict">{mine ? `This rule ${explainVerdict(mine.verdict)}.` : 'This rule was not tried.'}</p>
      {problem ? (
        <ProblemPreview problem={problem} summaryTestId="rule-dry-run-summary" />
      ) : (
        <p className="subtle">No issue would be created or changed by this rule for the sample alert.</p>
      )}
      {preflight && <PreflightMessage report={preflight} when="dry-run" />}
    </div>
  );
}
