import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as forgeApp from '../forge/index';
import { createForgeHost, jiraSiteFromEnv, type ForgeHost, type HostFidelity, type JiraTarget } from './forge-host';
import { createJiraSimulator, seedSandboxSite, seedSoftwareProject, serveJiraSimulator, DEFAULT_APP_ACCOUNT_ID, SANDBOX_USERS, type JiraSimulator } from './jira-sim';
import { loadRelayConfig, type RelayConfig } from '../relay/config';
import { startRelay, type RunningRelay } from '../relay/server';
import type { Logger } from '../relay/logger';
import { LOCAL_FORGE_HOST_ENV, SecretKeys, StorageKeys } from '../forge/constants';
import type { HandlersModule } from './forge-host';
import { IncidentKeys } from '../forge/incidents/incident-store';
import { sandboxIncidentConfig } from './incident-config';
import { connectWorkflowValidators } from './workflow-validators';
import { createImpactSimulator, serveImpactSimulator, DEFAULT_IMPACT_SIM_PORT, type ImpactSimulator } from './impact-sim';
import { persistImpactSimulator } from './impact-sim/persistence';
import { persistJiraSimulator } from './jira-sim/persistence';
import { ALL_IMPACT_EVENTS } from '../shared/impact';

/** The app's API token in the Impact simulator when IMPACT_API_TOKEN is unset. */
export const DEFAULT_IMPACT_API_TOKEN = 'dev-impact-api-token';
/** API client name of the app's token: shows as `origin.client` in webhooks its writes cause. */
export const IMPACT_API_CLIENT = 'incident-bridge';

/** Everything `npm start` runs, wired the way production is: relay → web trigger → queue → consumer → Jira. */
export interface SandboxOptions {
  readonly host: string;
  readonly relayPort: number;
  readonly forgeHostPort: number;
  readonly jiraPort: number;
  /**
   * SQLite files live here (relay outbox, Forge host, Jira and Impact simulators), so a restart with the same
   * directory is the same world; `:memory:` keeps the Forge host and simulators in memory (the relay still needs a file).
   */
  readonly dataDir: string;
  /** Environment the relay config is read from (tokens, secrets, signing keys); ports and URLs are set here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Jira rate limits in the simulator (on by default, as in Jira Cloud). */
  readonly jiraRateLimits?: boolean;
  /** The app's handlers; defaults to src/forge/index. */
  readonly handlers?: HandlersModule;
  readonly forgeQueue?: { readonly eventsPerMinute?: number | null; readonly workers?: number };
  /** Forge's published KVS quota per install (forge-host/kvs-quota.ts): on unless a test opts out with false. */
  readonly kvsQuota?: boolean;
  /** Forge delivery fidelity of the local host (forge-host/fidelity.ts); unset fields come from FORGE_HOST_* env. */
  readonly forgeFidelity?: Partial<HostFidelity>;
  /** Deliver `avi:forge:installed:app` on a host that has not seen it (as Forge does on install); `npm start` does. */
  readonly installApp?: boolean;
  /** Tests inject the relay's clock (duplicate windows) and its outbound fetch (forwarding faults). */
  readonly relayClock?: () => number;
  readonly relayFetch?: typeof fetch;
  /** Where the app reaches the Impact API (stored as the `impact-api` secret, as an admin would set it). Default: the simulator. */
  readonly impactApi?: { readonly url: string; readonly token: string };
  /** Impact simulator port; 0 (the default) picks a free one. `npm start` uses IMPACT_SIM_PORT or 8790. */
  readonly impactPort?: number;
  /** `false` runs without the Impact simulator (`sandbox.impact` is then undefined). */
  readonly impactSimulator?: boolean;
}

export interface Sandbox {
  readonly urls: { readonly relay: string; readonly forgeHost: string; readonly jira: string; readonly webTrigger: string; readonly impact: string | undefined };
  /** Undefined when JIRA_BASE_URL/JIRA_EMAIL/JIRA_API_TOKEN point the host at a real site. */
  readonly jira: JiraSimulator | undefined;
  readonly forge: ForgeHost;
  /** The Impact simulator (webhooks to the relay's /v1/impact); undefined when `impactSimulator: false`. */
  readonly impact: ImpactSimulator | undefined;
  /** The app's Impact API token (what the `impact-api` secret holds). */
  readonly impactApiToken: string;
  /** The running relay (a new one after `restartRelay`). */
  readonly relay: RunningRelay;
  readonly relayConfig: RelayConfig;
  /**
   * Stops the relay and starts it again on the same port and outbox database with these env changes (e.g. a
   * new RELAY_SIGNING_KEYS), as an operator would. Events still in the outbox are sent by the new process.
   */
  restartRelay(envChanges: Readonly<Record<string, string>>): Promise<RunningRelay>;
  close(): Promise<void>;
}

