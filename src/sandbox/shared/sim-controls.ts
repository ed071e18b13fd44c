/**
 * The test controls both simulators serve under the reserved prefix `/_sim/`, so anything that speaks HTTP
 * (curl, an acceptance suite in another language, the e2e tests) can do what the jest harness does in process:
 * inject faults, read the call log from a cursor, move the clock. Each simulator adds its own seeding routes.
 *
 * Access: with a control token configured (`SIM_CONTROL_TOKEN` in the sandbox), every `/_sim/` request needs
 * `Authorization: Bearer <token>` (compared in constant time); without one, only loopback clients are served.
 * Requests made in process (`app.request`, no socket) are trusted: they come from the test itself. A request
 * carrying the Forge host's actor header is the app calling Jira: the real platform has no such route, so it
 * gets the simulator's ordinary 404.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Env, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { SequencedLog } from './call-log';
import type { FaultRegistry, FaultSpec } from './fault-registry';
import type { SimClock } from './sim-clock';

export const SIM_PREFIX = '/_sim';

export const isSimControlPath = (path: string): boolean => path === SIM_PREFIX || path.startsWith(`${SIM_PREFIX}/`);

/** One error type for the control surface; each simulator renders it in its own error shape. */
export class SimControlError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SimControlError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function remoteAddress(c: Context): string | undefined | null {
  // @hono/node-server puts the Node request in env.incoming; app.request() in a test has no env (null).
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  if (!env?.incoming) return null;
  return env.incoming.socket?.remoteAddress;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SimControlAccess {
  /** When set, `/_sim/` requires this Bearer token from every client; when unset, loopback clients only. */
  readonly token?: string | undefined;
  /** Headers that mark a request as the app's own platform call (never a test control). */
  readonly platformHeaders?: readonly string[];
}

export function simControlGuard(access: SimControlAccess, notFound: (c: Context) => Response): MiddlewareHandler {
  if (access.token !== undefined && access.token.length < 8) throw new Error('the simulator control token must be at least 8 characters');
  return async (c, next) => {
    if ((access.platformHeaders ?? []).some((h) => c.req.header(h) !== undefined)) return notFound(c);
    if (access.token !== undefined) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (bearer === undefined || !sameSecret(bearer, access.token)) throw new SimControlError(401, 'simulator controls need Authorization: Bearer <SIM_CONTROL_TOKEN>');
    } else {
      const address = remoteAddress(c);
      if (address !== null && (address === undefined || !LOOPBACK.has(address))) {
        throw new SimControlError(403, 'simulator controls answer loopback clients only; set SIM_CONTROL_TOKEN to allow others with a Bearer token');
      }
    }
    await next();
  };
}

/** Reads a JSON body and checks it with zod; failures are 400s naming the field. */
export async function controlBody<T>(c: { readonly req: { json(): Promise<unknown> } }, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new SimControlError(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new SimControlError(400, parsed.error.issues.slice(0, 10).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

const times = z.union([z.number().int().positive(), z.literal('always')]).optional();
const pattern = z.string().regex(/^([A-Za-z]+ )?\//, 'a pattern is `/path` or `METHOD /path` (`*` one segment, `**` any rest)');
const delayMs = z.number().int().min(0).max(120_000);

/** A fault over HTTP: the registry's FaultSpec plus its pattern; `times: "always"` never runs out. */
export const faultInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    pattern,
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    body: z.unknown().optional(),
    delayMs: delayMs.optional(),
    times,
  }),
  z.strictObject({ pattern, kind: z.literal('latency'), ms: delayMs, times }),
  z.strictObject({ pattern, kind: z.literal('drop'), delayMs: delayMs.optional(), times }),
]);
export type FaultInput = z.infer<typeof faultInputSchema>;

export function faultSpecOf(input: FaultInput): FaultSpec {
  const count = input.times === 'always' ? Infinity : (input.times ?? 1);
  switch (input.kind) {
    case 'status':
      return {
        kind: 'status',
        status: input.status,
        times: count,
        ...(input.retryAfterSeconds !== undefined ? { retryAfterSeconds: input.retryAfterSeconds } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.delayMs !== undefined ? { delayMs: input.delayMs } : {}),
      };
    case 'latency':
      return { kind: 'latency', ms: input.ms, times: count };
    case 'drop':
      return { kind: 'drop', times: count, ...(input.delayMs !== undefined ? { delayMs: input.delayMs } : {}) };
  }
}

