/**
 * MTTA / MTTR of Impact incidents per priority, as last computed by the people job (hourly); one resolver read.
 * Definitions on the page, as in the README.
 */
import Button from '@atlaskit/button/new';
import type { ResolverClient } from '../../shared/client';
import { Editable } from '../../shared/access';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { ActionMessages, ErrorMessage, Loading, TableHead, Time } from '../../shared/ui';
import { formatDuration } from './chart-series';

export function IncidentResponseTimes({ client }: { client: ResolverClient }) {
  // Wrapped so "loaded, nothing computed yet" (null) differs from "still loading".
  const view = useResolverQuery(async () => {
    const r = await client.call('getIncidentResponseTimes');
    return r.ok ? { ok: true as const, value: { stored: r.value } } : r;
  }, [client]);
  const action = useResolverAction<'recompute'>();
  const recompute = () => action.run('recompute', () => client.call('recomputeIncidentResponseTimes'), { notice: 'Recount of the incident response times queued.', then: () => new Promise<void>((r) => setTimeout(r, 1500)).then(() => view.reload()) });
  const stored = view.value?.stored ?? null;
  return (
    <section className="card" aria-labelledby="impact-response-times" data-testid="impact-response-times">
      <div className="row">
        <h2 id="impact-response-times">Impact incidents: time to acknowledge and resolve</h2>
        <span className="spacer" />
        <Editable>
          <Button spacing="compact" onClick={() => void recompute()} isDisabled={action.busy !== null}>
            Recompute now
          </Button>
        </Editable>
      </div>
      <p className="subtle">
        Incidents Impact opened in the last 90 days, by their current priority. <strong>Acknowledged</strong>: the first time the incident left OPEN (Investigating or
        later; opened in a later status = at creation). <strong>Resolved</strong>: it is Mitigated, Post-mortem or Closed now, timed from when it entered that
        stretch (a reopened incident counts from its latest resolution). MTTA and MTTR are the means from creation; p50/p85 nearest-rank.
      </p>
      <ActionMessages error={action.error} errorTitle="Not queued" />
      {view.error && <ErrorMessage error={view.error} />}
      {!view.value && !view.error && <Loading label="Loading the response times" />}
      {view.value && !stored && <p className="subtle">Not computed yet: the hourly job fills this in once Impact is connected.</p>}
      {stored && (
        <>
          <p className="subtle">
            {stored.lastRun.outcome === 'ok' ? 'Computed' : `Last recount failed (${stored.lastRun.message ?? 'unknown'}); figures from the one before`}{' '}
            <Time iso={new Date(stored.times?.computedAtMs ?? stored.lastRun.atMs).toISOString()} />
          </p>
          {!stored.times || stored.times.byPriority.length === 0 ? (
            <p className="subtle">No Impact incident in the last 90 days.</p>
          ) : (
            <table aria-label="Impact incidents: time to acknowledge and resolve by priority">
              <TableHead columns={['Priority', 'Incidents', 'Open', 'MTTA', 'Acknowledge p50', 'Acknowledge p85', 'MTTR', 'Resolve p50', 'Resolve p85']} />
              <tbody>
                {stored.times.byPriority.map((p) => (
                  <tr key={p.priority} data-priority={`P${p.priority}`}>
                    <th scope="row">P{p.priority}</th>
                    <td>{p.incidents}</td>
                    <td>{p.open}</td>
                    <td>{formatDuration(p.acknowledge.meanHours)}</td>
                    <td>{formatDuration(p.acknowledge.p50Hours)}</td>
                    <td>{formatDuration(p.acknowledge.p85Hours)}</td>
                    <td>{formatDuration(p.resolve.meanHours)}</td>
                    <td>{formatDuration(p.resolve.p50Hours)}</td>
                    <td>{formatDuration(p.resolve.p85Hours)}</td>
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
