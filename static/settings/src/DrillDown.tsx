/**
 * The issues behind one figure of the metrics card (a week, a sprint, a percentile), paged, each linking to
 * its Jira issue. getProjectDrillDown reads the stored answer's rows and the page's records (bounded calls).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import type { DrillQuery } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { IssueLink } from '../../shared/IssueLink';
import { useResolverQuery } from '../../shared/resolver-hooks';
import { ErrorMessage, Loading, TableHead, Time } from '../../shared/ui';
import { formatDuration } from './chart-series';

const PAGE = 20;

export function DrillDown(props: {
  client: ResolverClient;
  bridge: Bridge | undefined;
  projectId: string;
  query: DrillQuery;
  title: string;
  onClose: () => void;
  /** Switches a percentile between the issues it covers and the slower ones. */
  onQuery: (query: DrillQuery, title: string) => void;
}) {
  const { client, bridge, projectId, query, title, onClose, onQuery } = props;
  const [offset, setOffset] = useState(0);
  const { value: page, error } = useResolverQuery(() => client.call('getProjectDrillDown', { projectId, query, offset, limit: PAGE }), [client, projectId, JSON.stringify(query), offset]);
  const flip = query.kind === 'percentile' ? { ...query, side: query.side === 'within' ? ('beyond' as const) : ('within' as const) } : null;
  return (
    <section className="card" aria-label={title} data-testid="drill-down">
      <div className="row">
        <h3>{title}</h3>
        <span className="spacer" />
        {flip && (
          <Button spacing="compact" onClick={() => onQuery(flip, title.replace(query.kind === 'percentile' && query.side === 'within' ? 'issues within' : 'issues slower than', flip.side === 'within' ? 'issues within' : 'issues slower than'))}>
            {flip.side === 'beyond' ? 'Show the slower ones' : 'Show the ones within'}
          </Button>
        )}
        <Button spacing="compact" onClick={onClose}>
          Close
        </Button>
      </div>
      {error && <ErrorMessage error={error} />}
      {!page && !error && <Loading label="Loading the issues" />}
      {page && (
        <>
          <p className="subtle">
            {page.total === 0 ? 'No issue.' : `Issues ${page.offset + 1}–${page.offset + page.issues.length} of ${page.total}`}
            {page.thresholdHours !== undefined ? ` · threshold ${formatDuration(page.thresholdHours)}` : ''} · as of <Time iso={new Date(page.computedAtMs).toISOString()} />
          </p>
          {page.issues.length > 0 && (
            <table aria-label={`${title}: issues`}>
              <TableHead columns={['Issue', 'Summary', 'Status', 'Resolved', 'Lead time', 'Cycle time', 'Story points']} />
              <tbody>
                {page.issues.map((i) => (
                  <tr key={i.id}>
                    <td>{bridge ? <IssueLink bridge={bridge} issueKey={i.key} /> : i.key}</td>
                    <td>{i.summary}</td>
                    <td>{i.status}</td>
                    <td>
                      <Time iso={i.resolvedMs === null ? null : new Date(i.resolvedMs).toISOString()} />
                    </td>
                    <td>{formatDuration(i.leadTimeHours ?? undefined)}</td>
                    <td>{formatDuration(i.cycleTimeHours ?? undefined)}</td>
                    <td>{i.storyPoints ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="row">
            <Button spacing="compact" isDisabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </Button>
            <Button spacing="compact" isDisabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
              Next
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
