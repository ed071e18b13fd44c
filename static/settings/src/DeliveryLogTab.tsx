import { useEffect, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import type { DeliverySummary, FailedDeliverySummary, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { Editable } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { IssueLink } from '../../shared/IssueLink';
import { okResult, useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { ActionMessages, ErrorMessage, Loading, Lozenge, Time } from '../../shared/ui';
import { VERDICT_TONE, groupLabel, splitIssueKeys, type DeliveryVerdict } from './delivery-outcome';
import './delivery-log.css';

const MAX_PAGES = 10;
const ROWS_PER_PAGE = 20;
/** A retried event runs on the queue: ask every POLL_MS, at most POLL_TRIES times (30 s), for its new outcome. */
const POLL_MS = 750;
const POLL_TRIES = 40;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const VERDICTS: readonly DeliveryVerdict[] = ['applied', 'skipped', 'partial', 'failed', 'rejected', 'recorded'];
const SOURCES = ['alertmanager', 'impact'] as const;

/** The filters the backend applies (listRecentDeliveries), combined with AND; empty = all. */
interface Filters {
  readonly verdict?: DeliveryVerdict;
  readonly source?: (typeof SOURCES)[number];
  readonly projectKey?: string;
  readonly groupKey?: string;
  readonly issueKey?: string;
}

/** One page of the log as the backend pages it (newest first), with the cursors both ways. */
interface LogPage {
  readonly items: readonly DeliverySummary[];
  readonly nextCursor: string | null;
  readonly prevCursor: string | null;
  readonly retentionDays: number;
}

async function readPage(client: ResolverClient, filters: Filters, cursor: string | undefined): Promise<ResolverResult<LogPage>> {
  const result = await client.call('listRecentDeliveries', { limit: ROWS_PER_PAGE, ...filters, ...(cursor ? { cursor } : {}) });
  if (!result.ok) return { ok: false, error: result.error };
  return { ok: true, value: { items: result.items, nextCursor: result.nextCursor, prevCursor: result.prevCursor, retentionDays: result.retentionDays } };
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

/** The newest line of a group (its index: one KVS query), where a retried event of that group is logged. */
async function latestOfGroup(client: ResolverClient, groupKey: string, eventId: string): Promise<DeliverySummary | null> {
  const result = await client.call('listRecentDeliveries', { limit: ROWS_PER_PAGE, groupKey });
  return result.items.find((d) => d.eventId === eventId || d.lastEventId === eventId) ?? null;
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
  const [filters, setFilters] = useState<Filters>({});
  /** Where the page starts (undefined: the newest line) and how many pages from the newest it is. */
  const [at, setAt] = useState<{ cursor: string | undefined; index: number }>({ cursor: undefined, index: 1 });
  // Each answer carries the request it answers, so the table says "loading" while another page is on its way.
  const requestKey = JSON.stringify([filters, at]);
  const log = useResolverQuery(async () => {
    const result = await readPage(client, filters, at.cursor);
    return result.ok ? { ok: true as const, value: { ...result.value, requestKey } } : result;
  }, [client, requestKey]);
  const failedList = useResolverQuery(async () => okResult(await readFailed(client)), [client]);
  const [draft, setDraft] = useState({ projectKey: '', issueKey: '' });
  const action = useResolverAction<'retry'>();
  const feedback = useFeedback();
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const filterBy = (next: Filters) => {
    setFilters(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== '')) as Filters);
    setAt({ cursor: undefined, index: 1 });
  };
  const reloadAll = async () => {
    await Promise.all([log.reload(), failedList.reload()]);
  };

  /** Waits until the retried event was processed: listed as failed again, or logged with another outcome. */
  const awaitRetry = async (before: FailedDeliverySummary, eventId: string): Promise<RetryOutcome> => {
    for (let i = 0; i < POLL_TRIES && live.current; i++) {
      await sleep(POLL_MS);
      // Failed again: the event is listed as failed once more, later than the failure retried (server times).
      const failed = (await readFailed(client)).find((f) => f.eventId === eventId && (f.key !== before.key || f.failedAt > before.failedAt));
      if (failed) return { kind: 'failed-again', failed };
      // Repeats of a group fold into one log line: the retried event may be its latest.
      const delivery = await latestOfGroup(client, before.groupKey, eventId);
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
        await reloadAll();
      },
    });

  // A failed refresh is reported where a failed retry is.
  const error = action.error ?? failedList.error;
  const failed = failedList.value;
  const page = log.value;
  const filtered = Object.keys(filters).length > 0;
  return (
    <div className="delivery-log">
      <ActionMessages error={error} errorTitle="Not retried" />
      <h2>Failed deliveries</h2>
      {failed === null ? (
        <Loading label="Loading the failed deliveries" />
      ) : failed.length === 0 ? (
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
        <Button onClick={() => void reloadAll()}>Refresh</Button>
      </div>
      <form
        className="row log-filters"
        aria-label="Filter the delivery log"
        onSubmit={(e) => {
          e.preventDefault();
          filterBy({ ...filters, projectKey: draft.projectKey.trim().toUpperCase() || undefined, issueKey: draft.issueKey.trim().toUpperCase() || undefined });
        }}
      >
        <FilterSelect id="outcome-filter" label="Outcome" choices={VERDICTS} value={filters.verdict} onChange={(verdict) => filterBy({ ...filters, verdict })} />
        <FilterSelect id="source-filter" label="Source" choices={SOURCES} value={filters.source} onChange={(source) => filterBy({ ...filters, source })} />
        <div>
          <label htmlFor="project-filter">Project key</label>
          <input id="project-filter" type="text" size={8} placeholder="OPS" value={draft.projectKey} onChange={(e) => setDraft((d) => ({ ...d, projectKey: e.target.value }))} />
        </div>
        <div>
          <label htmlFor="issue-filter">Issue key</label>
          <input id="issue-filter" type="text" size={10} placeholder="OPS-12" value={draft.issueKey} onChange={(e) => setDraft((d) => ({ ...d, issueKey: e.target.value }))} />
        </div>
        <Button type="submit">Apply</Button>
        {filtered && (
          <Button
            appearance="subtle"
            onClick={() => {
              setDraft({ projectKey: '', issueKey: '' });
              filterBy({});
            }}
          >
            Clear filters
          </Button>
        )}
      </form>
      {filters.groupKey && (
        <p className="row" data-testid="group-filter">
          <span>
            Group: <strong className="wrap">{groupLabel(filters.groupKey)}</strong>
          </span>
          <Button spacing="compact" appearance="subtle" onClick={() => filterBy({ ...filters, groupKey: undefined })}>
            Show every group
          </Button>
        </p>
      )}
      {log.error && <ErrorMessage error={log.error} title="The log could not be read" />}
      {page === null ? (
        log.error ? null : <Loading label="Loading the delivery log" />
      ) : page.items.length === 0 && at.index === 1 && !page.nextCursor ? (
        <EmptyState
          headingLevel={3}
          header={filtered ? 'No events match these filters' : 'No events yet'}
          description={filtered ? 'Clear or change the filters to see more.' : `Events the relay forwards are listed here with what the app did, for ${page.retentionDays} days.`}
        />
      ) : (
        <>
          <DynamicTable
            label="Recent events"
            isLoading={page.requestKey !== requestKey}
            head={{ cells: ['Received', 'Source', 'Group', 'Outcome', 'Detail'].map((c) => ({ key: c, content: c })) }}
            rows={page.items.map((d) => ({
              key: d.key,
              cells: [
                { key: 'at', content: <Time iso={d.receivedAt} /> },
                { key: 'source', content: d.source },
                {
                  key: 'group',
                  content: (
                    <button type="button" className="link-button wrap" title={`Show only this group: ${d.groupKey}`} onClick={() => filterBy({ ...filters, groupKey: d.groupKey })}>
                      {groupLabel(d.groupKey)}
                    </button>
                  ),
                },
                { key: 'outcome', content: <Lozenge tone={VERDICT_TONE[d.verdict]}>{d.verdict}</Lozenge> },
                {
                  key: 'detail',
                  content: (
                    <>
                      <DetailText bridge={bridge} delivery={d} />
                      {d.count > 1 && <span className="subtle"> · {d.count} deliveries, the last <Time iso={d.lastAt} /></span>}
                    </>
                  ),
                },
              ],
            }))}
          />
          <nav className="row" aria-label="Delivery log pages">
            <Button isDisabled={!page.prevCursor && at.index === 1} onClick={() => setAt((a) => (page.prevCursor ? { cursor: page.prevCursor, index: Math.max(1, a.index - 1) } : { cursor: undefined, index: 1 }))}>
              Newer events
            </Button>
            <span className="subtle" aria-live="polite">
              Page {at.index}
            </span>
            <Button isDisabled={!page.nextCursor} onClick={() => page.nextCursor && setAt((a) => ({ cursor: page.nextCursor ?? undefined, index: a.index + 1 }))}>
              Older events
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}

/** A filter's select: "All" (no filter) or one of `choices`. */
function FilterSelect<T extends string>({ id, label, choices, value, onChange }: { id: string; label: string; choices: readonly T[]; value: T | undefined; onChange: (value: T | undefined) => void }) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? 'all'} onChange={(e) => onChange(e.target.value === 'all' ? undefined : (e.target.value as T))}>
        <option value="all">All</option>
        {choices.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}
