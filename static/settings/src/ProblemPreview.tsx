/** What a dry run shows of one problem's Jira issue (the Dry run tab and the rule editor's "Dry-run this rule"). */
import type { DryRunReport } from '../../../src/forge/entry/resolvers/contract';
import { AdfView } from '../../shared/adf';

type Problem = DryRunReport['problems'][number];

/** The summary and description as Jira would get them, then the Jira calls the delivery would make. */
export function ProblemPreview({ problem, summaryTestId }: { problem: Problem; summaryTestId: string }) {
  return (
    <>
      <label>Summary</label>
      <div className="preview" data-testid={summaryTestId}>
        {problem.summary}
      </div>
      <label style={{ marginTop: 8 }}>Description</label>
      <div className="preview" style={{ whiteSpace: 'normal' }}>
        <AdfView node={problem.description} />
      </div>
      <label style={{ marginTop: 8 }}>Jira calls</label>
      {problem.jiraCalls.length === 0 ? (
        <p className="subtle">none</p>
      ) : (
        <ol>
          {problem.jiraCalls.map((c, i) => (
            <li key={i}>
              <code className="wrap">
                {c.method} {c.path}
              </code>{' '}
              — {c.purpose}
              {c.body !== undefined && (
                <details>
                  <summary>body</summary>
                  <pre className="wrap">{JSON.stringify(c.body, null, 2)}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
