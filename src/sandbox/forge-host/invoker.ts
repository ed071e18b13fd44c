import { randomUUID } from 'node:crypto';
import { handlerExportName, isAsyncOnlyFunction, type ForgeManifest, type InvocationKind } from './manifest';
import type { InvocationLog, InvocationOutcome } from './invocation-log';
import type { InvocationContext } from './runtime-context';

/** The handlers module: one export per manifest function handler. */
export type HandlersModule = Readonly<Record<string, unknown>>;

/** Time limits in milliseconds; omitted entries use Forge's published values. */
export interface TimeLimitOverrides {
  /** Resolvers, product triggers and workflow validators: 25 s. */
  readonly defaultMs?: number;
  /** Web triggers: 55 s. */
  readonly webTriggerMs?: number;
  /** Consumer / scheduled trigger: the function's timeoutSeconds (only-async functions), else 55 s. */
  readonly asyncMs?: number;
}

export const FORGE_DEFAULT_LIMIT_MS = 25_000;
export const FORGE_WEBTRIGGER_LIMIT_MS = 55_000;
export const FORGE_ASYNC_DEFAULT_LIMIT_MS = 55_000;

export type InvocationResult =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'timeout'; readonly limitMs: number };

export interface InvokeRequest {
  readonly functionKey: string;
  readonly moduleKey: string;
  readonly kind: InvocationKind;
  readonly accountId: string | undefined;
  readonly args: readonly unknown[];
  /** Lets the queue mark a returned InvocationError as a retry request in the log. */
  readonly classify?: (value: unknown) => InvocationOutcome;
}

export interface InvokerDeps {
  readonly manifest: ForgeManifest;
  readonly handlers: HandlersModule;
  readonly context: InvocationContext;
  readonly log: InvocationLog;
  readonly clock: () => number;
  readonly monotonicNow: () => number;
  readonly limits: TimeLimitOverrides;
  /** Waited before each invocation starts and before its time limit runs (the latency profile). */
  readonly beforeStart?: () => Promise<void>;
}

/** Runs one manifest function the way Forge does: in its own scope, under its time limit, logged. */
export class Invoker {
  constructor(private readonly deps: InvokerDeps) {}

  limitFor(functionKey: string, kind: InvocationKind): number {
    const { manifest, limits } = this.deps;
    switch (kind) {
      case 'webtrigger':
        return limits.webTriggerMs ?? FORGE_WEBTRIGGER_LIMIT_MS;
      case 'consumer':
      case 'scheduledTrigger': {
        if (limits.asyncMs !== undefined) return limits.asyncMs;
        const fn = manifest.functions.get(functionKey);
        const seconds = fn?.timeoutSeconds;
        return seconds !== undefined && isAsyncOnlyFunction(manifest, functionKey) ? seconds * 1000 : FORGE_ASYNC_DEFAULT_LIMIT_MS;
      }
      case 'trigger':
      case 'resolver':
      case 'workflowValidator':
        return limits.defaultMs ?? FORGE_DEFAULT_LIMIT_MS;
    }
  }

  async invoke(req: InvokeRequest): Promise<InvocationResult> {
    const { context, log, clock, monotonicNow } = this.deps;
    const handler = this.resolveHandler(req.functionKey);
    const limitMs = this.limitFor(req.functionKey, req.kind);
    await this.deps.beforeStart?.();
    const invocationId = randomUUID();
    const startedAt = clock();
    const t0 = monotonicNow();
    const scope = { invocationId, functionKey: req.functionKey, moduleKey: req.moduleKey, moduleType: req.kind, accountId: req.accountId, deadline: t0 + limitMs };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<InvocationResult>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout', limitMs }), limitMs);
    });
    // The handler cannot be killed: on timeout it keeps running detached, as a frozen Lambda would not.
    const run = context
      .run(scope, async () => handler(...req.args))
      .then(
        (value): InvocationResult => ({ kind: 'ok', value }),
        (error: unknown): InvocationResult => ({ kind: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
      );
    const result = await Promise.race([run, timeout]);
    clearTimeout(timer);
    const outcome: InvocationOutcome = result.kind === 'ok' ? (req.classify?.(result.value) ?? 'ok') : result.kind === 'timeout' ? 'timeout' : 'error';
    log.record({
      invocationId,
      functionKey: req.functionKey,
      moduleKey: req.moduleKey,
      kind: req.kind,
      startedAt,
      durationMs: monotonicNow() - t0,
      outcome,
      ...(result.kind === 'error' ? { error: `${result.error.name}: ${result.error.message}` } : {}),
      ...(result.kind === 'timeout' ? { error: `timed out after ${limitMs} ms` } : {}),
    });
    return result;
  }

  private resolveHandler(functionKey: string): (...args: readonly unknown[]) => unknown {
    const fn = this.deps.manifest.functions.get(functionKey);
    if (!fn) throw new Error(`unknown function '${functionKey}'`);
    const exported = this.deps.handlers[handlerExportName(fn)];
    if (typeof exported !== 'function') throw new Error(`handler '${fn.handler}' is not an exported function`);
    return exported as (...args: readonly unknown[]) => unknown;
  }
}
