/** `createJiraSimulator(options)`: the Hono app and the handles tests, the Forge host and benchmarks use. */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { CallLog } from './call-log';
import { JiraError, SimulatedConnectionDrop } from './errors';
import { IssueEventBus, type IssueEventListener } from './events';
import { FaultRegistry } from './faults';
import { SearchPageStore, type RouteDeps, type SimEnv } from './http';
import type { Actor } from './issue-ops';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitConfig } from './rate-limit';
import { matchRoute } from './route-templates';
import { registerChangelogRoutes } from './routes/changelog';
import { registerCreateMetaRoutes } from './routes/createmeta';
import { registerIssueRoutes } from './routes/issues';
import { registerMetaRoutes } from './routes/meta';
import { registerSearchRoutes } from './routes/search';
import { createSeedHelpers, type SeedHelpers } from './seed';
import { SimState } from './state';
import { WorkflowValidators } from './workflow-validators';
import { meetFaults } from '../shared/fault-registry';
import { SimClock } from '../shared/sim-clock';
import { isSimControlPath, registerCommonControls, SimControlError, simControlGuard } from '../shared/sim-controls';
import { registerAgileRoutes } from './routes/agile';
import { registerSimSeedRoutes } from './routes/sim-seed';

export interface JiraSimulatorOptions {
  /** Simulator clock (ms since epoch): timestamps, JQL relative dates and rate-limit windows. */
  readonly now?: () => number;
  /** Used for `self` links; the HTTP server does not need to listen there. */
  readonly baseUrl?: string;
  /** accountId of the Forge app's user (accountType "app"). */
  readonly appAccountId?: string;
  /** `false` switches limits off; an object overrides the published numbers. */
  readonly rateLimits?: boolean | Partial<RateLimitConfig>;
  /** How added latency waits; tests may inject a fake. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onListenerError?: (error: unknown) => void;
  /** Bearer token for `/_sim/` (test controls); without one only loopback clients may use them. */
  readonly controlToken?: string;
}

export interface JiraSimulator {
  readonly app: Hono<SimEnv>;
  readonly state: SimState;
  readonly callLog: CallLog;
  readonly faults: FaultRegistry;
  readonly rateLimits: RateLimiter;
  readonly seed: SeedHelpers;
  /** Forge workflow validators on transitions and the app that runs them (workflow-validators.ts). */
  readonly workflowValidators: WorkflowValidators;
  readonly now: () => number;
  /** The simulator clock's offset (`/_sim/clock`): back-dates or forwards every timestamp Jira writes. */
  readonly clock: SimClock;
  /** Called after every request that may have changed state (persistence hooks in here). */
  onMutation(listener: MutationListener): () => void;
  /** Subscribe to issue events; returns the unsubscribe function. */
  onIssueEvent(listener: IssueEventListener): () => void;
}

/** After a write answered: the issue ids the route named (the store persists them). */
export type MutationListener = (touched: { readonly issueRefs: readonly string[] }) => void;

/** POSTs that only read (searches): nothing to persist after them. */
const READ_ONLY_POSTS = new Set(['/rest/api/3/search/jql', '/rest/api/3/changelog/bulkfetch']);

export const DEFAULT_APP_ACCOUNT_ID = '63e1f0c2a8b4d5e6f7a8b9c0';
export const FORGE_ACTOR_HEADER = 'x-forge-sim-actor';

function rateConfig(option: JiraSimulatorOptions['rateLimits']): RateLimitConfig {
  if (option === false) return { ...DEFAULT_RATE_LIMITS, enabled: false };
  if (option === true || option === undefined) return DEFAULT_RATE_LIMITS;
  return { ...DEFAULT_RATE_LIMITS, ...option };
}

/** Resolves the caller: the Forge host's actor header, or Basic auth from any email (unknown ones are created). */
function resolveActor(state: SimState, forgeActor: string | undefined, authorization: string | undefined): Actor | null {
  if (forgeActor !== undefined) {
    if (forgeActor === 'app') return { accountId: state.appAccountId, isApp: true };
    const accountId = forgeActor.startsWith('user:') ? forgeActor.slice('user:'.length) : undefined;
    const user = accountId === undefined ? undefined : state.users.get(accountId);
    return user ? { accountId: user.accountId, isApp: user.accountType === 'app' } : null;
  }
  const basic = authorization === undefined ? null : /^Basic\s+(\S+)$/i.exec(authorization);
  if (!basic?.[1]) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const email = decoded.slice(0, decoded.indexOf(':') >= 0 ? decoded.indexOf(':') : decoded.length);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) return null;
  const user = state.userForEmail(email);
  return { accountId: user.accountId, isApp: user.accountType === 'app' };
}