/** JSON has no Infinity: a fault that never runs out shows `remaining: "always"`. */
function faultJson(f: { id: number; pattern: string; spec: FaultSpec; remaining: number }) {
  const { times: _times, ...spec } = f.spec;
  return { id: f.id, pattern: f.pattern, ...spec, remaining: Number.isFinite(f.remaining) ? f.remaining : 'always' };
}

const clockSchema = z.union([
  z.strictObject({ offsetMs: z.number().int() }),
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
]);

export interface CommonControlDeps<T extends object> {
  readonly faults: FaultRegistry;
  readonly callLog: SequencedLog<T>;
  readonly clock: SimClock;
}

function intQuery(c: { readonly req: { query(name: string): string | undefined } }, name: string, fallback: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new SimControlError(400, `${name} must be a non-negative integer`);
  return Math.min(value, max);
}

/**
 * `/_sim/faults`, `/_sim/calls`, `/_sim/clock` on a simulator's app (mount it before the simulator's own
 * routes; the guard must already apply to `/_sim/*`).
 */
export function registerCommonControls<E extends Env, T extends { readonly method: string; readonly route: string }>(app: Hono<E>, deps: CommonControlDeps<T>): void {
  const { faults, callLog, clock } = deps;

  app.get(`${SIM_PREFIX}/faults`, (c) => c.json({ faults: faults.list().map(faultJson) }));
  app.post(`${SIM_PREFIX}/faults`, async (c) => {
    const input = await controlBody(c, faultInputSchema);
    const id = faults.inject(input.pattern, faultSpecOf(input));
    const fault = faults.list().find((f) => f.id === id);
    if (!fault) throw new Error('the fault just injected is gone');
    return c.json({ fault: faultJson(fault) }, 201);
  });
  app.delete(`${SIM_PREFIX}/faults`, (c) => {
    faults.clear();
    return c.body(null, 204);
  });
  app.delete(`${SIM_PREFIX}/faults/:id`, (c) => {
    const id = Number(c.req.param('id'));
    if (!faults.list().some((f) => f.id === id)) throw new SimControlError(404, `no active fault ${c.req.param('id')}`);
    faults.remove(id);
    return c.body(null, 204);
  });

  app.get(`${SIM_PREFIX}/calls/cursor`, (c) => c.json({ cursor: callLog.cursor() }));
  app.get(`${SIM_PREFIX}/calls`, (c) => {
    const after = intQuery(c, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(c, 'limit', 500, 5000);
    const method = c.req.query('method')?.toUpperCase();
    const route = c.req.query('route');
    const page = callLog.page(after, limit, (e) => (method === undefined || e.method === method) && (route === undefined || e.route === route));
    return c.json({ calls: page.entries, cursor: page.cursor, hasMore: page.hasMore });
  });
  app.delete(`${SIM_PREFIX}/calls`, (c) => {
    callLog.clear();
    return c.body(null, 204);
  });

  const clockJson = () => ({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offsetMs });
  app.get(`${SIM_PREFIX}/clock`, (c) => c.json(clockJson()));
  app.put(`${SIM_PREFIX}/clock`, async (c) => {
    const input = await controlBody(c, clockSchema);
    if ('offsetMs' in input) clock.setOffset(input.offsetMs);
    else clock.setNow(Date.parse(input.now));
    return c.json(clockJson());
  });
}

/** The routes registerCommonControls serves, as a simulator's `GET /_sim` index lists them. */
const COMMON_CONTROL_ROUTES = [
  'GET /_sim/faults', 'POST /_sim/faults', 'DELETE /_sim/faults', 'DELETE /_sim/faults/{id}',
  'GET /_sim/calls?after=&limit=&method=&route=', 'GET /_sim/calls/cursor', 'DELETE /_sim/calls',
  'GET /_sim/clock', 'PUT /_sim/clock',
] as const;

/** `GET /_sim`: names the simulator and lists its control routes, the common ones first, then `ownRoutes`. */
export function registerSimIndex<E extends Env>(app: Hono<E>, simulator: string, ownRoutes: readonly string[]): void {
  app.get(SIM_PREFIX, (c) => c.json({ simulator, routes: [...COMMON_CONTROL_ROUTES, ...ownRoutes] }));
}
