import type { IssueIncident } from '../../../src/forge/entry/resolvers/contract';
import { Lozenge, formatTime } from '../../shared/ui';

/** The Impact incident behind an incident issue: both sides' status, priority, commander, sync health. */
export function IncidentView({ incident }: { incident: IssueIncident }) {
  const agree = incident.expectedJiraStatus !== null && incident.jiraStatus !== null && norm(incident.expectedJiraStatus) === norm(incident.jiraStatus);
  return (
    <div data-testid="incident">
      <div className="row" style={{ marginBottom: 8 }}>
        <strong>Impact incident {incident.incidentId}</strong>
        {incident.priority !== null && <Lozenge tone={incident.priority <= 2 ? 'removed' : 'moved'}>P{incident.priority}</Lozenge>}
        {incident.lastError ? <Lozenge tone="removed">sync failing</Lozenge> : incident.lastSync ? <Lozenge tone="success">in sync</Lozenge> : <Lozenge>not synced yet</Lozenge>}
      </div>
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
        <dd>{incident.priority !== null ? `P${incident.priority}` : '—'}</dd>
        <dt>Commander</dt>
        <dd>{incident.commander ?? <span className="subtle">none</span>}</dd>
        <dt>Last sync</dt>
        <dd>{formatTime(incident.lastSync)}</dd>
        <dt>Last error</dt>
        <dd>
          {incident.lastError ? (
            <span role="alert">
              {formatTime(incident.lastError.at)}: {incident.lastError.reason}
            </span>
          ) : (
            <span className="subtle">none</span>
          )}
        </dd>
        <dt>Post-mortem</dt>
        <dd>{incident.postMortem ? <strong data-testid="post-mortem">{incident.postMortem.issueKey}</strong> : <span className="subtle">not created yet</span>}</dd>
      </dl>
    </div>
  );
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