export function createJiraSimulator(options: JiraSimulatorOptions = {}): JiraSimulator {
  const baseNow = options.now ?? (() => Date.now());
  const clock = new SimClock(baseNow);
  const now = clock.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const state = new SimState(options.baseUrl ?? 'http://127.0.0.1:8789', options.appAccountId ?? DEFAULT_APP_ACCOUNT_ID);
  const callLog = new CallLog();
  const faults = new FaultRegistry();
  // Rate-limit windows run on the base clock: moving the simulated date does not refill or drain them.
  const rateLimits = new RateLimiter(rateConfig(options.rateLimits), baseNow);
  const bus = new IssueEventBus(options.onListenerError ?? ((error) => console.error('jira-sim: issue event listener failed', error)));
  const workflowValidators = new WorkflowValidators();
  const deps: RouteDeps = { state, now, bus, searchPages: new SearchPageStore(), validators: workflowValidators };
  const app = new Hono<SimEnv>();
  const mutationListeners = new Set<MutationListener>();
  const notifyMutation = (issueRefs: readonly string[]): void => {
    for (const listener of [...mutationListeners]) listener({ issueRefs });
  };

  // Outermost: faults act like the network and infrastructure in front of Jira; every outcome is logged.
  const logAndFaults: MiddlewareHandler<SimEnv> = async (c, next) => {
    if (isSimControlPath(c.req.path)) return next();
    const at = now();
    const method = c.req.method;
    const path = c.req.path;
    const route = matchRoute(path)?.template ?? path;
    const log = (status: number, rateLimitReason?: string): void => {
      const actor = c.get('actor') as Actor | undefined;
      callLog.record({ method, path, route, status, actor: actor?.accountId ?? null, actorIsApp: actor?.isApp ?? false, at, ...(rateLimitReason ? { rateLimitReason } : {}) });
    };
    const met = await meetFaults(faults.take(method, path), { sleep, log, dropped: () => new SimulatedConnectionDrop(`${method} ${path}`) });
    if (met.kind === 'status') {
      const { fault } = met;
      // An injected 429/503 may name its Retry-After, as Jira's do.
      if (fault.retryAfterSeconds !== undefined) c.header('Retry-After', String(fault.retryAfterSeconds));
      return c.json(fault.body ?? { errorMessages: [`jira-sim: injected ${fault.status} fault`], errors: {} }, fault.status as 500);
    }
    await next();
    if (met.dropResponse) {
      // Jira did the work; the caller never hears of it.
      log(0);
      throw new SimulatedConnectionDrop(`${method} ${path} (after Jira answered ${c.res.status})`);
    }
    log(c.res.status, c.res.headers.get('RateLimit-Reason') ?? undefined);
    if (method !== 'GET' && method !== 'HEAD' && !READ_ONLY_POSTS.has(route) && c.res.status < 400) notifyMutation([matchRoute(path)?.params['issueIdOrKey'] ?? ''].filter((r) => r.length > 0));
  };

  const authenticate: MiddlewareHandler<SimEnv> = async (c, next) => {
    if (isSimControlPath(c.req.path)) return next();
    const actor = resolveActor(state, c.req.header(FORGE_ACTOR_HEADER), c.req.header('authorization'));
    if (!actor) throw new JiraError(401, ['You are not authenticated. Authentication required to perform this operation.']);
    c.set('actor', actor);
    await next();
  };

  const limit: MiddlewareHandler<SimEnv> = async (c, next) => {
    if (isSimControlPath(c.req.path)) return next();
    const match = matchRoute(c.req.path);
    const issueRef = match?.params['issueIdOrKey'];
    const issueId = issueRef === undefined ? undefined : (state.findIssue(issueRef)?.id ?? issueRef);
    const refusal = rateLimits.check(c.req.method, match?.template ?? c.req.path, issueId);
    if (refusal) {
      throw new JiraError(429, ['Rate limit exceeded.'], {}, {
        'Retry-After': String(refusal.retryAfterSeconds),
        'X-RateLimit-Limit': String(refusal.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': new Date(refusal.resetAt).toISOString(),
        'RateLimit-Reason': refusal.reason,
      });
    }
    await next();
  };

  const noRoute = (c: Context) => c.json({ errorMessages: [`jira-sim: no route for ${c.req.method} ${c.req.path}`], errors: {} }, 404);
  const guard = simControlGuard({ token: options.controlToken, platformHeaders: [FORGE_ACTOR_HEADER] }, noRoute);
  app.use('*', async (c, next) => {
    if (!isSimControlPath(c.req.path)) return next();
    const refused = await guard(c, next);
    if (refused) return refused;
    // Control writes change state too: persist after them like after REST writes.
    if (c.req.method !== 'GET' && c.res.status < 400) notifyMutation([]);
  });
  app.use('*', logAndFaults, authenticate, limit);
  registerCommonControls(app, { faults, callLog, clock });
  registerSimSeedRoutes(app, deps, { seed: createSeedHelpers(state) });
  registerIssueRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerChangelogRoutes(app, deps);
  registerCreateMetaRoutes(app, deps);
  registerAgileRoutes(app, deps);

  app.notFound(noRoute);
  app.onError((error, c) => {
    if (error instanceof SimulatedConnectionDrop) throw error;
    if (error instanceof SimControlError) return c.json({ errorMessages: [error.message], errors: {} }, error.status);
    if (error instanceof JiraError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.body(), error.status as 400);
    }
    console.error('jira-sim: unexpected error', error);
    return c.json({ errorMessages: ['Internal server error'], errors: {} }, 500);
  });

  return {
    app,
    state,
    callLog,
    faults,
    rateLimits,
    seed: createSeedHelpers(state),
    workflowValidators,
    now,
    clock,
    onMutation: (listener) => {
      mutationListeners.add(listener);
      return () => {
        mutationListeners.delete(listener);
      };
    },
    onIssueEvent: (listener) => bus.subscribe(listener),
  };
}
