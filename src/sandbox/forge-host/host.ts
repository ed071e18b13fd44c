import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { openHostDatabase, type SqliteDatabase } from './database';
import { createForgeFetch } from './forge-fetch';
import { createHostHttpApp } from './http-app';
import { InvocationLog } from './invocation-log';
import { Invoker, type HandlersModule, type InvocationResult, type TimeLimitOverrides } from './invoker';
import type { JiraTarget } from './jira-target';
import { KvsStore } from './kvs-store';
import { loadManifest, type ForgeManifest, type ManifestScheduledTrigger } from './manifest';
import { AsyncEventQueue, DEFAULT_MAX_RETRIES, QUEUE_LIMITS } from './queue';
import { InvocationContext } from './runtime-context';
import { createRuntimeObject, installForgeGlobals } from './runtime-globals';
import { FidelityRuntime, fidelityFromEnv, type HostFidelity } from './fidelity';
import { KvsQuota } from './kvs-quota';

export interface ForgeHostOptions {
  readonly manifestPath: string;
  /** The module whose exports the manifest `handler:` entries name (e.g. `require('../../forge/index')`). */
  readonly handlers: HandlersModule;
  /** SQLite file, or ':memory:'. */
  readonly databasePath: string;
  readonly clock?: () => number;
  /** Monotonic clock for durations and time limits; defaults to performance.now. */
  readonly monotonicNow?: () => number;
  /** The app's own user account (product events by it are dropped by `ignoreSelf`). */
  readonly appAccountId?: string;
  readonly cloudId?: string;
  readonly siteUrl?: string;
  readonly environmentId?: string;
  /** User that Custom UI resolver calls run as when the request names none. */
  readonly defaultUserAccountId?: string;
  readonly jira?: JiraTarget;
  readonly timeLimits?: TimeLimitOverrides;
  readonly queue?: { readonly workers?: number; readonly maxRetries?: number; readonly eventsPerMinute?: number | null; readonly pollMs?: number };
  /** Base URL web trigger URLs are built on; defaults to the address `start()` binds. */
  readonly publicBaseUrl?: string;
  /**
   * Delivery fidelity (fidelity.ts). Unset fields come from the FORGE_HOST_* environment (default: Forge
   * behaviour, time factor 1); `{ mode: 'deterministic' }` gives FIFO delivery with no waits.
   */
  readonly fidelity?: Partial<HostFidelity>;
  /** KVS quotas per installation (kvs-quota.ts: 1,000 req/s, 4,000 read and 4,000 write units/min); default on. */
  readonly kvsQuota?: boolean;
}

/** A product event as Jira delivers it to a Forge trigger (`avi:jira:updated:issue`, ...). */
export interface ProductEvent {
  readonly eventType: string;
  readonly atlassianId?: string;
  /** Set by the Jira simulator when the change was made by the app itself. */
  readonly isAppActor?: boolean;
  readonly [field: string]: unknown;
}

export type TriggerDelivery =
  | { readonly triggerKey: string; readonly status: 'invoked'; readonly result: InvocationResult }
  | { readonly triggerKey: string; readonly status: 'ignored-self' };

export interface ForgeHost {
  readonly manifest: ForgeManifest;
  readonly kvs: KvsStore;
  readonly queue: AsyncEventQueue;
  readonly invocations: InvocationLog;
  readonly appAccountId: string;
  readonly cloudId: string;
  /** The delivery fidelity in force (with its seed, to replay a run). */
  readonly fidelity: HostFidelity;
  /** The KVS quota meter (undefined when `kvsQuota: false`). */
  readonly kvsQuota: KvsQuota | undefined;
  /** Installs the Forge runtime globals (done by the factory) and returns nothing; `uninstall` restores them. */
  uninstall(): void;
  start(options?: { port?: number; host?: string; scheduleTimers?: boolean }): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  /** The URL `webTrigger.getUrl(key)` returns; undefined before `start()` unless publicBaseUrl was given. */
  webTriggerUrl(key: string): string | undefined;
  /** In-process HTTP entry (same routes as the server): web triggers, resolvers, static resources. */
  request(input: Request): Promise<Response>;
  deliverProductEvent(event: ProductEvent): Promise<TriggerDelivery[]>;
  /**
   * Installs the app on the site: delivers `avi:forge:installed:app` to the triggers that listen for it.
   * `{ reinstall: true }` first removes all app storage (KVS, secrets, entities): "when a customer reinstalls
   * an app ... data from the previous installation is not automatically restored" [D storage-reference];
   * Jira keeps its issues and their entity properties.
   */
  installApp(options?: { readonly reinstall?: boolean; readonly installerAccountId?: string }): Promise<TriggerDelivery[]>;
  runScheduledTrigger(key: string): Promise<InvocationResult>;
  /**
   * Invokes the function of the `jira:workflowValidator` module `key` with Jira's payload, as Jira does on a
   * transition that carries it. The function runs as the app (no principal: asUser is unavailable to it).
   */
  runWorkflowValidator(key: string, payload: unknown): Promise<InvocationResult>;
}

