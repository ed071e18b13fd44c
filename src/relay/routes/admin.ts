import { Hono } from 'hono';
import { z } from 'zod';
import { createBearerCheck } from '../auth/bearer';
import { RelayError } from '../errors';
import { parseJsonBody, readRawBody, requireIdentityEncoding, requireJsonContentType } from '../http/read-body';
import type { RelayAppDeps, RelayEnv } from '../app-types';
import { parseBody } from './validate';

/** Most dead letters one listing returns, and most ids one re-queue names. */
export const MAX_ADMIN_LIST = 1000;
const MAX_ADMIN_BODY_BYTES = 128 * 1024;

const eventId = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'a dead letter id from GET /admin/dead-letters');
const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(MAX_ADMIN_LIST).default(100) }).strict();
const requeueSchema = z.union([
  z.object({ ids: z.array(eventId).min(1).max(MAX_ADMIN_LIST) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

/**
 * The operator's dead-letter routes, the HTTP twin of `npm run relay -- dead-letters | requeue`, behind their
 * own bearer tokens (RELAY_ADMIN_TOKENS, compared in constant time like the webhook tokens). Mounted only when
 * tokens are configured: without them every /admin path is a 404, as if the routes did not exist.
 *   GET  /admin/dead-letters?limit=N        → { total, deadLetters: [...] } (newest failure first; no bodies)
 *   POST /admin/dead-letters/requeue        { "ids": [...] } or { "all": true } → { requeued, notFound }
 */
export function adminRoutes(deps: RelayAppDeps): Hono<RelayEnv> | undefined {
  if (deps.config.adminTokens.length === 0) return undefined;
  const checkBearer = createBearerCheck(deps.config.adminTokens);
  const admin = new Hono<RelayEnv>();
  admin.use('*', async (c, next) => {
    checkBearer(c.req.header('authorization'));
    await next();
  });

  admin.get('/dead-letters', async (c) => {
    const query = listQuerySchema.safeParse(c.req.query());
    if (!query.success) throw new RelayError('invalid-body', 'query must be ?limit=1..1000', { limit: c.req.query('limit') ?? '' });
    const [stats, deadLetters] = await outboxCall(() => Promise.all([deps.outbox.stats(), deps.outbox.failed(query.data.limit)]));
    return c.json({ total: stats.failed, deadLetters });
  });

  admin.post('/dead-letters/requeue', async (c) => {
    requireJsonContentType(c.req.header('content-type'));
    requireIdentityEncoding(c.req.header('content-encoding'));
    const raw = await readRawBody(c.req.raw, MAX_ADMIN_BODY_BYTES);
    const body = parseBody(requeueSchema, parseJsonBody(raw, { maxDepth: 4, maxObjectKeys: 4, maxValues: MAX_ADMIN_LIST + 4 }).value, 'requeue request ({"ids": [...]} or {"all": true})');
    let requeued = 0;
    const notFound: string[] = [];
    if ('all' in body) requeued = await outboxCall(() => deps.outbox.requeueFailed());
    else {
      // One id at a time, so the answer names the ids that were not dead letters (a typo, already re-queued).
      for (const id of new Set(body.ids)) {
        const n = await outboxCall(() => deps.outbox.requeueFailed([id]));
        if (n === 0) notFound.push(id);
        requeued += n;
      }
    }
    deps.logger.warn('dead letters re-queued by an admin', { requeued, notFound: notFound.length });
    if (requeued > 0) deps.wakeForwarder?.();
    return c.json({ requeued, notFound });
  });
  return admin;
}

async function outboxCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new RelayError('outbox-unavailable', 'the outbox is unavailable; retry later', undefined, { cause: error });
  }
}
