import { useEffect, useRef, useState } from 'react';
import type { IssueIncident, ResolverError } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge, formatTime } from '../../shared/ui';
import { IssueLink } from './IssueLink';

type Busy = 'resync' | 'unlink' | null;

/** The resync runs on the queue: the page asks again every POLL_MS, at most POLL_TRIES times (30 s). */
const POLL_MS = 750;
const POLL_TRIES = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Impact incident behind an incident issue: both sides' status, priority, commander, sync health; resync and unlink. */
export function IncidentView({ bridge, client, incident: initial, onChanged }: { bridge: Bridge; client: ResolverClient; incident: IssueIncident; onChanged: () => void }) {
  const [incident, setIncident] = useState(initial);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const agree = incident.expectedJiraStatus !== null && incident.jiraStatus !== null && norm(incident.expectedJiraStatus) === norm(incident.jiraStatus);
  // An error older than the last successful sync no longer describes the link's health.
  const failing = incident.lastError !== null && (incident.lastSync === null || incident.lastError.at > incident.lastSync);

  /** Polls until the queued request has run; answers false when the issue is no longer an incident issue. */
  const awaitResync = async (requestId: string): Promise<void> => {
    for (let i = 0; i < POLL_TRIES && live.current; i += 1) {
      await sleep(POLL_MS);
      const next = await client.call('getIssueIncident');
      if (!live.current) return;
      if (!next.ok) {
        setError(next.error);
        return;
      }
      if (next.value?.kind !== 'incident') {
        onChanged();
        return;
      }
      const resync = next.value.resync;
      if (resync?.requestId !== requestId || resync.outcome === 'pending') continue;
      setIncident(next.value);
      if (resync.outcome === 'synced') setNotice(`Resynced with Impact: ${resync.detail ?? 'done'}.`);
      else if (resync.outcome === 'not-linked') onChanged();
      else {
        setNotice(null);
        setError({ code: 'jira-error', message: resync.detail ?? 'the resync failed' });
      }
      return;
    }
    if (live.current) setNotice('The resync is still queued; reload the panel in a moment to see the result.');
  };

  const resync = async () => {
    setBusy('resync');
    setError(null);
    setNotice(null);
    try {
      const queued = await client.call('resyncIssueIncident');
      if (!queued.ok) setError(queued.error);
      else {
        setNotice('Resync queued: Jira is being brought up to date with Impact…');
        await awaitResync(queued.value.requestId);
      }
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    } finally {
      if (live.current) setBusy(null);
    }
  };

  const unlink = async () => {
    setBusy('unlink');
    setError(null);
    try {
      const result = await client.call('unlinkIssueIncident');
      if (result.ok) onChanged();
      else setError(result.error);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    } finally {
      if (live.current) {
        setBusy(null);
        setConfirming(false);
      }
    }
  };

  return (
    <div data-testid="incident">
      <div className="row" style={{ marginBottom: 8 }}>
        <strong>Impact incident {incident.incidentId}</strong>
        {incident.priority !== null && <Lozenge tone={incident.priority <= 2 ? 'removed' : 'moved'}>P{incident.priority}</Lozenge>}
        {failing ? <Lozenge tone="removed">sync failing</Lozenge> : incident.lastSync ? <Lozenge tone="success">in sync</Lozenge> : <Lozenge>not synced yet</Lozenge>}
        <span className="spacer" />
        <button type="button" onClick={resync} disabled={busy !== null}>
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
          <p>
            Unlink {incident.issueKey} from {incident.incidentId}? The app stops syncing this issue; the next change of the incident in Impact opens a new issue.
          </p>
          <div className="row">
            <button type="button" className="danger" onClick={unlink} disabled={busy !== null}>
              {busy === 'unlink' ? 'Unlinking…' : 'Unlink issue'}
            </button>
            <button type="button" className="subtle-btn" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && <ErrorMessage error={error} title="The action failed" />}
      {notice && (
        <div className="message success" role="status">
          {notice}
        </div>
      )}
      <dl className="facts">
        <dt>Jira status</dt>
        <dd data-testid="jira-status">{incident.jiraStatus ?? '—'}</dd>
        <dt>Impact status</dt>
        <dd data-testid="impact-status">
          {incident.impactStatus ?? '—'}
          {incident.impactStatus && incident.expectedJiraStatus && !agree && (
            <span className="subtle"> (shows as “{incident.expectedJiraStatus}” in Jira; the sync has not caught up)</span>
          )}
        </dd>
        <dt>Priority</dt>
        <dd data-testid="priority">{incident.priority !== null ? `P${incident.priority}` : '—'}</dd>
        <dt>Commander</dt>
        <dd>{incident.commander ?? <span className="subtle">none</span>}</dd>
        <dt>Last sync</dt>
        <dd>{formatTime(incident.lastSync)}</dd>
        <dt>Last error</dt>
        <dd>
          {incident.lastError ? (
            <span role={failing ? 'alert' : undefined}>
              {formatTime(incident.lastError.at)}: {incident.lastError.reason}
            </span>
          ) : (
            <span className="subtle">none</span>
          )}
        </dd>
        <dt>Post-mortem</dt>
        <dd>{incident.postMortem ? <IssueLink bridge={bridge} issueKey={incident.postMortem.issueKey} testId="post-mortem" /> : <span className="subtle">not created yet</span>}</dd>
      </dl>
    </div>
  );
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
