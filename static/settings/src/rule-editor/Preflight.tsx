/** What Jira's create metadata says of a rule (resolver preflightRule), in words, errors before warnings. */
import SectionMessage from '@atlaskit/section-message';
import type { PreflightReport } from '../../../../src/forge/entry/resolvers/contract';

/** `when`: the save was refused for it, or a dry run reports it. */
export function PreflightMessage({ report, when }: { report: PreflightReport; when: 'refused' | 'dry-run' }) {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  if (errors.length === 0 && warnings.length === 0) {
    return (
      <div className="message-slot" data-testid="preflight">
        <SectionMessage appearance="success" title={`Jira accepts issues from this rule in ${report.projectKey} (${report.issueType})`}>
          <p>Checked against Jira's create screen: the issue type exists and every required field is filled.</p>
        </SectionMessage>
      </div>
    );
  }
  const title =
    errors.length > 0
      ? when === 'refused'
        ? `Not saved: Jira would refuse issues from this rule in ${report.projectKey}`
        : `Jira would refuse issues from this rule in ${report.projectKey}`
      : report.checked
        ? `Jira accepts this rule in ${report.projectKey}, with ${warnings.length === 1 ? 'a warning' : 'warnings'}`
        : 'Not checked against Jira';
  return (
    <div className="message-slot" role={errors.length > 0 ? 'alert' : undefined} data-testid="preflight">
      <SectionMessage appearance={errors.length > 0 ? 'error' : 'warning'} title={title}>
        <ul>
          {[...errors, ...warnings].map((f, i) => (
            <li key={i}>{f.message}</li>
          ))}
        </ul>
      </SectionMessage>
    </div>
  );
}
