import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { QueueJob } from '../../jobs';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { JiraUserPort } from '../../ports/jira';
import type { FailedDelivery } from '../../delivery/delivery-record';
import { concurrencyKeyFor } from '../webtrigger/ingest';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { FailedDeliverySummary, ResolverResult } from './contract';

export interface FailedDeliveryDeps {
  readonly store: KeyValueStore;
  readonly queue: JobQueue;
  readonly userJira: JiraUserPort;
}

const listInputSchema = z.object({ cursor: z.string().max(2048).optional(), limit: z.number().int().min(1).max(20).optional() });
const retryInputSchema = z.object({ key: z.string().regex(/^failed:\d{13}:[0-9A-Za-z_-]{8,64}$/, 'a failed-delivery key from listFailedDeliveries') });

export async function listFailedDeliveries(input: unknown, deps: FailedDeliveryDeps): Promise<{ items: FailedDeliverySummary[]; nextCursor: string | null }> {
  const { cursor, limit } = listInputSchema.parse(input ?? {});
  const page = await deps.store.listByPrefix<FailedDelivery>(StorageKeys.failedDeliveryPrefix, { limit: limit ?? 20, cursor });
  return {
    items: page.results.map(({ key, value }) => ({
      key,
      eventId: value.eventId,
      groupKey: value.groupKey,
      receivedAt: value.receivedAt,
      failedAt: value.failedAt,
      attempts: value.attempts,
      failureKind: value.failureKind,
      reason: value.reason,
    })),
    nextCursor: page.nextCursor ?? null,
  };
}

/**
 * Queues a failed event again, in its group's concurrency key, then removes the failed record. If the
 * retry fails too, the consumer records it again: nothing is lost either way.
 */
export async function retryFailedDelivery(input: unknown, caller: CallerContext, deps: FailedDeliveryDeps): Promise<ResolverResult<{ eventId: string }>> {
  const parsed = retryInputSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid-input', message: parsed.error.issues[0]?.message ?? 'invalid input', problems: [{ path: 'key', message: 'a failed-delivery key' }] } };
  const failed = await deps.store.get<FailedDelivery>(parsed.data.key);
  if (!failed) return { ok: false, error: { code: 'not-found', message: 'no such failed delivery (already retried?)' } };
  const denied = await requireProjectAdmin(deps.userJira, caller, []);
  if (denied) return { ok: false, error: denied };
  // A Jira change's groupKey is its incident's relay group key, so the retry queues behind that incident's events.
  const body: QueueJob = failed.event
    ? { kind: 'relay-events', groupKey: failed.groupKey, events: [failed.event] }
    : failed.jiraChange
      ? { kind: 'jira-change', id: failed.eventId, change: failed.jiraChange }
      : { kind: 'incident-resync', ...failed.resync };
  await deps.queue.push([{ body, concurrencyKey: concurrencyKeyFor(failed.groupKey) }]);
  await deps.store.delete(parsed.data.key);
  return { ok: true, value: { eventId: failed.eventId } };
}
