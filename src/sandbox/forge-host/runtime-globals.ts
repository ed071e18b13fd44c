import { randomUUID } from 'node:crypto';
import type { InvocationContext } from './runtime-context';

/** The first argument @forge/* packages pass to `global.__forge_fetch__`. */
export interface ForgeFetchTarget {
  readonly type?: string;
  readonly provider?: string;
  readonly remote?: string;
  readonly accountId?: string;
  readonly contextAri?: string;
}

export type ForgeFetch = (target: ForgeFetchTarget, path: string, init?: RequestInit) => Promise<Response>;

export interface RuntimeIdentity {
  readonly appId: string;
  readonly appVersion: string;
  readonly environmentId: string;
  readonly environmentType: string;
  readonly installationId: string;
  readonly cloudId: string;
  readonly scopes: readonly string[];
  /** performance.now()-style monotonic clock for remaining-time computations. */
  readonly monotonicNow: () => number;
}

type ForgeGlobals = typeof globalThis & { __forge_runtime__?: unknown; __forge_fetch__?: unknown };

const noopMetric = {
  incr(): void {},
  incrBy(): void {},
  decr(): void {},
  decrBy(): void {},
  set(): void {},
  measure: () => ({ stop(): void {} }),
};

/**
 * Builds the `__forge_runtime__` object. Its invocation-specific fields are getters reading the
 * AsyncLocalStorage scope, so concurrent invocations each see their own ids.
 */
export function createRuntimeObject(identity: RuntimeIdentity, context: InvocationContext): object {
  const contextAri = `ari:cloud:jira::site/${identity.cloudId}`;
  const installationAri = `ari:cloud:ecosystem::installation/${identity.installationId}`;
  return {
    proxy: { token: 'forge-host-local', url: 'http://forge-host.invalid' },
    contextAri,
    container: { runtime: 'nodejs-local', handler: 'forge-host' },
    get appContext() {
      const scope = context.current();
      return {
        appId: identity.appId,
        appVersion: identity.appVersion,
        environmentId: identity.environmentId,
        environmentType: identity.environmentType,
        invocationId: scope?.invocationId ?? 'outside-invocation',
        installationId: identity.installationId,
        functionKey: scope?.functionKey ?? '',
        moduleType: scope?.moduleType ?? '',
        moduleKey: scope?.moduleKey ?? '',
        installation: { ari: { installationId: identity.installationId, toString: () => installationAri }, contexts: [{ cloudId: identity.cloudId, toString: () => contextAri }] },
        permissions: { scopes: [...identity.scopes], external: {} },
      };
    },
    get aaid() {
      return context.current()?.accountId;
    },
    get lambdaContext() {
      const scope = context.current();
      return {
        awsRequestId: scope?.invocationId ?? randomUUID(),
        getRemainingTimeInMillis: () => (scope ? Math.max(0, Math.round(scope.deadline - identity.monotonicNow())) : 0),
      };
    },
    tracing: { traceId: 'forge-host', spanId: 'forge-host' },
    realtime: {},
    metrics: { timing: () => noopMetric, counter: () => noopMetric, gauge: () => noopMetric },
    featureFlags: () => false,
  };
}

/** Installs the Forge runtime globals; the returned function puts back whatever was there before. */
export function installForgeGlobals(runtime: object, forgeFetch: ForgeFetch): () => void {
  const g = globalThis as ForgeGlobals;
  const before = { runtime: g.__forge_runtime__, fetch: g.__forge_fetch__ };
  const had = { runtime: '__forge_runtime__' in g, fetch: '__forge_fetch__' in g };
  g.__forge_runtime__ = runtime;
  g.__forge_fetch__ = forgeFetch;
  return () => {
    if (had.runtime) g.__forge_runtime__ = before.runtime;
    else delete g.__forge_runtime__;
    if (had.fetch) g.__forge_fetch__ = before.fetch;
    else delete g.__forge_fetch__;
  };
}