const INTERVAL_MS: Record<ManifestScheduledTrigger['interval'], number> = { fiveMinute: 300_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

function isSelfEvent(event: ProductEvent, appAccountId: string): boolean {
  const user = event.user as { accountId?: unknown } | undefined;
  return event.isAppActor === true || event.atlassianId === appAccountId || user?.accountId === appAccountId;
}

/**
 * The payload a trigger receives: the event without the simulator's actor flags (`isAppActor`, `actorIsApp`: no
 * Forge field), and, for a self-generated event that reaches a trigger without `ignoreSelf`, Forge's marker:
 * "self-generated events will still be delivered to your app with a `selfGenerated` property set to true"
 * [D https://developer.atlassian.com/platform/forge/events-reference/product_events/ "Detect and filter
 * self-generated events"]. Whether Forge sends `selfGenerated: false` on other events is not documented [U]: omitted.
 */
function triggerPayload(event: ProductEvent, self: boolean): Record<string, unknown> {
  const { isAppActor: _hostFlag, actorIsApp: _simFlag, ...forgeFields } = event;
  return self ? { ...forgeFields, selfGenerated: true } : forgeFields;
}

/**
 * Trigger `filter.expression` [D manifest-reference/modules/trigger]: "an expression used to filter out
 * unwanted events", shown once as `event.issue.fields?.issueType.name == 'Bug'`, with onError choices. The docs
 * name no grammar, no list of the event fields it can read (labels? entity properties?) and no evaluation
 * rules (null handling, types), so the host cannot evaluate one faithfully. Delivering every event instead
 * would show the app events Forge filters out; dropping them would hide ones it delivers. The host refuses
 * such a manifest rather than guess.
 */
function refuseFilterExpressions(manifest: ForgeManifest): void {
  const filtered = manifest.triggers.filter((t) => t.filter?.expression !== undefined);
  if (filtered.length > 0) {
    throw new Error(
      `trigger ${filtered.map((t) => `'${t.key}'`).join(', ')} uses filter.expression, which the local Forge host does not evaluate (its language is not documented well enough to emulate); decide in the handler from the event instead`,
    );
  }
}

/** Builds a local Forge runtime for one app installation. Installs the Forge globals immediately. */
export function createForgeHost(options: ForgeHostOptions): ForgeHost {
  const manifest = loadManifest(options.manifestPath);
  refuseFilterExpressions(manifest);
  const clock = options.clock ?? Date.now;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const cloudId = options.cloudId ?? '00000000-0000-4000-8000-00000000c10d';
  const appAccountId = options.appAccountId ?? 'forge-app-account';
  const siteUrl = options.siteUrl ?? 'http://localhost:8789';
  const installationId = `${cloudId}-install`;
  const db: SqliteDatabase = openHostDatabase(options.databasePath);
  const context = new InvocationContext();
  const log = new InvocationLog();
  const kvs = new KvsStore(db, clock);
  const kvsQuota = options.kvsQuota === false ? undefined : new KvsQuota(clock);
  const fidelity = new FidelityRuntime(fidelityFromEnv(process.env, options.fidelity));
  const invoker = new Invoker({ manifest, handlers: options.handlers, context, log, clock, monotonicNow, limits: options.timeLimits ?? {}, beforeStart: () => fidelity.latency('invocationStart') });
  const installContext = `ari:cloud:jira::site/${cloudId}`;
  const invocationContext = (accountId?: string): Record<string, unknown> => ({
    installContext,
    installation: { ari: `ari:cloud:ecosystem::installation/${installationId}`, contexts: [installContext] },
    ...(accountId ? { principal: { accountId } } : {}),
  });
  const queue = new AsyncEventQueue({
    db,
    clock,
    manifest,
    invoker,
    invocationContext: () => invocationContext(),
    workers: options.queue?.workers ?? 4,
    maxRetries: options.queue?.maxRetries ?? DEFAULT_MAX_RETRIES,
    eventsPerMinute: options.queue?.eventsPerMinute === undefined ? QUEUE_LIMITS.eventsPerMinute : options.queue.eventsPerMinute,
    pollMs: options.queue?.pollMs ?? 250,
    fidelity,
    monotonicNow,
  });
  let baseUrl = options.publicBaseUrl;
  const webTriggerUrl = (key: string): string | undefined => (baseUrl ? `${baseUrl.replace(/\/+$/, '')}/x1/${encodeURIComponent(key)}` : undefined);
  const forgeFetch = createForgeFetch({ kvs, queue, jira: options.jira, context, webTriggerUrl, webTriggerKeys: () => manifest.webtriggers.map((w) => w.key), fidelity, kvsQuota });
  const runtime = createRuntimeObject(
    { appId: manifest.appId, appVersion: '1.0.0', environmentId: options.environmentId ?? 'local-development', environmentType: 'DEVELOPMENT', installationId, cloudId, scopes: manifest.scopes, monotonicNow },
    context,
  );
  let restore: (() => void) | undefined = installForgeGlobals(runtime, forgeFetch);
  const app = createHostHttpApp({ manifest, invoker, cloudId, siteUrl, defaultAccountId: options.defaultUserAccountId, invocationContext });
  let server: ServerType | undefined;
  const timers: NodeJS.Timeout[] = [];

  const runScheduledTrigger = (key: string): Promise<InvocationResult> => {
    const trigger = manifest.scheduledTriggers.find((s) => s.key === key);
    if (!trigger) return Promise.reject(new Error(`unknown scheduled trigger '${key}'`));
    const event = { context: { cloudId, moduleKey: key } };
    return invoker.invoke({ functionKey: trigger.function, moduleKey: key, kind: 'scheduledTrigger', accountId: undefined, args: [event, invocationContext()] });
  };

  const deliverProductEvent = async (event: ProductEvent): Promise<TriggerDelivery[]> => {
    const deliveries: TriggerDelivery[] = [];
    for (const trigger of manifest.triggers.filter((t) => t.events.includes(event.eventType))) {
      const self = isSelfEvent(event, appAccountId);
      if (trigger.filter?.ignoreSelf && self) {
        deliveries.push({ triggerKey: trigger.key, status: 'ignored-self' });
        continue;
      }
      const actor = typeof event.atlassianId === 'string' ? event.atlassianId : undefined;
      const payload = { ...triggerPayload(event, self), context: { cloudId, moduleKey: trigger.key }, contextToken: randomUUID() };
      const result = await invoker.invoke({ functionKey: trigger.function, moduleKey: trigger.key, kind: 'trigger', accountId: actor, args: [payload, invocationContext(actor)] });
      deliveries.push({ triggerKey: trigger.key, status: 'invoked', result });
    }
    return deliveries;
  };

  return {
    manifest,
    kvs,
    queue,
    invocations: log,
    appAccountId,
    cloudId,
    fidelity: fidelity.settings,
    kvsQuota,
    uninstall(): void {
      restore?.();
      restore = undefined;
    },
    async start(startOptions = {}) {
      if (server) throw new Error('forge host already started');
      const host = startOptions.host ?? '127.0.0.1';
      const s = createAdaptorServer({ fetch: app.fetch, hostname: host });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(startOptions.port ?? 0, host, () => resolve());
      });
      const port = (s.address() as AddressInfo).port;
      const url = `http://${host}:${port}`;
      baseUrl = options.publicBaseUrl ?? url;
      if (startOptions.scheduleTimers) {
        for (const trigger of manifest.scheduledTriggers) {
          const t = setInterval(() => void runScheduledTrigger(trigger.key), INTERVAL_MS[trigger.interval]);
          t.unref();
          timers.push(t);
        }
      }
      queue.kick();
      return { port, url };
    },
    async close() {
      for (const t of timers.splice(0)) clearInterval(t);
      queue.close();
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      restore?.();
      restore = undefined;
      db.close();
    },
    webTriggerUrl,
    async request(input: Request) {
      return app.fetch(input);
    },
    deliverProductEvent,
    async installApp(installOptions = {}) {
      if (installOptions.reinstall) kvs.clearAll();
      // Payload [D events-reference/life-cycle]: id, installerAccountId?, app {id, version}, environment?.
      return deliverProductEvent({
        eventType: 'avi:forge:installed:app',
        id: installationId,
        ...(installOptions.installerAccountId ? { installerAccountId: installOptions.installerAccountId } : {}),
        app: { id: manifest.appId, version: '1.0.0' },
        environment: { id: options.environmentId ?? 'local-development' },
      });
    },
    runScheduledTrigger,
    async runWorkflowValidator(key: string, payload: unknown) {
      const validator = manifest.workflowValidators.find((v) => v.key === key);
      if (!validator) throw new Error(`unknown jira:workflowValidator '${key}'`);
      if (!validator.function) throw new Error(`jira:workflowValidator '${key}' is an expression validator; the local host runs only function validators`);
      // The payload goes as Jira documents it (issue key, from/to status ids); the second argument is the invocation context.
      return invoker.invoke({ functionKey: validator.function, moduleKey: key, kind: 'workflowValidator', accountId: undefined, args: [payload, invocationContext()] });
    },
  };
}
