/**
 * MTTA / MTTR of Impact incidents, precomputed (like the project metrics): the queue job `incident-metrics`
 * (hourly, from the people trigger, or "Recompute now") pages the incidents Impact created in the last
 * INCIDENT_METRICS_WINDOW_DAYS days (contract §2.4, 100 per call), computes the figures per priority (domain
 * `incidentResponseTimes`) and stores them in ONE value; the Projects & metrics page reads that value (1 KVS
 * call per view). A failed read keeps the previous figures and records why.
 */
import { INCIDENT_METRICS_WINDOW_DAYS, incidentResponseTimes, type IncidentResponseTimes, type IncidentTimingInput } from '../domain/people';
import { describeImpactFailure } from '../ports/impact';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import type { ImpactDirectoryPort } from '../ports/people';

export const IncidentMetricsKeys = {
  answer: 'im:response-times',
} as const;

const PAGE = 100;
/** 50,000 incidents in the window at most; more are reported, not half-counted. */
const MAX_PAGES = 500;
const DAY = 86_400_000;

export interface StoredResponseTimes {
  readonly version: 1;
  /** Absent until a run succeeded. */
  readonly times?: IncidentResponseTimes;
  readonly lastRun: { readonly atMs: number; readonly outcome: 'ok' | 'failed'; readonly message?: string; readonly impactPages: number };
}

export interface IncidentMetricsDeps {
  readonly store: KeyValueStore;
  readonly impact: ImpactDirectoryPort;
  readonly logger: Logger;
  readonly now: () => number;
  readonly pageSize?: number;
}

export async function readResponseTimes(store: KeyValueStore): Promise<StoredResponseTimes | undefined> {
  const stored = await store.get<StoredResponseTimes>(IncidentMetricsKeys.answer);
  return stored?.version === 1 ? stored : undefined;
}

export async function runIncidentMetrics(deps: IncidentMetricsDeps): Promise<StoredResponseTimes> {
  const now = deps.now();
  const sinceMs = now - INCIDENT_METRICS_WINDOW_DAYS * DAY;
  const since = new Date(sinceMs).toISOString();
  const size = deps.pageSize ?? PAGE;
  const incidents: IncidentTimingInput[] = [];
  let offset: number | null = 0;
  let pages = 0;
  let failure: string | undefined;
  while (offset !== null) {
    if (pages >= MAX_PAGES) {
      failure = `more than ${MAX_PAGES * size} incidents in ${INCIDENT_METRICS_WINDOW_DAYS} days: not read to the end`;
      break;
    }
    const result = await deps.impact.incidentsPage(since, offset, size);
    pages += 1;
    if (!result.ok) {
      failure = `Impact /incidents failed: ${describeImpactFailure(result.failure)}`;
      break;
    }
    // Only what the figures need is kept in memory.
    for (const i of result.value.items) incidents.push({ id: i.id, priority: i.priority, status: i.status, created_at: i.created_at, status_history: i.status_history });
    offset = result.value.nextOffset;
  }
  const previous = await readResponseTimes(deps.store);
  const stored: StoredResponseTimes = failure
    ? { version: 1, ...(previous?.times ? { times: previous.times } : {}), lastRun: { atMs: now, outcome: 'failed', message: failure, impactPages: pages } }
    : { version: 1, times: incidentResponseTimes(incidents, sinceMs, now), lastRun: { atMs: now, outcome: 'ok', impactPages: pages } };
  await deps.store.set(IncidentMetricsKeys.answer, stored);
  deps.logger.info('incident response times computed', { outcome: stored.lastRun.outcome, incidents: incidents.length, pages });
  return stored;
}
