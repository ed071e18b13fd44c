import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-invocation facts the Forge runtime globals expose while a handler runs. */
export interface InvocationScope {
  readonly invocationId: string;
  readonly functionKey: string;
  readonly moduleKey: string;
  readonly moduleType: string;
  /** The user the invocation runs for (resolver caller, event actor); undefined for app-only work. */
  readonly accountId: string | undefined;
  /** Real-time deadline (performance.now() based) for getRemainingTimeInMillis. */
  readonly deadline: number;
}

/** Holds the scope of the invocation currently running, across awaits, without globals of our own. */
export class InvocationContext {
  private readonly storage = new AsyncLocalStorage<InvocationScope>();

  run<T>(scope: InvocationScope, fn: () => Promise<T>): Promise<T> {
    return this.storage.run(scope, fn);
  }

  current(): InvocationScope | undefined {
    return this.storage.getStore();
  }
}
