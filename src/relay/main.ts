import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { createRelayApp } from './app';
import { describeConfig, loadRelayConfig } from './config';
import { createForwarder } from './forwarder/forwarder';
import { createJsonLogger } from './logger';
import { createRelayMetrics } from './metrics';
import { openWorkerOutbox } from './outbox/worker-outbox';

/** Process entry: config from env, outbox, HTTP server and forwarder; graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const clock = () => Date.now();
  const logger = createJsonLogger((line) => process.stderr.write(line), clock);
  const config = loadRelayConfig(process.env);
  mkdirSync(dirname(config.dbPath), { recursive: true });
  const outbox = await openWorkerOutbox({ path: config.dbPath });
  const metrics = createRelayMetrics();
  const app = createRelayApp({ config, outbox, clock, logger, metrics });
  const forwarder = createForwarder({ config, outbox, fetch: globalThis.fetch, clock, logger, metrics });

  // Expired duplicate-suppression keys are only garbage; pruning hourly keeps the table small.
  const pruneTimer = setInterval(() => void outbox.pruneDedup(clock()).catch(() => undefined), 3_600_000);
  pruneTimer.unref();

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info('relay started', describeConfig(config));
    forwarder.start();
    process.stdout.write(`relay listening on http://${config.host}:${info.port}\n`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('relay stopping', { signal });
    clearInterval(pruneTimer);
    // Stop taking requests, let in-flight ones finish (their accepts commit), then drain the forwarder.
    server.close(() => {
      void forwarder
        .stop()
        .then(() => outbox.close())
        .then(() => process.exit(0));
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
