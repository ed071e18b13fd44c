import { Hono } from 'hono';
import { errorBody, RelayError } from './errors';
import type { RelayAppDeps, RelayEnv } from './app-types';
import { adminRoutes } from './routes/admin';
import { alertmanagerRoute } from './routes/alertmanager';
import { healthRoute, metricsRoute } from './routes/health';
import { impactRoute } from './routes/impact';

export type { RelayAppDeps, RelayAppConfig, AcceptedBody } from './app-types';

/** The relay's HTTP surface. Every error leaves through `onError` as `{error: {code, message, details?}}`. */
export function createRelayApp(deps: RelayAppDeps): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>();

  app.post('/v1/alertmanager', alertmanagerRoute(deps));
  app.post('/v1/impact', impactRoute(deps));
  app.get('/healthz', healthRoute(deps));
  app.get('/metrics', metricsRoute(deps));
  const admin = adminRoutes(deps);
  if (admin) app.route('/admin', admin);

  app.notFound((c) => c.json(errorBody(new RelayError('not-found', `no route for ${c.req.method} ${c.req.path}`)), 404));

  app.onError((err, c) => {
    const error = err instanceof RelayError ? err : new RelayError('internal', 'internal error', undefined, { cause: err });
    const source = c.get('source');
    if (source) deps.metrics.rejected(source, error.code);
    if (error.status >= 500) {
      const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
      deps.logger.error('request failed', { path: c.req.path, code: error.code, cause });
    } else {
      deps.logger.warn('request refused', { path: c.req.path, code: error.code, source });
    }
    if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="relay"');
    return c.json(errorBody(error), error.status);
  });

  return app;
}