export function sandboxOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, logger: Logger): SandboxOptions {
  const port = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number, got "${env[name]}"`);
    return value;
  };
  return {
    host: env['SANDBOX_HOST'] ?? '127.0.0.1',
    relayPort: port('RELAY_PORT', 8787),
    forgeHostPort: port('FORGE_HOST_PORT', 8788),
    jiraPort: port('JIRA_SIM_PORT', 8789),
    impactPort: port('IMPACT_SIM_PORT', DEFAULT_IMPACT_SIM_PORT),
    dataDir: env['SANDBOX_DATA_DIR'] ?? '.data',
    env,
    logger,
    jiraRateLimits: env['JIRA_SIM_RATE_LIMITS'] !== 'off',
    installApp: true,
  };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const inMemory = options.dataDir === ':memory:';
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const realSite = jiraSiteFromEnv(options.env);
  // `/_sim/` test controls: loopback clients only, unless SIM_CONTROL_TOKEN names a Bearer token.
  const controlToken = options.env['SIM_CONTROL_TOKEN'] ? { controlToken: options.env['SIM_CONTROL_TOKEN'] } : {};

  let jira: JiraSimulator | undefined;
  let jiraTarget: JiraTarget;
  let jiraUrl: string;
  let closeJira = async () => {};
  let closeJiraState = (): void => undefined;
  if (realSite) {
    jiraTarget = realSite;
    jiraUrl = realSite.kind === 'site' ? realSite.baseUrl : '';
  } else {
    jira = createJiraSimulator({ baseUrl: `http://${options.host}:${options.jiraPort}`, appAccountId: DEFAULT_APP_ACCOUNT_ID, rateLimits: options.jiraRateLimits ?? true, ...controlToken });
    // One world across restarts: Jira keeps its site next to the Forge host's database, seeded only when new.
    const persisted = inMemory ? undefined : persistJiraSimulator(jira, join(options.dataDir, 'jira-sim.sqlite'));
    if (!persisted?.restored) {
      seedSandboxSite(jira);
      seedSoftwareProject(jira);
      persisted?.saveAll();
    }
    closeJiraState = () => persisted?.close();
    const served = await serveJiraSimulator(jira, { port: options.jiraPort, host: options.host });
    jiraUrl = served.url;
    closeJira = served.close;
    const sim = jira;
    jiraTarget = { kind: 'fetch', fetch: async (request) => sim.app.fetch(request) };
  }

  // The app's Forge variable saying it runs on this local host (loopback Impact URLs are then allowed).
  const hadLocalFlag = process.env[LOCAL_FORGE_HOST_ENV];
  process.env[LOCAL_FORGE_HOST_ENV] = '1';
  const forge = createForgeHost({
    manifestPath: join(__dirname, '../../manifest.yml'),
    handlers: options.handlers ?? forgeApp,
    databasePath: inMemory ? ':memory:' : join(options.dataDir, 'forge-host.sqlite'),
    appAccountId: DEFAULT_APP_ACCOUNT_ID,
    siteUrl: jiraUrl,
    jira: jiraTarget,
    ...(options.forgeQueue ? { queue: options.forgeQueue } : {}),
    ...(options.forgeFidelity ? { fidelity: options.forgeFidelity } : {}),
    ...(options.kvsQuota === false ? { kvsQuota: false } : {}),
  });
  const forgeServer = await forge.start({ port: options.forgeHostPort, host: options.host, scheduleTimers: true });
  // Forge sends the install event once per installation; a host whose storage already has the record was installed.
  if (options.installApp && !forge.kvs.get({ kind: 'kv' }, StorageKeys.installRecord).ok) await forge.installApp({ installerAccountId: SANDBOX_USERS.alice.accountId });
  const webTrigger = forge.webTriggerUrl('ingest');
  if (!webTrigger) throw new Error('the Forge host has no ingest web trigger URL');

  // Jira tells the app about changes: the simulator's issue events go to the host's product triggers.
  const unsubscribe = jira?.onIssueEvent((event) => {
    forge.deliverProductEvent({ ...event, isAppActor: event.actorIsApp }).catch((error: unknown) => {
      options.logger.error('product event delivery failed', { error: error instanceof Error ? error.message : String(error) });
    });
  });

  // Jira runs the app's workflow validators on transitions through the host (OPS closing transitions).
  const disconnectValidators = jira ? connectWorkflowValidators(jira, forge) : undefined;

  const relayConfig = loadRelayConfig({
    ...options.env,
    RELAY_HOST: options.host,
    RELAY_PORT: String(options.relayPort),
    RELAY_DB: options.env['RELAY_DB'] ?? inMemory ? join(tmpdir(), `relay-${process.pid}-${Date.now()}.sqlite`) : join(options.dataDir, 'relay.sqlite'),
    WEBTRIGGER_URL: webTrigger,
  });
  // Impact: webhooks are signed with the relay's first Impact secret and sent once the relay is up (below).
  const impactApiToken = options.env['IMPACT_API_TOKEN'] ?? DEFAULT_IMPACT_API_TOKEN;
  const impactSecret = relayConfig.impactSecrets[0];
  let impact: ImpactSimulator | undefined;
  let impactUrl: string | undefined;
  let closeImpact = async () => {};
  let closeImpactState = (): void => undefined;
  if (options.impactSimulator !== false) {
    if (!impactSecret) throw new Error('the Impact simulator needs IMPACT_WEBHOOK_SECRETS (the relay accepts no Impact webhooks)');
    const impactPort = options.impactPort ?? 0;
    impact = createImpactSimulator({
      // Same clock as the relay, so signature timestamps are always within its tolerance.
      now: options.relayClock ?? (() => Date.now()),
      webhookSecret: impactSecret,
      apiTokens: [{ token: impactApiToken, client: IMPACT_API_CLIENT }],
      // Impact names commanders by email: it knows the people of the simulated Jira site.
      users: Object.values(SANDBOX_USERS).map((u) => ({ email: u.emailAddress, name: u.displayName })),
      ...controlToken,
      // The app's subscription: every event of the contract (notes become comments, follow-ups issues).
      webhookEvents: [...ALL_IMPACT_EVENTS],
      ...(impactPort !== 0 ? { baseUrl: `http://${options.host}:${impactPort}` } : {}),
    });
    // Webhooks wait until the relay is up (below); restored ones that were still pending are sent then.
    impact.webhooks.pause();
    if (!inMemory) {
      const persisted = persistImpactSimulator(impact, join(options.dataDir, 'impact-sim.sqlite'));
      closeImpactState = () => persisted.close();
    }
    const served = await serveImpactSimulator(impact, { port: impactPort, host: options.host });
    impactUrl = served.url;
    closeImpact = served.close;
  }
  const impactApi = options.impactApi ?? (impactUrl ? { url: impactUrl, token: impactApiToken } : undefined);

  // The app learns the relay's signing keys from Forge secret storage, as an admin would set them.
  forge.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, relayConfig.signingKeys);
  // Incident sync settings for the simulated site (OPS incidents, PM post-mortems) and the Impact API.
  forge.kvs.set({ kind: 'kv' }, IncidentKeys.config, sandboxIncidentConfig());
  if (impactApi) forge.kvs.set({ kind: 'secret' }, SecretKeys.impactApi, { baseUrl: impactApi.url, token: impactApi.token });
  const relayOptions = {
    logger: options.logger,
    ...(options.relayClock ? { clock: options.relayClock } : {}),
    ...(options.relayFetch ? { fetch: options.relayFetch } : {}),
  };
  let relay = await startRelay(relayConfig, relayOptions);
  let currentRelayConfig = relayConfig;
  impact?.webhooks.setTarget(`${relay.url}/v1/impact`);
  impact?.webhooks.resume();

  return {
    urls: { relay: relay.url, forgeHost: forgeServer.url, jira: jiraUrl, webTrigger, impact: impactUrl },
    jira,
    forge,
    impact,
    impactApiToken,
    get relay() {
      return relay;
    },
    get relayConfig() {
      return currentRelayConfig;
    },
    async restartRelay(envChanges) {
      const port = new URL(relay.url).port;
      await relay.close();
      currentRelayConfig = loadRelayConfig({ ...options.env, ...envChanges, RELAY_HOST: options.host, RELAY_PORT: port, RELAY_DB: currentRelayConfig.dbPath, WEBTRIGGER_URL: webTrigger });
      relay = await startRelay(currentRelayConfig, relayOptions);
      await untilAnswers(`${relay.url}/healthz`);
      return relay;
    },
    async close() {
      // Impact stops sending first; its API stays up until the app (Forge host) has stopped calling it.
      await impact?.webhooks.stop();
      await relay.close();
      unsubscribe?.();
      disconnectValidators?.();
      await forge.close();
      await closeJira();
      await closeImpact();
      closeJiraState();
      closeImpactState();
      if (hadLocalFlag === undefined) delete process.env[LOCAL_FORGE_HOST_ENV];
      else process.env[LOCAL_FORGE_HOST_ENV] = hadLocalFlag;
    },
  };
}

/**
 * Until a GET answers (bounded). Connections kept alive to a relay that was just stopped fail once each; these
 * probes use them up, so the next request from this process reaches the new relay.
 */
async function untilAnswers(url: string, attempts = 20): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`${url} did not answer`);
}
