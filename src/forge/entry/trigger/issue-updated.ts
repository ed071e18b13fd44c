import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import type { JiraIncidentPort } from '../../ports/jira-incidents';
import type { ImpactPort } from '../../ports/impact';
import { jiraChangeId, syncJiraChange } from '../../incidents/sync-jira-change';
import { mirrorIssueStatus } from '../../alerts/status-mirror';

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
}

export type IssueUpdatedResult = 'incident-synced' | 'ignored' | 'not-tracked' | 'status-mirrored' | 'no-status-change';

/** Fields the app reads from a change: the status mirror (status) and the Jira → Impact sync (status, priority, assignee, summary). */
const FIELDS_THE_APP_READS = new Set(['status', 'priority', 'assignee', 'summary']);

/**
 * True when the changelog touches a field the app reads. The priority the sync maps may be a custom field
 * (configured per site, in storage), so any custom field counts too; a description, label or comment edit never does.
 */
export function mayConcernApp(event: Pick<IssueUpdatedEvent, 'changelog'>): boolean {
  return (event.changelog?.items ?? []).some((item) => {
    const id = item.fieldId ?? item.field;
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
  // The trigger runs for every issue update on the site. Most change nothing the app reads: decided from
  // the event alone, before any storage call (each would count against the install's KVS quota).
  if (!mayConcernApp(event)) return 'ignored';
  const nowIso = new Date(deps.clock.now()).toISOString();
  await noteJiraActivity(deps.store, deps.clock.now());
  if (deps.incidents && event.changelog) {
    const updated = Date.parse(String(event.issue.fields?.['updated'] ?? ''));
    const occurredAt = event.timestamp ?? (Number.isNaN(updated) ? deps.clock.now() : updated);
    const change = { issueId: event.issue.id, items: event.changelog.items, actorIsApp: false, occurredAt };
    // A trigger is not retried: a refused Impact write is recorded as a failed delivery an admin can retry.
    const synced = await syncJiraChange(change, jiraChangeId(change), null, { ...deps, ...deps.incidents });
    if (synced.kind !== 'not-linked') return 'incident-synced';
  }

  return mirrorIssueStatus(event, deps.store, nowIso);
}
