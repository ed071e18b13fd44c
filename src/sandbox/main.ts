/**
 * `npm start`: the product on one machine with its embedded defaults: relay, local Forge host running
 * the real app, the Jira Cloud simulator and the Impact simulator. Prints where everything is and how to send an alert.
 */
import { relative } from 'node:path';
import { createJsonLogger } from '../relay/logger';
import { sandboxBanner } from './banner';
import { loadExampleRules, SAMPLE_ALERT_FILE } from './example-rules';
import { sandboxOptionsFromEnv, startSandbox } from './sandbox';

/** A person opens an incident in Impact's UI; bob@example.com is a user of the simulated Jira site too. */
const SAMPLE_INCIDENT = { title: 'Checkout errors', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } };

async function main(): Promise<void> {
  const logger = createJsonLogger((line) => process.stderr.write(line), Date.now);
  const sandbox = await startSandbox(sandboxOptionsFromEnv(process.env, logger));
  const rulesNote = loadExampleRules(sandbox.forge);
  const example = relative(process.cwd(), SAMPLE_ALERT_FILE);
  process.stdout.write(sandboxBanner({ urls: sandbox.urls, example, rulesNote, sampleIncident: SAMPLE_INCIDENT }));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('sandbox stopping', { signal });
    setTimeout(() => process.exit(1), 10_000).unref();
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
