import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { KeyValueStore, SecretStore } from '../../ports/key-value-store';
import { describeOutcome, type DeliveryRecord } from '../../delivery/delivery-record';
import type { RecentDeliveries } from './contract';

/** getConnectionStatus moved to ./connection (the Connection tab's resolvers). */
export interface ResolverDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly webTriggerUrl: () => Promise<string | null>;
}

const listInputSchema = z.object({ cursor: z.string().max(2048).optional(), limit: z.number().int().min(1).max(20).optional() });

export async function listRecentDeliveries(input: unknown, deps: ResolverDeps): Promise<RecentDeliveries> {
  const { cursor, limit } = listInputSchema.parse(input ?? {});
  const page = await deps.store.listByPrefix<DeliveryRecord>(StorageKeys.deliveryPrefix, { limit: limit ?? 20, cursor });
  return {
    items: page.results.map(({ value }) => ({
      eventId: value.eventId,
      source: value.source,
      groupKey: value.groupKey,
      receivedAt: value.receivedAt,
      outcome: value.outcome.kind,
      detail: describeOutcome(value.outcome),
    })),
    nextCursor: page.nextCursor ?? null,
  };
}
