import { z } from 'zod';
import { StorageKeys } from '../../constants';
import { loadSigningKeys } from '../../adapters/signing-keys';
import type { KeyValueStore, SecretStore } from '../../ports/key-value-store';
import { describeOutcome, type DeliveryRecord } from '../consumer/delivery-record';
import type { ConnectionStatus, RecentDeliveries } from './contract';

export interface ResolverDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly webTriggerUrl: () => Promise<string | null>;
}

const listInputSchema = z.object({ cursor: z.string().max(2048).optional(), limit: z.number().int().min(1).max(20).optional() });

async function lastReceivedAt(store: KeyValueStore, source: string): Promise<string | null> {
  const value = await store.get<{ receivedAt: string }>(StorageKeys.lastReceived(source));
  return value?.receivedAt ?? null;
}

export async function getConnectionStatus(deps: ResolverDeps): Promise<ConnectionStatus> {
  const keys = await loadSigningKeys(deps.secrets, deps.env);
  const run = await deps.store.get<{ ranAt: string }>(StorageKeys.lastScheduledRun('project-sync'));
  return {
    webTriggerUrl: await deps.webTriggerUrl(),
    // Key ids name keys without revealing them; the secrets stay in secret storage.
    signingKeys: { configured: keys.length > 0, keyIds: keys.map((key) => key.id) },
    lastReceived: {
      alertmanager: await lastReceivedAt(deps.store, 'alertmanager'),
      impact: await lastReceivedAt(deps.store, 'impact'),
      jira: await lastReceivedAt(deps.store, 'jira'),
    },
    lastScheduledRun: run?.ranAt ?? null,
  };
}

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
