import { useEffect, useRef, useState } from 'react';
import { LinkButton } from '@atlaskit/button/new';
import type { IssueIncident } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction } from '../../shared/resolver-hooks';
import { Lozenge, Time } from '../../shared/ui';
import { IssueActions, type IssueJob } from './IssueActions';
import { syncSummaryForPeople } from './sync-wording';
import { IssueLink } from '../../shared/IssueLink';

/** The resync runs on the queue: the page asks again every POLL_MS, at most POLL_TRIES times (30 s). */
const POLL_MS = 750;
const POLL_TRIES = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Impact incident behind an incident issue: both sides' status, priority, commander, sync health; resync and unlink. */
export function IncidentView({ bridge, client, incident: initial, onChanged, onUnlinked }: { bridge: Bridge; client: ResolverClient; incident: IssueIncident; onChanged: () => void; onUnlinked: (what: string) => void }) {
  const [incident, setIncident] = useState(initial);
  const action = useResolverAction<IssueJob>();
  const { setError, setNotice } = action;
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

  /** Polls only the request's status until it has run, then reads the whole incident once. */
  const awaitResync = async (requestId: string): Promise<void> => {
    for (let i = 0; i < POLL_TRIES && live.current; i += 1) {
      await sleep(POLL_MS);
      const status = await client.call('getIssueIncidentResync', { requestId });
      if (!live.current) return;
      if (!status.ok) {
        // Unlinked meanwhile: the panel shows what the issue is now.
        if (status.error.code === 'not-found') onChanged();
        else setError(status.error);
        return;
      }
      const resync = status.value;
      if (resync?.outcome === 'pending') continue;
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
      setIncident(next.value);
      // null: a newer request replaced this one; the incident just read shows where it stands.
      if (!resync || resync.outcome === 'synced') setNotice(`Resynced with Impact: ${resync?.detail ? syncSummaryForPeople(resync.detail) : 'done'}.`);
      else if (resync.outcome === 'not-linked') onChanged();
      else {
        setNotice(null);
        setError({ code: 'jira-error', message: resync.detail ?? 'the resync failed' });
      }
      return;
    }
    if (live.current) setNotice('The resync is still queued; reload the panel in a moment to see the result.');
  };

  const resync = () =>
    action.run('resync', () => client.call('resyncIssueIncident'), {
      notice: 'Resync queued: Jira is being brought up to date with Impact…',
      then: (queued) => awaitResync(queued.requestId),
    });
  /** The other side of an out-of-sync incident: Impact is brought to Jira's values (project admins). */
  const useJira = () =>
    action.run('resync', () => client.call('resyncIssueIncident', { side: 'jira' }), {
      notice: 'Resync queued: Impact is being brought up to date with Jira…',
      then: (queued) => awaitResync(queued.requestId),
    });

  return (
    <div data-testid="incident">
      {incident.title && (
        <h2 className="incident-title" data-testid="incident-title">
          {incident.title}
        </h2>
      )}
      <IssueActions
        action={action}
        leading={
          <>
            <strong>Impact incident {incident.incidentId}</strong>
            {incident.impactUrl && (
              <LinkButton href={incident.impactUrl} target="_blank" rel="noreferrer" spacing="compact">
                Open in Impact
              </LinkButton>
            )}
            {incident.priority !== null && <Lozenge tone={incident.priority <= 2 ? 'removed' : 'moved'}>P{incident.priority}</Lozenge>}
            {incident.outOfSync.length > 0 ? (
              <Lozenge tone="removed">out of sync</Lozenge>
            ) : failing ? (
              <Lozenge tone="removed">sync failing</Lozenge>
            ) : incident.lastSync ? (
              <Lozenge tone="success">in sync</Lozenge>
            ) : (
              <Lozenge>not synced yet</Lozenge>
            )}
          </>
        }
        question={`Unlink ${incident.issueKey} from ${incident.incidentId}?`}
        consequence={
          <p>
            The app stops syncing this issue with Impact in both directions, and the next change of {incident.incidentId} in Impact opens a new issue. The issue itself stays as it is.
          </p>
        }
        onResync={resync}
        unlink={() => client.call('unlinkIssueIncident')}
        onUnlinked={() => onUnlinked(`Unlinked from Impact incident ${incident.incidentId}.`)}
      />
      {incident.outOfSync.length > 0 && (
        <div role="alert" data-testid="out-of-sync">
          <strong>Out of sync.</strong> Resync makes Jira match Impact;{' '}
          <button type="button" className="link" data-testid="use-jira" onClick={() => void useJira()}>
            use Jira’s values instead
          </button>
          .
          <ul>
            {incident.outOfSync.map((f) => (
              <li key={f.field}>
                {f.field}: Impact “{f.impact || '(none)'}”, Jira “{f.jira || '(none)'}”. <span className="subtle">{f.reason}</span>
              </li>
            ))}
          </ul>
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
        <dd data-testid="commander">
          {incident.commander ? (
            incident.commanderName ? (
              <>
                <span>{incident.commanderName}</span> <span className="subtle">{incident.commander}</span>
              </>
            ) : (
              incident.commander
            )
          ) : (
            <span className="subtle">none</span>
          )}
        </dd>
        <dt>Last sync</dt>
        <dd><Time iso={incident.lastSync} /></dd>
        <dt>Last error</dt>
        <dd>
          {incident.lastError ? (
            <span role={failing ? 'alert' : undefined}>
              <Time iso={incident.lastError.at} />: {incident.lastError.reason}
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
