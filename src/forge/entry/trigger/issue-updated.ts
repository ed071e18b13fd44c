import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import type { JobQueue } from '../../ports/job-queue';
import { incidentGroupKey } from '../../../shared/impact';
import { IncidentKeys, incidentIdForIssue } from '../../incidents/incident-store';
import type { FollowUpIssueIndex } from '../../incidents/follow-ups-sync';
import { jiraChangeId } from '../../incidents/sync-jira-change';
import { concurrencyKeyFor } from '../webtrigger/ingest';
import { FOLLOW_UP_SOURCE_PREFIX, adfPlainText, jiraCommentTime } from '../../domain/incidents';
import { mirrorIssueStatus } from '../../alerts/status-mirror';
import { closeAfterPostMortem } from './post-mortem-done';

/** The fields of Forge's `avi:jira:updated:issue` event the app reads; everything else is ignored. */
export const issueUpdatedEventSchema = z
  .object({
    eventType: z.literal('avi:jira:updated:issue'),
    atlassianId: z.string().optional(),
    issue: z
      .object({
        id: z.string(),
        key: z.string(),
        fields: z
          .object({
            status: z
              .object({ id: z.string().optional(), name: z.string(), statusCategory: z.object({ key: z.string() }).loose().optional() })
              .loose()
              .optional(),
          })
          .loose()
          .optional(),
      })
      .loose(),
    changelog: z
      .object({
        items: z.array(z.object({ field: z.string(), fieldId: z.string().optional(), from: z.string().nullable().optional(), to: z.string().nullable().optional(), fromString: z.string().nullable().optional(), toString: z.string().nullable().optional() }).loose()),
      })
      .loose()
      .optional(),
  })
  .loose();
export type IssueUpdatedEvent = z.infer<typeof issueUpdatedEventSchema>;

/**
 * Forge's `avi:jira:commented:issue` ("sent each time a comment is created or edited": Forge has no
 * `avi:jira:updated:comment`) and `avi:jira:deleted:comment` (the comment as it was): the fields the comment copy
 * reads [D https://developer.atlassian.com/platform/forge/events-reference/jira/]. Documented: `issue`, `comment` ("including its author, body content, and other metadata");
 * `atlassianId` and `associatedUsers` are "[Optional]". The comment's `author` and `updated` are read when present
 * only: the stored reference lists no Comment fields [U], so an event without them is still copied (without
 * `updated`, edits are applied in arrival order).
 */
export const issueCommentedEventSchema = z
  .object({
    eventType: z.enum(['avi:jira:commented:issue', 'avi:jira:deleted:comment']),
    atlassianId: z.string().optional(),
    issue: z.object({ id: z.string(), key: z.string() }).loose(),
    comment: z
      .object({ id: z.string(), body: z.unknown(), author: z.object({ accountId: z.string() }).loose().optional(), updated: z.string().optional() })
      .loose(),
  })
  .loose();

export interface IssueUpdatedDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where a Jira change of an issue linked to an incident is queued (in the incident's lane), and the resync
   * that closes an incident issue held open for its post-mortem (post-mortem-done.ts). */
  readonly queue: JobQueue;
}

export type IssueUpdatedResult = 'incident-queued' | 'ignored' | 'not-tracked' | 'status-mirrored' | 'no-status-change';

/**
 * When the change happened: the issue's `updated` field (documented in the event's Issue type; Forge's reference
 * documents no `timestamp` on Jira issue events [D https://developer.atlassian.com/platform/forge/events-reference/jira/]),
 * else the trigger's own time.
 */
function changeTime(event: IssueUpdatedEvent, nowMs: number): number {
  const updated = event.issue.fields?.['updated'];
  return (typeof updated === 'string' ? jiraCommentTime(updated) : null) ?? nowMs;
}

/** Fields the app reads from a change: the status mirror (status) and the Jira → Impact sync (status, priority, assignee, summary). */
const FIELDS_THE_APP_READS = new Set(['status', 'priority', 'assignee', 'summary']);

/** A description edit of a follow-up issue: its old or new text holds the line the app writes last. */
const isFollowUpDescriptionEdit = (item: { readonly fromString?: string | null; readonly toString?: string | null }): boolean =>
  [item.fromString, item.toString].some((text) => typeof text === 'string' && text.includes(FOLLOW_UP_SOURCE_PREFIX));

/**
 * True when the changelog touches a field the app reads. The priority the sync maps may be a custom field
 * (configured per site, in storage), so any custom field counts too; a label or comment edit never does, nor a
 * description edit, except of a follow-up issue (its text flows back to Impact), told from the changelog's text.
 */
export function mayConcernApp(event: Pick<IssueUpdatedEvent, 'changelog'>): boolean {
  return (event.changelog?.items ?? []).some((item) => {
    const id = item.fieldId ?? item.field;
    if (id === 'description') return isFollowUpDescriptionEdit(item);
    return FIELDS_THE_APP_READS.has(id) || id.startsWith('customfield_') || item['fieldtype'] === 'custom';
  });
}

/** `last-received:jira` says Jira events arrive (settings page); written at most once a minute, not per update. */
export const JIRA_ACTIVITY_WRITE_INTERVAL_MS = 60_000;

async function noteJiraActivity(store: KeyValueStore, nowMs: number): Promise<void> {
  const key = StorageKeys.lastReceived('jira');
  const record = { receivedAt: new Date(nowMs).toISOString() };
  const last = await store.get<{ receivedAt?: unknown }>(key);
  // Concurrent invocations race for the first write: FAIL_IF_EXISTS lets one win. A refresh a minute later
  // can still be written twice by two invocations at that instant, which is rare and harmless.
  if (last === undefined) {
    await store.setIfAbsent(key, record);
    return;
  }
  const lastMs = typeof last.receivedAt === 'string' ? Date.parse(last.receivedAt) : NaN;
  if (!Number.isNaN(lastMs) && nowMs - lastMs < JIRA_ACTIVITY_WRITE_INTERVAL_MS && nowMs >= lastMs) return;
  await store.set(key, record);
}

