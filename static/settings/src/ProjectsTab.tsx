/**
 * Projects & metrics: which projects are tracked and how their sync is doing, each tracked project's
 * delivery metrics and the bridge-created issues' response times, and the Impact people no Jira
 * account matched. Track / untrack / sync now are checked server-side (Administer Projects).
 */
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import type { DrillQuery, ProjectMetrics, ProjectRow, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { Editable } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { Loading, ActionMessages, ErrorMessage, Form, Lozenge, TableHead, Time, type LozengeTone } from '../../shared/ui';
import { formatDuration, weeklySeries } from './chart-series';

// The chart library loads with this tab only.
const BarChart = lazy(() => import('./ProjectCharts').then((m) => ({ default: m.BarChart })));
const LineChart = lazy(() => import('./ProjectCharts').then((m) => ({ default: m.LineChart })));
const PeopleSection = lazy(() => import('./PeopleSection').then((m) => ({ default: m.PeopleSection })));
const DrillDown = lazy(() => import('./DrillDown').then((m) => ({ default: m.DrillDown })));
const IncidentResponseTimes = lazy(() => import('./IncidentResponseTimes').then((m) => ({ default: m.IncidentResponseTimes })));

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

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function ProjectsTab({ client, bridge }: { client: ResolverClient; bridge?: Bridge }) {
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

  const feedback = useFeedback();
  const untrack = async (row: ProjectRow) => {
    const confirmed = await feedback.confirm({
      title: `Stop tracking ${row.key}?`,
      body: (
        <p>
          The app stops syncing {row.key} and deletes what it stored for its metrics{row.issueCount ? ` (${row.issueCount} synced issues)` : ''}. Jira issues are not changed.
          Tracking {row.key} again syncs it from scratch.
        </p>
      ),
      confirmLabel: 'Stop tracking',
    });
    if (confirmed) await act(() => client.call('untrackProject', { projectId: row.id, projectKey: row.key }), `${row.key} is no longer tracked.`);
  };
  const toggle = (row: ProjectRow) =>
    row.tracked
      ? untrack(row)
      : act(() => client.call('trackProject', { projectId: row.id, projectKey: row.key, name: row.name }), `${row.key} is tracked; its first sync is queued.`);
  const syncNow = (row: ProjectRow) => act(() => client.call('syncProjectNow', { projectId: row.id }), `Sync of ${row.key} queued.`);

  // A failed reload is reported where a refused change is.
  const error = action.error ?? projects.error;
  if (!rows) return error ? <ErrorMessage error={error} /> : <Loading label="Loading the tracked projects" />;
  const tracked = rows.filter((r) => r.tracked);
  return (
    <div>
      <ActionMessages error={error} errorTitle="Not changed" />
      <h2>Projects</h2>
      <Editable>
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
                  <Button spacing="compact" isDisabled={!row.tracked} onClick={() => void syncNow(row)}>
                    Sync now<span className="visually-hidden"> {row.key}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Editable>
      <SyncSettings client={client} />
      {tracked.length === 0 ? (
        <EmptyState headingLevel={3} header="No project tracked" description="Track a project above to see its throughput, cycle time and story points." />
      ) : (
        tracked.map((row) => <ProjectMetricsCard key={`${row.id}-${row.lastSyncEndMs ?? 0}`} client={client} bridge={bridge} row={row} />)
      )}
      <Suspense fallback={<Loading label="Loading the incident response times" />}>
        <IncidentResponseTimes client={client} />
      </Suspense>
      <Suspense fallback={<Loading label="Loading the user directory" />}>
        <PeopleSection client={client} />
      </Suspense>
    </div>
  );
}

interface Drill {
  readonly query: DrillQuery;
  readonly title: string;
}

const PERCENTILES = [50, 85, 95] as const;

/** Lead and cycle time side by side, each percentile a button that lists the issues it covers. */
function DurationTable({ row, metrics, onDrill }: { row: ProjectRow; metrics: ProjectMetrics; onDrill: (drill: Drill) => void }) {
  const measures = [
    { measure: 'lead', label: 'Lead time', stats: metrics.leadTime },
    { measure: 'cycle', label: 'Cycle time', stats: metrics.cycleTime },
  ] as const;
  return (
    <>
      <table aria-label={`${row.key}: lead and cycle time`}>
        <TableHead columns={['Measure', 'Issues', 'Mean', 'p50', 'p85', 'p95']} />
        <tbody>
          {measures.map(({ measure, label, stats }) => (
            <tr key={measure}>
              <th scope="row">{label}</th>
              <td>{stats.issues}</td>
              <td data-testid={`${measure}-mean-${row.key}`}>{formatDuration(stats.meanHours)}</td>
              {PERCENTILES.map((p) => {
                const value = p === 50 ? stats.p50Hours : p === 85 ? stats.p85Hours : stats.p95Hours;
                return (
                  <td key={p}>
                    {value === undefined ? (
                      '—'
                    ) : (
                      <Button appearance="subtle" spacing="compact" onClick={() => onDrill({ query: { kind: 'percentile', measure, p, side: 'within' }, title: `${row.key}: issues within ${label.toLowerCase()} p${p} (≤ ${formatDuration(value)})` })}>
                        <span data-testid={`${measure}-p${p}-${row.key}`}>{formatDuration(value)}</span>
                        <span className="visually-hidden"> — list the issues within {label.toLowerCase()} p{p}</span>
                      </Button>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="subtle" data-testid={`definitions-${row.key}`}>
        <strong>Lead time</strong>: from the issue&apos;s creation to its resolution (Jira&apos;s resolution date), for every resolved issue.{' '}
        <strong>Cycle time</strong>: from the first time the issue entered an In Progress status (status category) to its resolution, for resolved issues that
        were ever in progress. Percentiles are nearest-rank; select one to list the issues it covers. Weeks start on Monday in {metrics.timeZone}.
      </p>
    </>
  );
}

function ProjectMetricsCard({ client, bridge, row }: { client: ResolverClient; bridge: Bridge | undefined; row: ProjectRow }) {
  const { value: metrics, error } = useResolverQuery(() => client.call('getProjectMetrics', { projectId: row.id }), [client, row.id]);
  const [drill, setDrill] = useState<Drill | null>(null);
  const weeks = metrics ? weeklySeries(metrics.weeklyThroughput, WEEKS_SHOWN, Date.now()) : [];
  const sprints = metrics?.storyPointsPerSprint ?? [];
  const showWeek = (index: number) => {
    const week = weeks[index];
    if (week) setDrill({ query: { kind: 'week', weekStart: week.weekStart }, title: `${row.key}: issues resolved in the week of ${week.label}` });
  };
  const showSprint = (index: number) => {
    const sprint = sprints[index];
    if (sprint) setDrill({ query: { kind: 'sprint', sprintId: sprint.sprintId }, title: `${row.key}: issues done in ${sprint.sprintName}` });
  };

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
          </dl>
          <DurationTable row={row} metrics={metrics} onDrill={setDrill} />
          <h3>Weekly throughput</h3>
          {metrics.weeklyThroughput.length === 0 ? (
            <p className="subtle">No issue resolved yet: the chart appears with the first resolution.</p>
          ) : (
            <>
              <Suspense fallback={<Loading label="Loading the chart" />}>
                <BarChart title={`${row.key}: issues resolved per week (last ${WEEKS_SHOWN} weeks, weeks start on Monday)`} unit="issues" testId={`throughput-${row.key}`} points={weeks} onSelect={showWeek} />
              </Suspense>
              <PickList
                label={`${row.key}: list the issues resolved in the week of`}
                options={weeks.flatMap((w, i) => (w.value > 0 ? [{ index: i, label: `${w.label} (${w.value})` }] : []))}
                onPick={showWeek}
              />
            </>
          )}
          <h3>Story points completed per sprint</h3>
          {sprints.length === 0 ? (
            <p className="subtle">No completed issues in a sprint yet.</p>
          ) : (
            <>
              <Suspense fallback={<Loading label="Loading the chart" />}>
                <LineChart title={`${row.key}: story points completed per sprint`} unit="points" testId={`sprints-${row.key}`} points={sprints.map((s) => ({ label: s.sprintName, value: s.completedPoints }))} onSelect={showSprint} />
              </Suspense>
              <PickList label={`${row.key}: list the issues done in sprint`} options={sprints.map((s, i) => ({ index: i, label: `${s.sprintName} (${s.completedIssues})` }))} onPick={showSprint} />
            </>
          )}
          {drill && (
            <Suspense fallback={<Loading label="Loading the issues" />}>
              <DrillDown key={JSON.stringify(drill.query)} client={client} bridge={bridge} projectId={row.id} query={drill.query} title={drill.title} onClose={() => setDrill(null)} onQuery={(query, title) => setDrill({ query, title })} />
            </Suspense>
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
                    <td>{formatDuration(b.ackHoursP50)}</td>
                    <td>{formatDuration(b.ackHoursP85)}</td>
                    <td>{formatDuration(b.resolveHoursP50)}</td>
                    <td>{formatDuration(b.resolveHoursP85)}</td>
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

/** The keyboard way to a chart's drill-down: a select of its weeks or sprints and a button. */
function PickList({ label, options, onPick }: { label: string; options: readonly { index: number; label: string }[]; onPick: (index: number) => void }) {
  const id = useId();
  const [picked, setPicked] = useState<string>('');
  if (options.length === 0) return null;
  return (
    <div className="row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={picked} onChange={(e) => setPicked(e.target.value)}>
        <option value="">choose…</option>
        {options.map((o) => (
          <option key={o.index} value={String(o.index)}>
            {o.label}
          </option>
        ))}
      </select>
      <Button spacing="compact" isDisabled={picked === ''} onClick={() => onPick(Number(picked))}>
        List issues
      </Button>
    </div>
  );
}

/** How often the scheduled sync runs and which field holds story points (saveProjectSyncSettings; admins only). */
function SyncSettings({ client }: { client: ResolverClient }) {
  const uid = useId();
  const settings = useResolverQuery(() => client.call('getProjectSyncSettings'), [client]);
  const action = useResolverAction<'save'>();
  const [interval, setIntervalText] = useState<string | null>(null);
  const [field, setField] = useState<string | null>(null);
  if (!settings.value) return settings.error ? <ErrorMessage error={settings.error} title="Could not load the sync settings" /> : <Loading label="Loading the sync settings" />;
  const current = settings.value;
  const intervalText = interval ?? String(current.intervalHours);
  const fieldText = field ?? current.storyPointsField ?? '';
  const hours = Number(intervalText);
  const intervalError = Number.isInteger(hours) && hours >= 1 && hours <= 24 ? null : 'a whole number of hours from 1 to 24';
  const fieldError = fieldText === '' || /^customfield_\d+$/.test(fieldText.trim()) ? null : 'a custom field id such as customfield_10016, or empty to let the app find it';
  const save = () =>
    intervalError || fieldError
      ? undefined
      : action.run('save', () => client.call('saveProjectSyncSettings', { intervalHours: hours, storyPointsField: fieldText.trim() === '' ? null : fieldText.trim() }), {
          notice: `Sync settings saved: every ${hours} h${fieldText.trim() ? `, story points from ${fieldText.trim()}` : ''}.`,
          then: (saved) => {
            settings.setValue(saved);
            setIntervalText(null);
            setField(null);
          },
        });
  return (
    <section aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Sync settings</h2>
      <Form className="card" label="Sync settings" onSubmit={save}>
        <Editable>
          <div className="field-grid">
            <div className="field">
              <label htmlFor={`${uid}-interval`}>Sync every (hours)</label>
              <input id={`${uid}-interval`} type="text" inputMode="numeric" value={intervalText} onChange={(e) => setIntervalText(e.target.value)} aria-invalid={intervalError !== null} aria-describedby={`${uid}-interval-help`} />
              <div className={intervalError ? 'field-error' : 'field-help'} id={`${uid}-interval-help`}>
                {intervalError ?? 'The scheduled trigger syncs every tracked project this often (1 to 24).'}
              </div>
            </div>
            <div className="field">
              <label htmlFor={`${uid}-points`}>Story points field</label>
              <input id={`${uid}-points`} type="text" value={fieldText} placeholder="found by the app" spellCheck={false} onChange={(e) => setField(e.target.value)} aria-invalid={fieldError !== null} aria-describedby={`${uid}-points-help`} />
              <div className={fieldError ? 'field-error' : 'field-help'} id={`${uid}-points-help`}>
                {fieldError ?? 'Leave empty to use the field the app discovers ("Story point estimate" or "Story Points").'}
              </div>
            </div>
          </div>
          <ActionMessages error={action.error} errorTitle="Sync settings not saved" />
          <Button type="submit" appearance="primary" isDisabled={action.busy !== null || intervalError !== null || fieldError !== null}>
            {action.busy ? 'Saving…' : 'Save sync settings'}
          </Button>
        </Editable>
      </Form>
    </section>
  );
}
