import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import type { JiraIncidentPort } from '../../ports/jira-incidents';
import type { ImpactPort } from '../../ports/impact';
import { jiraChangeId, syncJiraChange } from '../../incidents/sync-jira-change';
import { mirrorIssueStatus } from '../../alerts/status-mirror';
import type { JobQueue } from '../../ports/job-queue';
import { closeAfterPostMortem } from './post-mortem-done';

/** The fields of Forge's `avi:jira:updated:issue` event the app reads; everything else is ignored. */
export const issueUpdatedEventSchema = z
  .object({
    eventType: z.literal('avi:jira:updated:issue'),
    atlassianId: z.string().optional(),
    /** Change time (ms); Forge payloads without it fall back to the issue's `updated` field, then now. */
    timestamp: z.number().optional(),
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

export interface IssueUpdatedDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Impact incident sync (Jira → Impact) for issues linked to an incident. */
  readonly incidents?: { readonly jira: JiraIncidentPort; readonly impact: ImpactPort };
  /** Queues the resync that closes an incident issue held open for its post-mortem (post-mortem-done.ts). */
  readonly queue?: JobQueue;
}

export type IssueUpdatedResult = 'incident-synced' | 'ignored' | 'not-tracked' | 'status-mirrored' | 'no-status-change';

/**
 * A Jira change of an issue linked to an incident goes to Impact (incidents/sync-jira-change.ts); a status
 * change of an issue the app created updates its status mirror (alerts/status-mirror.ts).
 */
export async function handleIssueUpdated(input: unknown, deps: IssueUpdatedDeps): Promise<IssueUpdatedResult> {
  const parsed = issueUpdatedEventSchema.safeParse(input);
  if (!parsed.success) {
    deps.logger.warn('issue event ignored: unexpected shape', { problems: parsed.error.issues.length });
    return 'ignored';
  }
  const event = parsed.data;
  const nowIso = new Date(deps.clock.now()).toISOString();
  await deps.store.set(StorageKeys.lastReceived('jira'), { receivedAt: nowIso });
  if (deps.incidents && event.changelog) {
    const updated = Date.parse(String(event.issue.fields?.['updated'] ?? ''));
    const occurredAt = event.timestamp ?? (Number.isNaN(updated) ? deps.clock.now() : updated);
    const change = { issueId: event.issue.id, items: event.changelog.items, actorIsApp: false, occurredAt };
    // A trigger is not retried: a refused Impact write is recorded as a failed delivery an admin can retry.
    const synced = await syncJiraChange(change, jiraChangeId(change), null, { ...deps, ...deps.incidents });
    if (synced.kind !== 'not-linked') return 'incident-synced';
    const statusChanged = event.changelog.items.some((i) => i.field === 'status');
    if (deps.queue) await closeAfterPostMortem({ issueId: event.issue.id, statusCategory: event.issue.fields?.status?.statusCategory?.key, statusChanged }, { ...deps, queue: deps.queue });
  }

  return mirrorIssueStatus(event, deps.store, nowIso);
}
