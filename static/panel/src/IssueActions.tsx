import type { ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import type { ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { useReadOnlyReason } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import type { ResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages } from '../../shared/ui';

export type IssueJob = 'resync' | 'unlink';

interface Props {
  readonly action: ResolverAction<IssueJob>;
  /** What the action row shows before the buttons. */
  readonly leading: ReactNode;
  /** The confirmation dialog's title, e.g. "Unlink OPS-4 from INC-950?". */
  readonly question: string;
  /** What unlinking does, in words (the dialog's body). */
  readonly consequence: ReactNode;
  readonly onResync: () => Promise<unknown>;
  readonly unlink: () => Promise<ResolverResult<unknown>>;
  /** After a successful unlink, with the flag's text. */
  readonly onUnlinked: () => void;
}

/** The panel's action row (Resync now, Unlink behind a dialog that states the consequence) and the last action's failure. */
export function IssueActions({ action, leading, question, consequence, onResync, unlink, onUnlinked }: Props) {
  const { busy } = action;
  const feedback = useFeedback();
  const readOnly = useReadOnlyReason();
  const confirmUnlink = async () => {
    const confirmed = await feedback.confirm({ title: question, body: consequence, confirmLabel: 'Unlink issue' });
    if (confirmed) await action.run('unlink', unlink, { notice: 'Issue unlinked.', then: onUnlinked });
  };
  return (
    <>
      <div className="row" style={{ marginBottom: 8 }}>
        {leading}
        <span className="spacer" />
        <Button onClick={() => void onResync()} isDisabled={busy !== null}>
          {busy === 'resync' ? 'Resyncing…' : 'Resync now'}
        </Button>
        <Button appearance="subtle" onClick={() => void confirmUnlink()} isDisabled={busy !== null || readOnly !== null} aria-describedby={readOnly ? 'unlink-read-only' : undefined}>
          {busy === 'unlink' ? 'Unlinking…' : 'Unlink'}
        </Button>
      </div>
      {readOnly && (
        <p className="field-help" id="unlink-read-only" data-testid="read-only">
          Unlink is not available to you: {readOnly}.
        </p>
      )}
      <ActionMessages error={action.error} errorTitle="The action failed" />
    </>
  );
}
