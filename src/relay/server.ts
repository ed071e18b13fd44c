import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createRelayApp } from './app';
import { describeConfig, isPostgresUrl, type RelayConfig } from './config';
import { createForwarder, type Forwarder, type ForwarderConfig } from './forwarder/forwarder';
import { startForwarderThread } from './forwarder/threaded-forwarder';
import { fetchTransport, nodeHttpTransport, type PostToTrigger } from './forwarder/transport';
import type { Logger } from './logger';
import { createRelayMetrics, type RelayMetrics } from './metrics';
import type { Outbox } from './outbox/outbox';
import { openOutbox, openWorkerHostedOutbox } from './outbox/open';
import { isFilelessPath } from './outbox/sqlite-store';

export interface RunningRelay {
  readonly url: string;
  readonly outbox: Outbox;
  readonly forwarder: Pick<Forwarder, 'start' | 'stop' | 'wake'>;
  readonly metrics: RelayMetrics;
  /** Stops taking requests, lets in-flight accepts commit, settles the forwarder, closes the outbox. */
  close(): Promise<void>;
}

export interface StartRelayOptions {
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Forward through this fetch instead of node:http (tests: in-process web trigger, injected faults). */
  readonly fetch?: typeof fetch;
}

/** The forwarder, wherever it runs, and what closing the relay must close for it besides. */
interface PlacedForwarder {
  readonly forwarder: Pick<Forwarder, 'start' | 'stop' | 'wake'>;
  readonly closeTransport: () => void;
}

/** Opens the outbox, serves the relay app and starts the forwarder: the relay process minus signal handling. */
export async function startRelay(config: RelayConfig, options: StartRelayOptions): Promise<RunningRelay> {
  const clock = options.clock ?? Date.now;
  const { logger } = options;
  const metrics = createRelayMetrics();
  const forwarderConfig: ForwarderConfig = { webTriggerUrl: config.webTriggerUrl, signingKeys: config.signingKeys, pollIntervalMs: config.pollIntervalMs };
  // An injected fetch (tests) can only be called on this thread, so it keeps the forwarder here.
  const hosted = options.fetch ? undefined : await openWorkerHostedOutbox(config, { config: forwarderConfig, metrics, logger });
  const outbox = hosted?.outbox ?? (await openOutbox(config, logger));
  const forwarderHere = (post: PostToTrigger) => createForwarder({ config: forwarderConfig, outbox, post, clock, logger, metrics });
  /**
   * Where the forwarder runs: with the store in the worker (RELAY_OUTBOX_THREAD=worker), there; with an injected fetch
   * (tests), on this thread; for a SQLite file, in its own thread with its own connection (measured: README, "Relay
   * throughput"); for PostgreSQL (or a fileless SQLite database, which a second connection cannot open), on this
   * thread through node:http (PostgreSQL not measured in a thread; the SQLite relay is the one with a throughput target).
   */
  async function placeForwarder(): Promise<PlacedForwarder> {
    if (hosted) return { forwarder: hosted.forwarder, closeTransport: () => undefined };
    if (options.fetch) return { forwarder: forwarderHere(fetchTransport(options.fetch)), closeTransport: () => undefined };
    if (!isPostgresUrl(config.dbPath) && config.outboxThread === 'main' && !isFilelessPath(config.dbPath)) {
      try {
        return { forwarder: await startForwarderThread({ path: config.dbPath, config: forwarderConfig, outbox, metrics, logger }), closeTransport: () => undefined };
      } catch (error) {
        await outbox.close();
        throw error;
      }
    }
    const transport = nodeHttpTransport();
    return { forwarder: forwarderHere(transport.post), closeTransport: () => transport.close() };
  }
  const { forwarder, closeTransport } = await placeForwarder();
  const app = createRelayApp({ config, outbox, clock, logger, metrics, wakeForwarder: () => forwarder.wake() });

  // Expired duplicate-suppression keys are only garbage; pruning hourly keeps the table small.
  const pruneTimer = setInterval(() => void outbox.pruneDedup(clock()).catch(() => undefined), 3_600_000);
  pruneTimer.unref();

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info('relay started', describeConfig(config));
  forwarder.start();

  return {
    url: `http://${config.host}:${port}`,
    outbox,
    forwarder,
    metrics,
    async close() {
      clearInterval(pruneTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await forwarder.stop();
      closeTransport();
      await outbox.close();
    },
  };
}
