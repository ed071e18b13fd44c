import { useCallback, useEffect, useState } from 'react';
import type { DeliverySummary, FailedDeliverySummary, ResolverError } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge, formatTime, type LozengeTone } from '../../shared/ui';

const MAX_PAGES = 10;

function tone(outcome: string): LozengeTone {
  if (outcome === 'applied') return 'success';
  if (outcome === 'failed' || outcome === 'rejected') return 'removed';
  return 'default';
}

export function DeliveryLogTab({ client }: { client: ResolverClient }) {
  const [items, setItems] = useState<DeliverySummary[] | null>(null);
  const [failed, setFailed] = useState<FailedDeliverySummary[]>([]);
  const [filter, setFilter] = useState('all');
  const [error, setError] = useState<ResolverError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      // The log is kept oldest first; read a bounded number of pages and show the newest first.
      const all: DeliverySummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await client.call('listRecentDeliveries', { limit: 20, ...(cursor ? { cursor } : {}) });
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      setItems(all.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0)));
      setFailed((await client.call('listFailedDeliveries', { limit: 20 })).items);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (key: string) => {
    setError(null);
    setNotice(null);
    try {
      const result = await client.call('retryFailedDelivery', { key });
      if (result.ok) {
        setNotice(`Queued event ${result.value.eventId} again.`);
        await load();
      } else setError(result.error);
    } catch (e) {
      setError({ code: 'jira-error', message: messageOf(e) });
    }
  };

  if (!items) return error ? <ErrorMessage error={error} /> : <p className="subtle">Loading…</p>;
  const outcomes = [...new Set(items.map((i) => i.outcome))].sort();
  const shown = filter === 'all' ? items : items.filter((i) => i.outcome === filter);
  return (
    <div>
      {error && <ErrorMessage error={error} title="Not retried" />}
      {notice && (
        <div className="message success" role="status">
          {notice}
        </div>
      )}
      <h2>Failed deliveries</h2>
      {failed.length === 0 ? (
        <p className="subtle">None: every event reached Jira or was skipped on purpose.</p>
      ) : (
        <table aria-label="Failed deliveries">
          <thead>
            <tr>
              <th scope="col">Failed at</th>
              <th scope="col">Group</th>
              <th scope="col">Attempts</th>
              <th scope="col">Jira said</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
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
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="subtle">No events{filter === 'all' ? ' yet' : ` with outcome ${filter}`}.</p>
      ) : (
        <table aria-label="Recent events">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Source</th>
              <th scope="col">Group</th>
              <th scope="col">Outcome</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
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
