/**
 * The HTTP ceiling the relay bench compares against: the same Hono + @hono/node-server stack, POST
 * /v1/alertmanager parses the JSON body and answers 202, nothing else (no auth, validation, storage).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

const app = new Hono();
app.post('/v1/alertmanager', async (c) => {
  const body = (await c.req.json()) as { groupKey?: unknown };
  return c.json({ accepted: true, groupKey: typeof body.groupKey === 'string' }, 202);
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
  process.stdout.write(`bare listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
