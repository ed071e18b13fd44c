import { z } from 'zod';
import type { QueueJob } from '../../jobs';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { JiraUserPort } from '../../ports/jira';
import { relayRequeueCommand, retryOf, type FailedDelivery, type FailedDeliveryRetry } from '../../delivery/delivery-record';
import { DeliveryKeys } from '../../delivery/delivery-keys';
import { CursorError, MAX_CURSOR_CHARS, readPage } from '../../delivery/delivery-pages';
import { targetProjectsOf } from '../../delivery/target-projects';
import { concurrencyKeyFor, jobsFor } from '../webtrigger/ingest';
import type { RelayEventPart } from '../../../shared/relay-envelope';
import { requireProjectAdmin, requireSettingsAdmin, type CallerContext } from './admin-check';
import type { FailedDeliveryPage, FailedDeliverySummary, InputProblem, ResolverResult } from './contract';
import { zodProblems } from './resolver-errors';

export interface FailedDeliveryDeps {
  readonly store: KeyValueStore;
  readonly queue: JobQueue;
  readonly userJira: JiraUserPort;
}

const listInputSchema = z.object({ cursor: z.string().max(MAX_CURSOR_CHARS).optional(), limit: z.number().int().min(1).max(20).optional() }).strict();
/** Keys of the newest-first layout (`dfail:`) and of the one before it (`failed:`), both retryable. */
const retryInputSchema = z.object({ key: z.string().regex(/^(dfail|failed):\d{13}:[0-9A-Za-z_-]{8,64}$/, 'a failed-delivery key from listFailedDeliveries') });

/** Newest first, a page at a time both ways: one KVS query per page (two where the newest-first keys end and the older layout's begin). */
export async function listFailedDeliveries(input: unknown, deps: Pick<FailedDeliveryDeps, 'store'>): Promise<FailedDeliveryPage> {
  const parsed = listInputSchema.safeParse(input ?? {});
  if (!parsed.success) return refused(zodProblems(parsed.error));
  try {
    const page = await readPage<FailedDelivery>(deps.store, { prefixes: [DeliveryKeys.failedPrefix, DeliveryKeys.legacyFailedPrefix], signature: 'failed', limit: parsed.data.limit ?? 20, cursor: parsed.data.cursor });
    return { ok: true, items: page.items.map(({ key, value }) => summary(key, value)), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  } catch (error) {
    if (error instanceof CursorError) return refused([{ path: 'cursor', message: error.message }]);
    throw error;
  }
}

function summary(key: string, value: FailedDelivery): FailedDeliverySummary {
  return {
    key,
    eventId: value.eventId,
    groupKey: value.groupKey,
    receivedAt: value.receivedAt,
    failedAt: value.failedAt,
    attempts: value.attempts,
    failureKind: value.failureKind,
    reason: value.reason,
    ...(value.projectKeys ? { projectKeys: value.projectKeys } : {}),
    ...(value.relayDeadLetter ? { relayDeadLetter: { ...value.relayDeadLetter, requeue: relayRequeueCommand(value.eventId) } } : {}),
  };
}

function refused(problems: InputProblem[]): FailedDeliveryPage {
  return { ok: false, error: { code: 'invalid-input', message: 'the input is not valid', problems }, items: [], nextCursor: null, prevCursor: null };
}

/**
 * Queues a failed event again, in its group's concurrency key, then removes the failed record. If the
 * retry fails too, the consumer records it again: nothing is lost either way. The caller must administer
 * every project the delivery targets (where retrying writes), not just the page's project.
 */
export async function retryFailedDelivery(input: unknown, caller: CallerContext, deps: FailedDeliveryDeps): Promise<ResolverResult<{ eventId: string }>> {
  const parsed = retryInputSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid-input', message: parsed.error.issues[0]?.message ?? 'invalid input', problems: [{ path: 'key', message: 'a failed-delivery key' }] } };
  if (!caller.accountId) return { ok: false, error: { code: 'forbidden', message: 'sign in to retry a failed delivery' } };
  const failed = await deps.store.get<FailedDelivery>(parsed.data.key);
  if (!failed) return { ok: false, error: { code: 'not-found', message: 'no such failed delivery (already retried?)' } };
  const retry = retryOf(failed);
  // The app never had a relay dead letter's event: only the relay can send it again. Say so, change nothing.
  if (retry.kind === 'relay-dead-letter') {
    return { ok: false, error: { code: 'conflict', message: `the relay keeps this event (dead letter): re-send it on the relay with \`${relayRequeueCommand(failed.eventId)}\` or its admin route POST /admin/dead-letters/requeue, after fixing the cause` } };
  }
  const targets = await targetProjectsOf(failed, deps.store);
  // No target known (no rule matches the event any more, an unreadable body): only the page's administrator may.
  const denied = targets.length > 0 ? await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, targets) : await requireSettingsAdmin(deps.userJira, caller).then((r) => (r && !r.ok ? r.error : null));
  if (denied) return { ok: false, error: denied };
  // A Jira change's groupKey is its incident's relay group key, so the retry queues behind that incident's events.
  const parts = retry.kind === 'relay-event' && failed.eventParts ? await failedEventParts(failed.eventId, failed.eventParts, deps.store) : undefined;
  if (parts === null) return { ok: false, error: { code: 'not-found', message: 'a part of this failed delivery is missing' } };
  // A large event's parts go as jobs under Forge's 100 KB each (the consumer joins them).
  await deps.queue.push(parts ? jobsFor(parts) : [{ body: jobOf(retry, failed), concurrencyKey: concurrencyKeyFor(failed.groupKey) }]);
  await deps.store.delete(parsed.data.key);
  if (parts) for (const part of parts) await deps.store.delete(DeliveryKeys.failedPart(failed.eventId, part.part.index));
  return { ok: true, value: { eventId: failed.eventId } };
}

function jobOf(retry: Exclude<FailedDeliveryRetry, { kind: 'relay-dead-letter' }>, failed: FailedDelivery): QueueJob {
  switch (retry.kind) {
    case 'relay-event':
      return { kind: 'relay-events', groupKey: failed.groupKey, events: [retry.event] };
    case 'jira-change':
      return { kind: 'jira-change', id: failed.eventId, change: retry.change };
    case 'incident-resync':
      return { kind: 'incident-resync', ...retry.resync };
    default:
      return assertNever(retry);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected failed delivery ${JSON.stringify(x)}`);
}

/** The parts a large failed event was kept as, in order; null when one is missing. */
async function failedEventParts(eventId: string, count: number, store: KeyValueStore): Promise<RelayEventPart[] | null> {
  const keys = Array.from({ length: count }, (_, i) => DeliveryKeys.failedPart(eventId, i));
  const found = await store.getMany<RelayEventPart>(keys);
  const parts = keys.map((k) => found.get(k));
  return parts.every((p): p is RelayEventPart => p !== undefined) ? parts : null;
}
