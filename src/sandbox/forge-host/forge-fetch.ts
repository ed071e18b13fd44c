import type { InvocationContext } from './runtime-context';
import type { ForgeFetch, ForgeFetchTarget } from './runtime-globals';
import { handleKvsRequest } from './kvs-route';
import type { KvsStore } from './kvs-store';
import type { AsyncEventQueue } from './queue';
import { sendToJira, type JiraTarget } from './jira-target';
import type { FidelityRuntime } from './fidelity';
import { unitsOf, type KvsOpKind, type KvsQuota } from './kvs-quota';

export interface ForgeFetchDeps {
  readonly kvs: KvsStore;
  readonly queue: AsyncEventQueue;
  readonly jira: JiraTarget | undefined;
  readonly context: InvocationContext;
  /** `url` for a web trigger key, or undefined when the host is not serving HTTP yet. */
  readonly webTriggerUrl: (key: string) => string | undefined;
  readonly webTriggerKeys: () => readonly string[];
  /** Latency profile for KVS and Jira calls (none in deterministic mode). */
  readonly fidelity: FidelityRuntime;
  /** KVS request and unit quotas; undefined = unlimited. */
  readonly kvsQuota: KvsQuota | undefined;
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** The header @forge/api turns into ProxyRequestError / NeedsAuthenticationError. */
const proxyError = (status: number, reason: string): Response => new Response(null, { status, headers: { 'forge-proxy-error': reason } });

async function bodyText(init: RequestInit | undefined): Promise<string> {
  const body = init?.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  return new Response(body).text();
}

/** Routes every `__forge_fetch__` call the @forge packages make to the local service that answers it. */
export function createForgeFetch(deps: ForgeFetchDeps): ForgeFetch {
  return async (target: ForgeFetchTarget, path: string, init?: RequestInit): Promise<Response> => {
    if (target.type === 'kvs') {
      await deps.fidelity.latency('kvs');
      const raw = await bodyText(init);
      const charge = kvsCharge(path, raw);
      if (deps.kvsQuota && !deps.kvsQuota.admit(charge.kind, charge.units)) {
        return json(429, { code: 'RATE_LIMIT_EXCEEDED', message: 'The KVS rate limit for this installation was exceeded' });
      }
      const response = handleKvsRequest(deps.kvs, path, raw);
      if (deps.kvsQuota && charge.kind === 'read') {
        const bytes = Buffer.byteLength(await response.clone().text());
        deps.kvsQuota.chargeRead(Math.max(0, unitsOf(bytes) - charge.units));
      }
      return response;
    }
    switch (target.remote) {
      case 'stargate':
        if (path.startsWith('/webhook/queue/')) return deps.queue.handleWire(path, await bodyText(init));
        if (path === '/graphql') return graphql(deps, await bodyText(init));
        return proxyError(404, 'INVALID_REMOTE_ERR');
      case 'jira': {
        if (!deps.jira) return json(503, { errorMessages: ['The local Forge host has no Jira target configured'] });
        await deps.fidelity.latency('jira');
        if (target.provider === 'user') {
          const accountId = target.accountId ?? deps.context.current()?.accountId;
          if (!accountId) return proxyError(401, 'NEEDS_AUTHENTICATION_ERR');
          return sendToJira(deps.jira, { kind: 'user', accountId }, path, init);
        }
        return sendToJira(deps.jira, { kind: 'app' }, path, init);
      }
      default:
        return proxyError(400, 'INVALID_REMOTE_ERR');
    }
  };
}

/** What a KVS request costs before it runs: one unit per item at least, writes by their size (kvs-quota.ts). */
function kvsCharge(path: string, raw: string): { kind: KvsOpKind; units: number } {
  const op = path.replace(/^\/api\/v1\//, '').replace(/^(secret|entity)\//, '');
  const kind: KvsOpKind = op === 'get' || op === 'query' || op === 'batch/get' ? 'read' : 'write';
  let items: unknown[];
  try {
    const body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
    if (Array.isArray(body)) items = body;
    else if (op === 'transaction' && body && typeof body === 'object') {
      const t = body as { set?: unknown[]; delete?: unknown[] };
      items = [...(t.set ?? []), ...(t.delete ?? [])];
    } else items = [body];
  } catch {
    items = [raw];
  }
  const units = kind === 'read' ? Math.max(1, items.length) : items.reduce<number>((sum, item) => sum + unitsOf(Buffer.byteLength(JSON.stringify(item ?? null))), 0);
  return { kind, units: Math.max(1, units) };
}

/** The three web trigger GraphQL operations @forge/api's `webTrigger` sends to stargate. */
function graphql(deps: ForgeFetchDeps, raw: string): Response {
  let parsed: { query?: unknown; variables?: Record<string, unknown> };
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    return json(400, { errors: [{ message: 'invalid JSON' }] });
  }
  const query = typeof parsed.query === 'string' ? parsed.query : '';
  const vars = parsed.variables ?? {};
  if (query.includes('createWebTriggerUrl')) {
    const input = vars.input as { triggerKey?: unknown } | undefined;
    const key = typeof input?.triggerKey === 'string' ? input.triggerKey : '';
    if (!deps.webTriggerKeys().includes(key)) return json(200, { data: { createWebTriggerUrl: null }, errors: [{ message: `unknown web trigger '${key}'` }] });
    const url = deps.webTriggerUrl(key);
    if (!url) return new Response('web trigger server not started', { status: 503, statusText: 'Forge host HTTP server is not started' });
    return json(200, { data: { createWebTriggerUrl: { url } } });
  }
  if (query.includes('webTriggerUrlsByAppContext')) {
    const urls = deps.webTriggerKeys().flatMap((triggerKey) => {
      const url = deps.webTriggerUrl(triggerKey);
      return url ? [{ triggerKey, url }] : [];
    });
    return json(200, { data: { webTriggerUrlsByAppContext: urls } });
  }
  if (query.includes('deleteWebTriggerUrl')) {
    // Local URLs are derived from the key, so "deleting" one only acknowledges it.
    return json(200, { data: { deleteWebTriggerUrl: { success: true, message: null } } });
  }
  return json(200, { errors: [{ message: 'operation not supported by the local Forge host' }] });
}
