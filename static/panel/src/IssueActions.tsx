import { useState, type ReactNode } from 'react';
import type { ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages } from '../../shared/ui';

export type IssueJob = 'resync' | 'unlink';

interface Props {
  readonly action: ResolverAction<IssueJob>;
  /** What the action row shows before the buttons. */
  readonly leading: ReactNode;
  /** The question the unlink confirmation asks. */
  readonly question: ReactNode;
  readonly onResync: () => Promise<unknown>;
  readonly unlink: () => Promise<ResolverResult<unknown>>;
  readonly onUnlinked: () => void;
}

/** The panel's action row (Resync now, Unlink behind a confirmation) and what the last action did. */
export function IssueActions({ action, leading, question, onResync, unlink, onUnlinked }: Props) {
  const [confirming, setConfirming] = useState(false);
  const { busy } = action;
  const confirmUnlink = async () => {
    await action.run('unlink', unlink, { then: onUnlinked });
    setConfirming(false);
  };
  return (
    <>
      <div className="row" style={{ marginBottom: 8 }}>
        {leading}
        <span className="spacer" />
        <button type="button" onClick={() => void onResync()} disabled={busy !== null}>
          {busy === 'resync' ? 'Resyncing…' : 'Resync now'}
        </button>
        {!confirming && (
          <button type="button" className="subtle-btn" onClick={() => setConfirming(true)} disabled={busy !== null}>
            Unlink
          </button>
        )}
      </div>
      {confirming && (
        <div className="message info" role="group" aria-label="Confirm unlink">
          <p>{question}</p>
          <div className="row">
            <button type="button" className="danger" onClick={() => void confirmUnlink()} disabled={busy !== null}>
              {busy === 'unlink' ? 'Unlinking…' : 'Unlink issue'}
            </button>
            <button type="button" className="subtle-btn" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ActionMessages error={action.error} notice={action.notice} errorTitle="The action failed" />
    </>
  );
}
