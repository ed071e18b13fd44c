/**
 * What `npm start` prints: where everything runs and how to try it. It names where the tokens come from (env
 * variables, or the development defaults in the source), never their values: terminals are shared, recorded
 * and pasted into tickets.
 */
export interface BannerInput {
  readonly urls: { readonly relay: string; readonly forgeHost: string; readonly jira: string; readonly webTrigger: string; readonly impact?: string | undefined };
  /** Path of the example Alertmanager body, relative to where the command runs. */
  readonly example: string;
  readonly rulesNote: string;
  readonly sampleIncident: unknown;
}

export function sandboxBanner(input: BannerInput): string {
  const { relay, forgeHost, jira, webTrigger, impact } = input.urls;
  return [
    '',
    'Incident Bridge sandbox is running',
    `  relay            ${relay}   (POST /v1/alertmanager, POST /v1/impact, GET /healthz, GET /metrics)`,
    `  Forge host       ${forgeHost}   (web trigger ${webTrigger})`,
    `  Jira simulator   ${jira}   (Basic auth as any email; projects OPS, PM and DEV)`,
    ...(impact ? [`  Impact simulator ${impact}   (app API token: IMPACT_API_TOKEN, else the default in src/sandbox/sandbox.ts; admin API /admin/incidents, webhooks to ${relay}/v1/impact)`] : []),
    `  test controls    ${jira}/_sim${impact ? `   ${impact}/_sim` : ''}   (faults, call log, clock, seeding; loopback only unless SIM_CONTROL_TOKEN is set)`,
    `  settings page    ${forgeHost}/static/settings-ui/`,
    `  issue panel      ${forgeHost}/static/panel-ui/`,
    '',
    input.rulesNote,
    'Send a sample alert (the bearer token is the first of ALERTMANAGER_TOKENS, else the default in src/relay/config.ts):',
    `  curl -sS -X POST ${relay}/v1/alertmanager -H "Authorization: Bearer $ALERTMANAGER_TOKEN" -H 'Content-Type: application/json' --data @${input.example}`,
    ...(impact
      ? [
          'Open an incident in Impact (becomes an OPS issue in Jira):',
          `  curl -sS -X POST '${impact}/admin/incidents?wait=true' -H 'Content-Type: application/json' -d '${JSON.stringify(input.sampleIncident)}'`,
        ]
      : []),
    'Then see what the app recorded:',
    `  curl -sS -X POST ${forgeHost}/api/invoke/bridge-settings -H 'Content-Type: application/json' -d '{"functionKey":"listRecentDeliveries","payload":{}}'`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
