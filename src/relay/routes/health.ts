import type { Handler } from 'hono';
import type { RelayAppDeps, RelayEnv } from '../app-types';
import type { OutboxStats } from '../outbox/outbox';

/** GET /healthz: 200 while the outbox answers ("degraded" when events failed permanently), else 503. */
export function healthRoute(deps: Pick<RelayAppDeps, 'outbox' | 'clock' | 'logger'>): Handler<RelayEnv> {
  return async (c) => {
    let stats: OutboxStats;
    try {
      stats = await deps.outbox.stats();
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
      },
    });
  };
}

/** GET /metrics in Prometheus text format; outbox gauges are read at scrape time. */
export function metricsRoute(deps: Pick<RelayAppDeps, 'outbox' | 'clock' | 'metrics'>): Handler<RelayEnv> {
  return async (c) => {
    let stats: OutboxStats | undefined;
    try {
      stats = await deps.outbox.stats();
    } catch {
      stats = undefined;
    }
    return c.text(deps.metrics.render(stats, deps.clock()), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  };
}
