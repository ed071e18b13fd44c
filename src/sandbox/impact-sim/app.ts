/** `createImpactSimulator(options)`: the Hono app and the handles tests, the sandbox and benchmarks use. */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { IMPACT_API_PREFIX, type AnyImpactEventName, type ImpactUser } from '../../shared/impact';
import { createAdmin, type ImpactAdmin } from './admin';
import { createTokenMatcher, type ImpactApiClient } from './auth';
import { ImpactCallLog } from './call-log';
import { codeForStatus, ImpactApiFailure, ImpactConnectionDrop } from './errors';
import { ImpactFaultRegistry } from './faults';
import { FollowUpBoard } from './follow-ups';
import { routeTemplate, type ImpactSimEnv } from './http';
import { NoteBook } from './notes';
import { IncidentOps } from './ops';
import { registerAdminRoutes } from './routes/admin';
import { registerApiRoutes } from './routes/api';
import { registerDirectoryRoutes } from './routes/directory';
import { registerFollowUpRoutes } from './routes/follow-ups';
import { registerNoteRoutes } from './routes/notes';
import { ImpactStore } from './store';
import { DEFAULT_WEBHOOK_RETRY, WebhookDispatcher, type WebhookRetryPolicy } from './webhooks';
import { meetFaults } from '../shared/fault-registry';
import { SimClock } from '../shared/sim-clock';
import { isSimControlPath, registerCommonControls, SimControlError, simControlGuard } from '../shared/sim-controls';
import { registerSimControlRoutes } from './routes/sim-controls';

export interface ImpactSimulatorOptions {
  /** Simulator clock (ms since epoch): timestamps, `occurred_at`, webhook signature timestamps. */
  readonly now?: () => number;
  /** The relay's `POST /v1/impact` URL; without one, webhooks are recorded as `skipped`. */
  readonly webhookUrl?: string;
  /** HMAC secret shared with the relay (`X-Hub-Signature-256`). */
  readonly webhookSecret: string;
  /** Bearer tokens accepted by the API; a bare string belongs to client `api-client`. */
  readonly apiTokens: readonly (string | ImpactApiClient)[];
  /** How webhooks are sent (default: global fetch). */
  readonly fetch?: typeof fetch;
  readonly webhookRetry?: Partial<WebhookRetryPolicy>;
  /** How webhook backoff waits; tests may inject an instant or recording one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Used for incident `url`s; the server does not need to listen there. */
  readonly baseUrl?: string;
  /** People Impact knows from the start (commanders are named by email in the API). */
  readonly users?: readonly ImpactUser[];
  /** Generated ids are `<prefix><n>`: default `INC-` from 1. */
  readonly incidentIdPrefix?: string;
  readonly firstIncidentNumber?: number;
  readonly onWebhookError?: (error: unknown) => void;
  /** Bearer token for `/_sim/` (test controls); without one only loopback clients may use them. */
  readonly controlToken?: string;
  /** The webhook subscription's events (default: the incident events, `DEFAULT_WEBHOOK_EVENTS`). */
  readonly webhookEvents?: readonly AnyImpactEventName[];
}

export interface ImpactSimulator {
  readonly app: Hono<ImpactSimEnv>;
  readonly store: ImpactStore;
  /** Create/update incidents and key events as a person in Impact would (fires webhooks). */
  readonly admin: ImpactAdmin;
  /** Incident notes (people and API clients write them; `incident.note_*` webhooks). */
  readonly notes: NoteBook;
  /** Follow-ups / action items (`incident.follow_up_*` webhooks). */
  readonly followUps: FollowUpBoard;
  readonly webhooks: WebhookDispatcher;
  readonly callLog: ImpactCallLog;
  readonly faults: ImpactFaultRegistry;
  readonly now: () => number;
  /** The simulator clock's offset (`/_sim/clock`). */
  readonly clock: SimClock;
  /** Called after every write request that succeeded (persistence hooks in here). */
  onMutation(listener: () => void): () => void;
}

export const DEFAULT_IMPACT_SIM_PORT = 8790;

