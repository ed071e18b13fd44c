import { runOutboxCommand } from './cli';
import { loadRelayConfig } from './config';
import { createJsonLogger } from './logger';
import { openOutbox } from './outbox/open';
import { startRelay } from './server';

/** Process entry: config from env, then the relay (or an operator command); graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const [command = 'serve', ...args] = process.argv.slice(2);
  const config = loadRelayConfig(process.env);
  if (command !== 'serve') {
    const outbox = await openOutbox(config);
    const io = { out: (l: string) => process.stdout.write(l + '\n'), err: (l: string) => process.stderr.write(l + '\n') };
    const code = await runOutboxCommand(command, args, outbox, io).finally(() => outbox.close());
    process.exit(code);
  }
  const clock = () => Date.now();
  const logger = createJsonLogger((line) => process.stderr.write(line), clock, config.logLevel);
  const relay = await startRelay(config, { logger, clock });
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
