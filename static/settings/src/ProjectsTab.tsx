/**
 * Projects & metrics: which projects are tracked and how their sync is doing, each tracked project's
 * delivery metrics and the bridge-created issues' response times, and the Impact people no Jira
 * account matched. Track / untrack / sync now are checked server-side (Administer Projects).
 */
import { useEffect, useState } from 'react';
import type { ProjectRow, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { Loading, ActionMessages, ErrorMessage, Lozenge, TableHead, Time, type LozengeTone } from '../../shared/ui';
import { BarChart, LineChart } from './ProjectCharts';

/** While a sync runs in the queue the page polls, a bounded number of times. */
const POLL_MS = 1_000;
const MAX_POLLS = 60;
const WEEKS_SHOWN = 12;

function statusTone(status: ProjectRow['status']): LozengeTone {
  switch (status) {
    case 'complete':
      return 'success';
    case 'error':
      return 'removed';
    case 'syncing':
      return 'inprogress';
    case 'pending':
    case undefined:
      return 'default';
  }
}

const hours = (h: number | undefined) => (h === undefined ? '—' : `${h} h`);
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function ProjectsTab({ client }: { client: ResolverClient }) {
  const projects = useResolverQuery(() => client.call('listProjects'), [client]);
  const { reload } = projects;
  const rows = projects.value;
  const action = useResolverAction<'change'>();
  const [polls, setPolls] = useState(0);

  const busy = rows?.some((r) => r.tracked && (r.status === 'pending' || r.status === 'syncing')) ?? false;
  useEffect(() => {
    if (!busy || polls >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      void reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [busy, polls, reload]);

  const act = (call: () => Promise<ResolverResult<unknown>>, done: string) =>
    action.run('change', call, {
      notice: done,
      then: () => {
        setPolls(0);
        return reload();
      },
    });

  const toggle = (row: ProjectRow) =>
    row.tracked
      ? act(() => client.call('untrackProject', { projectId: row.id, projectKey: row.key }), `${row.key} is no longer tracked.`)
      : act(() => client.call('trackProject', { projectId: row.id, projectKey: row.key, name: row.name }), `${row.key} is tracked; its first sync is queued.`);
  const syncNow = (row: ProjectRow) => act(() => client.call('syncProjectNow', { projectId: row.id }), `Sync of ${row.key} queued.`);

  // A failed reload is reported where a refused change is.
  const error = action.error ?? projects.error;
  if (!rows) return error ? <ErrorMessage error={error} /> : <Loading label="Loading the tracked projects" />;
  const tracked = rows.filter((r) => r.tracked);
  return (
    <div>
      <ActionMessages error={error} notice={action.notice} errorTitle="Not changed" />
      <h2>Projects</h2>
      <table aria-label="Projects">
        <TableHead columns={['Tracked', 'Project', 'Status', 'Last sync', 'Issues', 'Last error', 'Actions']} />
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-project-key={row.key}>
              <td>
                <input type="checkbox" checked={row.tracked} onChange={() => void toggle(row)} aria-label={`Track ${row.key}`} />
              </td>
              <td>
                <strong>{row.key}</strong> <span className="subtle">{row.name}</span>
              </td>
              <td data-testid={`status-${row.key}`}>{row.tracked ? <Lozenge tone={statusTone(row.status)}>{row.status ?? 'pending'}</Lozenge> : <span className="subtle">not tracked</span>}</td>
              <td><Time iso={iso(row.lastSyncEndMs)} /></td>
              <td>{row.tracked ? row.issueCount : '—'}</td>
              <td>{row.lastError ?? '—'}</td>
              <td className="actions">
                <button className="compact" disabled={!row.tracked} onClick={() => void syncNow(row)}>
                  Sync now<span className="visually-hidden"> {row.key}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tracked.length === 0 ? (
        <p className="subtle">Track a project to see its metrics.</p>
      ) : (
        tracked.map((row) => <ProjectMetricsCard key={`${row.id}-${row.lastSyncEndMs ?? 0}`} client={client} row={row} />)
      )}
      <UserMatches client={client} />
    </div>
  );
}

function ProjectMetricsCard({ client, row }: { client: ResolverClient; row: ProjectRow }) {
  const { value: metrics, error } = useResolverQuery(() => client.call('getProjectMetrics', { projectId: row.id }), [client, row.id]);

  const headingId = `metrics-${row.key}`;
  return (
    <section className="card" aria-labelledby={headingId} data-testid={`metrics-${row.key}`}>
      <h2 id={headingId}>
        {row.key} metrics <span className="subtle">· {row.name}</span>
      </h2>
      {error && <ErrorMessage error={error} />}
      {!metrics && !error && <Loading label="Loading the metrics" />}
      {metrics && (
        <>
          <dl className="facts">
            <dt>Issues synced</dt>
            <dd>{metrics.issues}</dd>
            <dt>Resolved</dt>
            <dd>{metrics.resolved}</dd>
            <dt>Cycle time p50</dt>
            <dd data-testid={`cycle-p50-${row.key}`}>{hours(metrics.cycleTimeHoursP50)}</dd>
            <dt>Cycle time p85</dt>
            <dd>{hours(metrics.cycleTimeHoursP85)}</dd>
          </dl>
          <h3>Weekly throughput</h3>
          <BarChart
            title={`${row.key}: issues resolved per week (last ${WEEKS_SHOWN} weeks with resolutions)`}
            unit="issues resolved"
            testId={`throughput-${row.key}`}
            points={metrics.weeklyThroughput.slice(-WEEKS_SHOWN).map((w) => ({ label: w.weekStart.slice(5, 10), value: w.resolved }))}
          />
          <h3>Story points completed per sprint</h3>
          {metrics.storyPointsPerSprint.length === 0 ? (
            <p className="subtle">No completed issues in a sprint yet.</p>
          ) : (
            <LineChart
              title={`${row.key}: story points completed per sprint`}
              unit="story points"
              testId={`sprints-${row.key}`}
              points={metrics.storyPointsPerSprint.map((s) => ({ label: s.sprintName, value: s.completedPoints }))}
            />
          )}
          <h3>Bridge-created issues</h3>
          {metrics.bridge.length === 0 ? (
            <p className="subtle">No issue in this project was created by an alert rule.</p>
          ) : (
            <table aria-label={`${row.key}: time to acknowledge and resolve by rule and priority`}>
              <TableHead columns={['Rule', 'Priority', 'Issues', 'Acknowledge p50', 'Acknowledge p85', 'Resolve p50', 'Resolve p85']} />
              <tbody>
                {metrics.bridge.map((b) => (
                  <tr key={`${b.ruleId}-${b.priority}`}>
                    <td>
                      <code>{b.ruleId}</code>
                    </td>
                    <td>{b.priority}</td>
                    <td>{b.issues}</td>
                    <td>{hours(b.ackHoursP50)}</td>
                    <td>{hours(b.ackHoursP85)}</td>
                    <td>{hours(b.resolveHoursP50)}</td>
                    <td>{hours(b.resolveHoursP85)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function UserMatches({ client }: { client: ResolverClient }) {
  const { value: list, error, reload } = useResolverQuery((refresh) => client.call('listUserMatches', { refresh }), [client]);

  return (
    <section aria-labelledby="user-matching">
      <div className="row">
        <h2 id="user-matching">Impact ⇄ Jira users</h2>
        <span className="spacer" />
        <button onClick={() => void reload(true)}>Match users again</button>
      </div>
      <p className="subtle">
        Impact people are the incident commanders the app has seen. Each is matched to a Jira account by email where Jira shows it, otherwise by display name.
      </p>
      {error && <ErrorMessage error={error} />}
      {list && (
        <>
          <p>
            {list.matched.length} of {list.impactUsersSeen} matched · checked <Time iso={new Date(list.computedAtMs).toISOString()} />
          </p>
          {list.unmatched.length + list.lookupErrors.length === 0 ? (
            <p className="subtle">Every Impact person seen has a Jira account.</p>
          ) : (
            <table aria-label="Unmatched users">
              <TableHead columns={['Impact user', 'Email', 'Why']} />
              <tbody>
                {list.unmatched.map((u) => (
                  <tr key={u.email}>
                    <td>{u.name || '—'}</td>
                    <td>{u.email}</td>
                    <td>{u.reason === 'ambiguous' ? `${u.candidates.length} Jira accounts have this name` : 'no Jira account with this email or name'}</td>
                  </tr>
                ))}
                {list.lookupErrors.map((u) => (
                  <tr key={`err-${u.email}`}>
                    <td>—</td>
                    <td>{u.email}</td>
                    <td>{u.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