export function createImpactSimulator(options: ImpactSimulatorOptions): ImpactSimulator {
  // Webhook signatures use the base clock: the relay checks them against real time, whatever the simulated date.
  const baseNow = options.now ?? (() => Date.now());
  const clock = new SimClock(baseNow);
  const now = clock.now;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const store = new ImpactStore(options.baseUrl ?? `http://127.0.0.1:${DEFAULT_IMPACT_SIM_PORT}`, options.firstIncidentNumber ?? 1, options.incidentIdPrefix ?? 'INC-');
  for (const user of options.users ?? []) store.upsertUser(user);
  const webhooks = new WebhookDispatcher({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    now: baseNow,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retry: { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.onWebhookError ? { onError: options.onWebhookError } : {}),
    ...(options.webhookEvents ? { events: options.webhookEvents } : {}),
  });
  const ops = new IncidentOps(store, webhooks, now);
  const admin = createAdmin(store, ops, now);
  const notes = new NoteBook(store, webhooks, now);
  const followUps = new FollowUpBoard(store, webhooks, now);
  const callLog = new ImpactCallLog();
  const faults = new ImpactFaultRegistry();
  const app = new Hono<ImpactSimEnv>();
  const mutationListeners = new Set<() => void>();
  const notifyMutation = (): void => {
    for (const listener of [...mutationListeners]) listener();
  };

  // Outermost: faults act like the network in front of Impact; every outcome is logged.
  const logAndFaults: MiddlewareHandler<ImpactSimEnv> = async (c, next) => {
    if (isSimControlPath(c.req.path)) return next();
    const at = now();
    const { method, path } = c.req;
    const log = (status: number): void => {
      const client = c.get('client') as ImpactApiClient | undefined;
      callLog.record({ method, path, route: routeTemplate(path), surface: path.startsWith(`${IMPACT_API_PREFIX}/`) ? 'api' : 'admin', status, client: client?.client ?? null, at });
    };
    const met = await meetFaults(faults.take(method, path), { sleep, log, dropped: () => new ImpactConnectionDrop(`${method} ${path}`) });
    if (met.kind === 'status') {
      const { fault } = met;
      const failure = new ImpactApiFailure(codeForStatus(fault.status), `impact-sim: injected ${fault.status} fault`, undefined, {}, fault.status);
      if (fault.retryAfterSeconds !== undefined || fault.status === 429) c.header('Retry-After', String(fault.retryAfterSeconds ?? 1));
      return c.json(fault.body ?? failure.body(), fault.status as 500);
    }
    await next();
    if (met.dropResponse) {
      // Impact did the work (and fired its webhook); the caller never hears of it.
      log(0);
      throw new ImpactConnectionDrop(`${method} ${path} (after Impact answered ${c.res.status})`);
    }
    log(c.res.status);
    if (method !== 'GET' && method !== 'HEAD' && c.res.status < 400) notifyMutation();
  };

  const noRoute = (c: Context) => c.json(new ImpactApiFailure('not_found', `impact-sim: no route for ${c.req.method} ${c.req.path}`).body(), 404);
  const guard = simControlGuard({ token: options.controlToken }, noRoute);
  app.use('*', async (c, next) => {
    if (!isSimControlPath(c.req.path)) return next();
    const refused = await guard(c, next);
    if (refused) return refused;
    if (c.req.method !== 'GET' && c.res.status < 400) notifyMutation();
  });
  app.use('*', logAndFaults);
  registerCommonControls(app, { faults, callLog, clock });
  registerSimControlRoutes(app, { store, admin, webhooks });
  registerApiRoutes(app, { store, ops, now, authenticate: createTokenMatcher(options.apiTokens) });
  registerDirectoryRoutes(app, { store });
  registerNoteRoutes(app, { notes, webhooks });
  registerFollowUpRoutes(app, { followUps, store, webhooks });
  registerAdminRoutes(app, { admin, store, webhooks, notes, followUps });

  app.notFound(noRoute);
  app.onError((error, c) => {
    if (error instanceof ImpactConnectionDrop) throw error;
    if (error instanceof SimControlError) return c.json(new ImpactApiFailure(codeForStatus(error.status), error.message, undefined, {}, error.status).body(), error.status);
    if (error instanceof ImpactApiFailure) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.body(), error.status as 400);
    }
    console.error('impact-sim: unexpected error', error);
    return c.json(new ImpactApiFailure('unavailable', 'internal error', undefined, {}, 500).body(), 500);
  });

  return {
    app,
    store,
    admin,
    notes,
    followUps,
    webhooks,
    callLog,
    faults,
    now,
    clock,
    onMutation(listener) {
      mutationListeners.add(listener);
      return () => {
        mutationListeners.delete(listener);
      };
    },
  };
}
