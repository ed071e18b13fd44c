/** A single problem found in the app, printed as `manifest.yml: <severity> <message>`. */
export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** Which check produced it: a @forge/lint linter name, `manifest` for @forge/manifest, or one of ours. */
  source: string;
  message: string;
  /** 1-based line in the file named by `file`, when known. */
  line?: number;
  /** File the finding is about, relative to the app dir; defaults to manifest.yml. */
  file?: string;
}

export interface CheckReport {
  findings: Finding[];
  errorCount: number;
  warningCount: number;
  /** Where the Jira REST spec used for the scope check came from. */
  jiraSpec: string;
  /** Source files (relative to the app dir) the code linters read. */
  lintedFiles: string[];
}
