import { useState } from 'react';
import type { DeliverySummary } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { okResult, useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { ActionMessages, ErrorMessage, Lozenge, TableHead, formatTime, type LozengeTone } from '../../shared/ui';

const MAX_PAGES = 10;

function tone(outcome: string): LozengeTone {
  if (outcome === 'applied') return 'success';
  if (outcome === 'failed' || outcome === 'rejected') return 'removed';
  return 'default';
}

/** The log is kept oldest first; read a bounded number of pages and show the newest first. */
async function loadLog(client: ResolverClient) {
  const all: DeliverySummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.call('listRecentDeliveries', { limit: 20, ...(cursor ? { cursor } : {}) });
    all.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  const items = all.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
  return okResult({ items, failed: (await client.call('listFailedDeliveries', { limit: 20 })).items });
}

export function DeliveryLogTab({ client }: { client: ResolverClient }) {
  const log = useResolverQuery(() => loadLog(client), [client]);
  const [filter, setFilter] = useState('all');
  const action = useResolverAction<'retry'>();

  const retry = (key: string) =>
    action.run('retry', () => client.call('retryFailedDelivery', { key }), {
      notice: (v) => `Queued event ${v.eventId} again.`,
      then: () => log.reload(),
    });

  // A failed refresh is reported where a failed retry is.
  const error = action.error ?? log.error;
  if (!log.value) return error ? <ErrorMessage error={error} /> : <p className="subtle">Loading…</p>;
  const { items, failed } = log.value;
  const outcomes = [...new Set(items.map((i) => i.outcome))].sort();
  const shown = filter === 'all' ? items : items.filter((i) => i.outcome === filter);
  return (
    <div>
      <ActionMessages error={error} notice={action.notice} errorTitle="Not retried" />
      <h2>Failed deliveries</h2>
      {failed.length === 0 ? (
        <p className="subtle">None: every event reached Jira or was skipped on purpose.</p>
      ) : (
        <table aria-label="Failed deliveries">
          <TableHead columns={['Failed at', 'Group', 'Attempts', 'Jira said', 'Actions']} />
          <tbody>
            {failed.map((f) => (
              <tr key={f.key}>
                <td>{formatTime(f.failedAt)}</td>
                <td>
                  <code>{f.groupKey}</code>
                </td>
                <td>{f.attempts}</td>
                <td>
                  <Lozenge tone="removed">{f.failureKind}</Lozenge> {f.reason}
                </td>
                <td className="actions">
                  <button type="button" className="compact" onClick={() => void retry(f.key)} aria-label={`Retry event ${f.eventId}`}>
                    Retry
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <h2 style={{ marginRight: 'auto' }}>Recent events</h2>
        <label htmlFor="outcome-filter" style={{ margin: 0 }}>
          Outcome
        </label>
        <select id="outcome-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="all">All</option>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void log.reload()}>
          Refresh
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="subtle">No events{filter === 'all' ? ' yet' : ` with outcome ${filter}`}.</p>
      ) : (
        <table aria-label="Recent events">
          <TableHead columns={['Received', 'Source', 'Group', 'Outcome', 'Detail']} />
          <tbody>
            {shown.map((d) => (
              <tr key={d.eventId}>
                <td style={{ whiteSpace: 'nowrap' }}>{formatTime(d.receivedAt)}</td>
                <td>{d.source}</td>
                <td>
                  <code>{d.groupKey}</code>
                </td>
                <td>
                  <Lozenge tone={tone(d.outcome)}>{d.outcome}</Lozenge>
                </td>
                <td>{d.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
