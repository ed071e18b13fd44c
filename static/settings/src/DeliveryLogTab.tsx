import { useEffect, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import type { DeliverySummary, FailedDeliverySummary } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { Editable } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { IssueLink } from '../../shared/IssueLink';
import { okResult, useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { ActionMessages, ErrorMessage, Loading, Lozenge, Time } from '../../shared/ui';
import { VERDICT_TONE, groupLabel, splitIssueKeys, type DeliveryVerdict } from './delivery-outcome';

const MAX_PAGES = 10;
const ROWS_PER_PAGE = 20;
/** A retried event runs on the queue: ask every POLL_MS, at most POLL_TRIES times (30 s), for its new outcome. */
const POLL_MS = 750;
const POLL_TRIES = 40;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The log is kept oldest first; read a bounded number of pages and show the newest first. */
async function readRecent(client: ResolverClient): Promise<DeliverySummary[]> {
  const all: DeliverySummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.call('listRecentDeliveries', { limit: 20, ...(cursor ? { cursor } : {}) });
    all.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return all.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
}

/** Failed deliveries are few (each is retried or dropped): a bounded number of pages. */
async function readFailed(client: ResolverClient): Promise<FailedDeliverySummary[]> {
  const all: FailedDeliverySummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.call('listFailedDeliveries', { limit: 20, ...(cursor ? { cursor } : {}) });
    all.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return all;
}

async function loadLog(client: ResolverClient) {
  const [items, failed] = await Promise.all([readRecent(client), readFailed(client)]);
  return okResult({ items, failed });
}

/** Text with every Jira issue key as a link to that issue. An incident row starts with its Impact id, which is not a Jira key. */
function DetailText({ bridge, delivery }: { bridge: Bridge; delivery: DeliverySummary }) {
  const split = delivery.outcome === 'incident' ? delivery.detail.indexOf(': ') + 2 : 0;
  const lead = delivery.detail.slice(0, split);
  return (
    <>
      {lead}
      {splitIssueKeys(delivery.detail.slice(split)).map((part, i) => ('key' in part ? <IssueLink key={i} bridge={bridge} issueKey={part.key} /> : <span key={i}>{part.text}</span>))}
    </>
  );
}

type RetryOutcome = { readonly kind: 'failed-again'; readonly failed: FailedDeliverySummary } | { readonly kind: 'done'; readonly delivery: DeliverySummary | null } | { readonly kind: 'still-queued' };

export function DeliveryLogTab({ client, bridge }: { client: ResolverClient; bridge: Bridge }) {
  const log = useResolverQuery(() => loadLog(client), [client]);
  const [filter, setFilter] = useState<'all' | DeliveryVerdict>('all');
  const [page, setPage] = useState(1);
  const action = useResolverAction<'retry'>();
  const feedback = useFeedback();
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  /** Waits until the retried event was processed: listed as failed again, or logged with another outcome. */
  const awaitRetry = async (before: FailedDeliverySummary, eventId: string): Promise<RetryOutcome> => {
    for (let i = 0; i < POLL_TRIES && live.current; i++) {
      await sleep(POLL_MS);
      // Failed again: the event is listed as failed once more, later than the failure retried (server times).
      const failed = (await readFailed(client)).find((f) => f.eventId === eventId && (f.key !== before.key || f.failedAt > before.failedAt));
      if (failed) return { kind: 'failed-again', failed };
      // Repeats of a group fold into one log line: the retried event may be its latest.
      const delivery = (await readRecent(client)).find((d) => d.eventId === eventId || d.lastEventId === eventId) ?? null;
      if (delivery && delivery.outcome !== 'failed') return { kind: 'done', delivery };
    }
    return { kind: 'still-queued' };
  };

  const retry = (f: FailedDeliverySummary) =>
    action.run('retry', () => client.call('retryFailedDelivery', { key: f.key }), {
      then: async (v) => {
        // The button says "Retrying…" until the retried event has been processed (or the wait ends).
        const what = groupLabel(f.groupKey);
        const outcome = await awaitRetry(f, v.eventId);
        if (!live.current) return;
        if (outcome.kind === 'failed-again') feedback.warning(`Retry failed again: ${what}`, `${outcome.failed.failureKind}: ${outcome.failed.reason}`);
        else if (outcome.kind === 'done') {
          const verdict = outcome.delivery?.verdict ?? 'applied';
          const detail = outcome.delivery?.detail ?? '';
          if (verdict === 'failed' || verdict === 'partial' || verdict === 'rejected') feedback.warning(`Retried (${verdict}): ${what}`, detail);
          else feedback.success(`Retried (${verdict}): ${what}`, detail);
        } else feedback.warning(`Retry still queued: ${what}`, 'Refresh the log in a moment to see its outcome.');
        await log.reload();
      },
    });

  // A failed refresh is reported where a failed retry is.
  const error = action.error ?? log.error;
  if (!log.value) return error ? <ErrorMessage error={error} /> : <Loading label="Loading the delivery log" />;
  const { items, failed } = log.value;
  const rows = items.map((d) => ({ delivery: d, verdict: d.verdict }));
  const verdicts = [...new Set(rows.map((r) => r.verdict))].sort();
  const shown = filter === 'all' ? rows : rows.filter((r) => r.verdict === filter);
  return (
    <div>
      <ActionMessages error={error} errorTitle="Not retried" />
      <h2>Failed deliveries</h2>
      {failed.length === 0 ? (
        <p className="subtle">None: every event reached Jira or was skipped on purpose.</p>
      ) : (
        <Editable>
          <DynamicTable
            label="Failed deliveries"
            head={{ cells: ['Failed', 'Group', 'Attempts', 'Jira said', 'Actions'].map((c) => ({ key: c, content: c })) }}
            rows={failed.map((f) => ({
              key: f.key,
              cells: [
                { key: 'at', content: <Time iso={f.failedAt} /> },
                { key: 'group', content: <span className="wrap" title={f.groupKey}>{groupLabel(f.groupKey)}</span> },
                { key: 'attempts', content: f.attempts },
                {
                  key: 'reason',
                  content: (
                    <>
                      <Lozenge tone="removed">{f.failureKind}</Lozenge> {f.reason}
                    </>
                  ),
                },
                {
                  key: 'actions',
                  content: (
                    <Button spacing="compact" isDisabled={action.busy !== null} onClick={() => void retry(f)} aria-label={`Retry event ${f.eventId}`}>
                      {action.busy === 'retry' ? 'Retrying…' : 'Retry'}
                    </Button>
                  ),
                },
              ],
            }))}
          />
        </Editable>
      )}
      <div className="row">
        <h2 style={{ marginRight: 'auto' }}>Recent events</h2>
        <label htmlFor="outcome-filter" style={{ margin: 0 }}>
          Outcome
        </label>
        <select
          id="outcome-filter"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value as 'all' | DeliveryVerdict);
            setPage(1);
          }}
        >
          <option value="all">All</option>
          {verdicts.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <Button onClick={() => void log.reload()}>Refresh</Button>
      </div>
      {shown.length === 0 ? (
        <EmptyState headingLevel={3} header={filter === 'all' ? 'No events yet' : `No ${filter} events`} description={filter === 'all' ? 'Events the relay forwards are listed here with what the app did.' : 'Choose another outcome to see more.'} />
      ) : (
        <DynamicTable
          label="Recent events"
          rowsPerPage={ROWS_PER_PAGE}
          page={page}
          onSetPage={setPage}
          head={{ cells: ['Received', 'Source', 'Group', 'Outcome', 'Detail'].map((c) => ({ key: c, content: c })) }}
          rows={shown.map(({ delivery: d, verdict }) => ({
            key: d.eventId,
            cells: [
              { key: 'at', content: <Time iso={d.receivedAt} /> },
              { key: 'source', content: d.source },
              { key: 'group', content: <span className="wrap" title={d.groupKey}>{groupLabel(d.groupKey)}</span> },
              { key: 'outcome', content: <Lozenge tone={VERDICT_TONE[verdict]}>{verdict}</Lozenge> },
              { key: 'detail', content: <DetailText bridge={bridge} delivery={d} /> },
            ],
          }))}
        />
      )}
    </div>
  );
}