/**
 * A Jira change of an issue linked to an incident is queued as a `jira-change` job with the concurrency
 * key of the incident's Impact webhooks, so both directions of one incident run one at a time in its lane
 * (the consumer runs incidents/sync-jira-change.ts). The trigger only enqueues: a queued job is retried on
 * a rate limit or outage, a trigger is not. A post-mortem issue reaching done queues the resync that closes
 * its incident's issue held open by Impact CLOSED (post-mortem-done.ts). A status change of an issue the app
 * created updates its status mirror (alerts/status-mirror.ts); of a follow-up issue, it queues a
 * `follow-up-status` job in its incident's lane. Comment events go to the comment ⇄ note copy (queueComment).
 */
export async function handleIssueUpdated(input: unknown, deps: IssueUpdatedDeps): Promise<IssueUpdatedResult> {
  const commented = issueCommentedEventSchema.safeParse(input);
  if (commented.success) return queueComment(commented.data, deps);
  const parsed = issueUpdatedEventSchema.safeParse(input);
  if (!parsed.success) {
    deps.logger.warn('issue event ignored: unexpected shape', { problems: parsed.error.issues.length });
    return 'ignored';
  }
  const event = parsed.data;
  // The trigger runs for every issue update on the site. Most change nothing the app reads: decided from
  // the event alone, before any storage call (each would count against the install's KVS quota).
  if (!mayConcernApp(event)) return 'ignored';
  const nowIso = new Date(deps.clock.now()).toISOString();
  await noteJiraActivity(deps.store, deps.clock.now());
  const changed = (event.changelog?.items ?? []).map((i) => i.fieldId ?? i.field);
  // A description edit alone concerns follow-up issues only: incident issues and post-mortems pay no read for it.
  const descriptionOnly = changed.every((f) => f === 'description');
  if (event.changelog && !descriptionOnly) {
    const incidentId = await incidentIdForIssue(deps.store, event.issue.id);
    if (incidentId !== undefined) {
      const occurredAt = changeTime(event, deps.clock.now());
      const change = { issueId: event.issue.id, items: event.changelog.items.map((item) => ({ ...item })), actorIsApp: false, occurredAt };
      await deps.queue.push([{ body: { kind: 'jira-change', id: jiraChangeId(change), change }, concurrencyKey: concurrencyKeyFor(incidentGroupKey(incidentId)) }]);
      return 'incident-queued';
    }
    // A post-mortem issue reaching done releases its incident's issue held open by Impact CLOSED.
    const statusChanged = event.changelog.items.some((i) => i.field === 'status');
    await closeAfterPostMortem({ issueId: event.issue.id, statusCategory: event.issue.fields?.status?.statusCategory?.key, statusChanged }, deps);
  }

  const mirrored = await mirrorIssueStatus(event, deps.store, nowIso);
  // A follow-up issue's status, summary and description go to its Impact follow-up, in the incident's lane
  // (incidents/follow-ups-sync.ts). Asked of a status change of an issue the alerts do not track (alert issues
  // pay no extra read for it) and of a summary or description edit.
  const fields = (['status', 'summary', 'description'] as const).filter((f) => changed.includes(f));
  const textChanged = fields.some((f) => f !== 'status');
  if (mirrored === 'not-tracked' || (mirrored === 'no-status-change' && textChanged)) {
    const followUp = await deps.store.get<FollowUpIssueIndex>(IncidentKeys.followUpIssue(event.issue.id));
    if (followUp) {
      const changedAt = changeTime(event, deps.clock.now());
      const body = { kind: 'follow-up-status' as const, incidentId: followUp.incidentId, followUpId: followUp.followUpId, issueId: event.issue.id, fields: [...fields], issueKey: event.issue.key, changedAt };
      await deps.queue.push([{ body, concurrencyKey: concurrencyKeyFor(incidentGroupKey(followUp.incidentId)) }]);
      return 'incident-queued';
    }
  }
  return mirrored;
}

/**
 * A person's comment on an incident issue, written or deleted: queued in the incident's lane to become, change
 * or remove an Impact note (incidents/notes-sync.ts). The app's own comment writes never arrive here (`ignoreSelf`).
 */
async function queueComment(event: z.infer<typeof issueCommentedEventSchema>, deps: IssueUpdatedDeps): Promise<IssueUpdatedResult> {
  const incidentId = await incidentIdForIssue(deps.store, event.issue.id);
  if (incidentId === undefined) return 'not-tracked';
  const deleted = event.eventType === 'avi:jira:deleted:comment';
  const updated = jiraCommentTime(event.comment.updated);
  const comment = {
    issueId: event.issue.id,
    commentId: event.comment.id,
    // The editor of an edit is in `updateAuthor`; the note names the comment's author, as Jira shows it.
    authorAccountId: event.comment.author?.accountId ?? event.atlassianId ?? 'unknown',
    text: deleted ? '' : adfPlainText(event.comment.body).slice(0, 20_000),
    action: deleted ? ('deleted' as const) : ('written' as const),
    ...(updated === null ? {} : { updated }),
  };
  await deps.queue.push([{ body: { kind: 'jira-comment', comment }, concurrencyKey: concurrencyKeyFor(incidentGroupKey(incidentId)) }]);
  return 'incident-queued';
}
