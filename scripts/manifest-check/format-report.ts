import type { CheckReport, Finding } from './types';

export function formatFinding(f: Finding): string {
  return `manifest.yml: ${f.severity} ${f.message}`;
}

/** One line per finding, then a summary; the caller exits non-zero when errorCount > 0. */
export function formatReport(report: CheckReport): string {
  const lines = report.findings.map(formatFinding);
  lines.push(
    `forge-validate: ${report.errorCount} error(s), ${report.warningCount} warning(s); ` +
      `${report.lintedFiles.length} source file(s) linted; Jira scopes from ${report.jiraSpec}`,
  );
  lines.push(report.errorCount > 0 ? 'forge-validate: FAILED' : 'forge-validate: OK');
  return lines.join('\n');
}
