import { loadRelayConfig } from './config';
import { createJsonLogger } from './logger';
import { startRelay } from './server';

/** Process entry: config from env, then the relay; graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const clock = () => Date.now();
  const logger = createJsonLogger((line) => process.stderr.write(line), clock);
  const relay = await startRelay(loadRelayConfig(process.env), { logger, clock });
  process.stdout.write(`relay listening on ${relay.url}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('relay stopping', { signal });
    setTimeout(() => process.exit(1), 10_000).unref();
    void relay.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
