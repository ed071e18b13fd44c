import type { PostMortemIssue } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import { IssueLink } from '../../shared/IssueLink';

/** A post-mortem the sync created: which incident it is the post-mortem of, with a link back to its issue. */
export function PostMortemView({ bridge, postMortem }: { bridge: Bridge; postMortem: PostMortemIssue }) {
  return (
    <div data-testid="post-mortem-of">
      <p>
        Post-mortem of Impact incident <strong>{postMortem.incidentId}</strong>, tracked on <IssueLink bridge={bridge} issueKey={postMortem.incidentIssueKey} testId="incident-issue" />.
      </p>
    </div>
  );
}
