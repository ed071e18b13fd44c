import type { Handler } from 'hono';
import type { RelayAppDeps, RelayEnv } from '../app-types';
import { DEAD_LETTERS_LISTED } from '../metrics';
import type { FailedEvent, OutboxStats } from '../outbox/outbox';

/**
 * GET /healthz: 200 while the outbox answers ("degraded" when dead letters exist, listed with their source,
 * group key, id, size and reason so an operator can re-queue them), else 503.
 */
export function healthRoute(deps: Pick<RelayAppDeps, 'outbox' | 'clock' | 'logger'>): Handler<RelayEnv> {
  return async (c) => {
    let stats: OutboxStats;
    let deadLetters: FailedEvent[];
    try {
      stats = await deps.outbox.stats();
      deadLetters = stats.failed > 0 ? await deps.outbox.failed(DEAD_LETTERS_LISTED) : [];
    } catch (error) {
      deps.logger.error('outbox unreachable', { error: error instanceof Error ? error.message : 'unknown' });
      return c.json({ status: 'unavailable', outbox: { reachable: false } }, 503);
    }
    const now = deps.clock();
    return c.json({
      status: stats.failed > 0 ? 'degraded' : 'ok',
      outbox: {
        reachable: true,
        pending: stats.pending,
        failed: stats.failed,
        oldestPendingAgeSeconds: stats.oldestPendingReceivedMs === null ? null : Math.max(0, (now - stats.oldestPendingReceivedMs) / 1000),
        failedByReason: stats.failedByReason,
        deadLetters,
      },
    });
  };
}

/** GET /metrics in Prometheus text format; outbox gauges and dead letters are read at scrape time. */
export function metricsRoute(deps: Pick<RelayAppDeps, 'outbox' | 'clock' | 'metrics'>): Handler<RelayEnv> {
  return async (c) => {
    let stats: OutboxStats | undefined;
    let deadLetters: FailedEvent[] = [];
    try {
      stats = await deps.outbox.stats();
      if (stats.failed > 0) deadLetters = await deps.outbox.failed(DEAD_LETTERS_LISTED);
    } catch {
      stats = undefined;
    }
    return c.text(await deps.metrics.render(stats, deps.clock(), deadLetters), 200, { 'content-type': deps.metrics.contentType });
  };
}
