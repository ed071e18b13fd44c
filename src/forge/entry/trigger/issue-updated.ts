import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import type { JiraIncidentPort } from '../../ports/jira-incidents';
import type { ImpactPort } from '../../ports/impact';
import { jiraChangeId, syncJiraChange } from '../consumer/jira-change-events';

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

export interface TrackedIssueStatus {
  readonly issueKey: string;
  readonly statusName: string;
  readonly statusCategory: string | undefined;
  readonly updatedAt: string;
  /** Jira status id when known; absent for an issue the app created that has not moved since. */
  readonly statusId?: string | undefined;
  /** Issue type the app created the issue with: names its (unmoved) initial status for the transition cache. */
  readonly createdAsType?: string | undefined;
}

export interface IssueUpdatedDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Impact incident sync (Jira → Impact) for issues linked to an incident. */
  readonly incidents?: { readonly jira: JiraIncidentPort; readonly impact: ImpactPort };
}

export type IssueUpdatedResult = 'incident-synced' | 'ignored' | 'not-tracked' | 'status-mirrored' | 'no-status-change';

/**
 * Keeps the status mirror of issues the app created current, so later decisions need no GET.
 * Issues the app does not track are left alone: the app writes only what it owns.
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
  }

  const statusChanged = event.changelog?.items.some((item) => item.field === 'status' || item.fieldId === 'status') ?? false;
  if (!statusChanged) return 'no-status-change';
  const key = StorageKeys.issueStatus(event.issue.id);
  const known = await deps.store.get<TrackedIssueStatus>(key);
  if (!known) return 'not-tracked';
  const status = event.issue.fields?.status;
  const statusItem = event.changelog?.items.find((item) => item.field === 'status' || item.fieldId === 'status');
  const mirrored: TrackedIssueStatus = {
    issueKey: event.issue.key,
    statusName: status?.name ?? statusItem?.toString ?? known.statusName,
    statusCategory: status?.statusCategory?.key,
    updatedAt: nowIso,
    statusId: status?.id ?? statusItem?.to ?? undefined,
  };
  await deps.store.set(key, mirrored);
  return 'status-mirrored';
}
