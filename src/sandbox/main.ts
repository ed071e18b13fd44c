/**
 * `npm start`: the product on one machine with its embedded defaults: relay, local Forge host running
 * the real app, the Jira Cloud simulator and the Impact simulator. Prints where everything is and how to send an alert.
 */
import { relative } from 'node:path';
import { createJsonLogger } from '../relay/logger';
import { loadExampleRules, SAMPLE_ALERT_FILE } from './example-rules';
import { sandboxOptionsFromEnv, startSandbox } from './sandbox';

/** A person opens an incident in Impact's UI; bob@example.com is a user of the simulated Jira site too. */
const SAMPLE_INCIDENT = { title: 'Checkout errors', priority: 2, commander: { email: 'bob@example.com', name: 'Bob Commander' } };

async function main(): Promise<void> {
  const logger = createJsonLogger((line) => process.stderr.write(line), Date.now);
  const sandbox = await startSandbox(sandboxOptionsFromEnv(process.env, logger));
  const rulesNote = loadExampleRules(sandbox.forge);
  const { relay, forgeHost, jira, webTrigger, impact } = sandbox.urls;
  const token = sandbox.relayConfig.alertmanagerTokens[0];
  const example = relative(process.cwd(), SAMPLE_ALERT_FILE);
  process.stdout.write(
    [
      '',
      'Incident Bridge sandbox is running',
      `  relay            ${relay}   (POST /v1/alertmanager, POST /v1/impact, GET /healthz, GET /metrics)`,
      `  Forge host       ${forgeHost}   (web trigger ${webTrigger})`,
      `  Jira simulator   ${jira}   (Basic auth as any email; projects OPS and PM)`,
      ...(impact ? [`  Impact simulator ${impact}   (API token ${sandbox.impactApiToken}; admin API /admin/incidents, webhooks to ${relay}/v1/impact)`] : []),
      `  test controls    ${jira}/_sim${impact ? `   ${impact}/_sim` : ''}   (faults, call log, clock, seeding; loopback only unless SIM_CONTROL_TOKEN is set)`,
      `  settings page    ${forgeHost}/static/settings-ui/`,
      `  issue panel      ${forgeHost}/static/panel-ui/`,
      '',
      rulesNote,
      'Send a sample alert:',
      `  curl -sS -X POST ${relay}/v1/alertmanager -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' --data @${example}`,
      ...(impact
        ? [
            'Open an incident in Impact (becomes an OPS issue in Jira):',
            `  curl -sS -X POST '${impact}/admin/incidents?wait=true' -H 'Content-Type: application/json' -d '${JSON.stringify(SAMPLE_INCIDENT)}'`,
          ]
        : []),
      'Then see what the app recorded:',
      `  curl -sS -X POST ${forgeHost}/api/invoke/bridge-settings -H 'Content-Type: application/json' -d '{"functionKey":"listRecentDeliveries","payload":{}}'`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

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
