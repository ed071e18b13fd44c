/**
 * The one typed way the pages call resolvers: function keys and payload/result types come from the shared
 * contract (src/forge/entry/resolvers/contract.ts), so a renamed resolver or changed shape fails the build.
 */
import type { ResolverDefinitions } from '../../src/forge/entry/resolvers/contract';
import type { Bridge } from './bridge';

export type ResolverKey = keyof ResolverDefinitions;
export type ResolverOutput<K extends ResolverKey> = Awaited<ReturnType<ResolverDefinitions[K]>>;

export interface ResolverClient {
  call<K extends ResolverKey>(key: K, ...input: Parameters<ResolverDefinitions[K]>): Promise<ResolverOutput<K>>;
}

export function createResolverClient(bridge: Bridge): ResolverClient {
  return {
    async call(key, ...input) {
      const payload = input[0] as Record<string, unknown> | undefined;
      // The contract is the single source of truth for this cast: the resolver is checked against it too.
      return (await bridge.invoke(key, payload)) as never;
    },
  };
}

/** An error message for people from a rejected call. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
