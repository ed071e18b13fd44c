import { useState } from 'react';
import type { IssueAlertGroup, ResolverError } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge, formatTime } from '../../shared/ui';

type Busy = 'resync' | 'unlink' | null;

/** The alert problem behind an issue, with Alertmanager links and the resync / unlink actions. */
export function AlertGroupView({ client, group: initial, onChanged }: { client: ResolverClient; group: IssueAlertGroup; onChanged: () => void }) {
  const [group, setGroup] = useState(initial);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const firing = group.alerts.filter((a) => a.status === 'firing').length;
  const resolved = group.alerts.length - firing;

  const resync = async () => {
    setBusy('resync');
    setError(null);
    setNotice(null);
    try {
      const result = await client.call('resyncIssueAlertGroup');
      if (!result.ok) setError(result.error);
      else if (result.value) {
        setGroup(result.value);
        setNotice(`Resynced: Jira status category is ${result.value.statusCategory ?? 'unknown'}.`);
      } else onChanged();
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    } finally {
      setBusy(null);
    }
  };

  const unlink = async () => {
    setBusy('unlink');
    setError(null);
    try {
      const result = await client.call('unlinkIssueAlertGroup');
      if (result.ok) onChanged();
      else setError(result.error);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  };

  return (
    <div data-testid="alert-group">
      <div className="row" style={{ marginBottom: 8 }}>
        {firing > 0 ? <Lozenge tone="removed">{firing} firing</Lozenge> : <Lozenge tone="success">all resolved</Lozenge>}
        {resolved > 0 && firing > 0 && <Lozenge tone="success">{resolved} resolved</Lozenge>}
        <span className="subtle">
          one issue per {group.grouping === 'group' ? 'Alertmanager group' : 'alert'} · rule <code>{group.ruleId}</code>
        </span>
      </div>
      <div className="row" style={{ marginBottom: 8 }}>
        {group.alertmanagerUrl && (
          <a className="button" href={group.alertmanagerUrl} target="_blank" rel="noreferrer">
            Open in Alertmanager
          </a>
        )}
        {group.silenceUrl && (
          <a className="button" href={group.silenceUrl} target="_blank" rel="noreferrer">
            Silence {group.grouping === 'group' ? 'group' : 'alert'}
          </a>
        )}
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
            Unlink {group.issueKey}? The app forgets this issue; the next alert of this {group.grouping === 'group' ? 'group' : 'fingerprint'} opens a new issue.
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
        <dt>{group.grouping === 'group' ? 'Group' : 'Fingerprint'}</dt>
        <dd>
          <code>{group.identity}</code>
        </dd>
        <dt>First seen</dt>
        <dd>{formatTime(group.firstSeen)}</dd>
        <dt>Last change</dt>
        <dd>{formatTime(group.lastSeen)}</dd>
        {group.currentIssueKey && group.currentIssueKey !== group.issueKey && (
          <>
            <dt>Now tracked on</dt>
            <dd>{group.currentIssueKey}</dd>
          </>
        )}
        {group.previousIssueKeys.length > 0 && (
          <>
            <dt>Earlier issues</dt>
            <dd>{group.previousIssueKeys.join(', ')}</dd>
          </>
        )}
      </dl>
      <table aria-label="Alerts in this group">
        <thead>
          <tr>
            <th scope="col">Alert</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Links</th>
          </tr>
        </thead>
        <tbody>
          {group.alerts.map((a) => (
            <tr key={a.fingerprint}>
              <td>
                {a.name && <div>{a.name}</div>}
                <code>{a.fingerprint}</code>
              </td>
              <td>{a.status === 'firing' ? <Lozenge tone="removed">firing</Lozenge> : <Lozenge tone="success">resolved</Lozenge>}</td>
              <td>{formatTime(a.startsAt)}</td>
              <td>{formatTime(a.endsAt)}</td>
              <td className="actions">
                {a.generatorUrl && (
                  <a href={a.generatorUrl} target="_blank" rel="noreferrer" aria-label={`Source of ${a.name ?? a.fingerprint}`}>
                    Source
                  </a>
                )}
                {a.generatorUrl && a.silenceUrl && ' · '}
                {a.silenceUrl && (
                  <a href={a.silenceUrl} target="_blank" rel="noreferrer" aria-label={`Silence ${a.name ?? a.fingerprint}`}>
                    Silence
                  </a>
                )}
                {!a.generatorUrl && !a.silenceUrl && <span className="subtle">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
