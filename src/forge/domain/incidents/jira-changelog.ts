import type { ImpactPriority } from '../../../shared/impact/incident';
import { impactPriorityFromJira, priorityFieldId, type PriorityTarget } from './field-mapping';

/** One item of `changelog.items` in Jira's issue-updated events and changelog API. */
export interface JiraChangelogItem {
  readonly field: string;
  readonly fieldId?: string | undefined;
  readonly fieldtype?: string | undefined;
  readonly from?: string | null | undefined;
  readonly fromString?: string | null | undefined;
  readonly to?: string | null | undefined;
  readonly toString?: string | null | undefined;
}

export type JiraFieldChange =
  | { readonly field: 'status'; readonly statusId: string | null; readonly statusName: string }
  | { readonly field: 'priority'; readonly priority: ImpactPriority | null; readonly display: string | null }
  | { readonly field: 'assignee'; readonly accountId: string | null; readonly displayName: string | null }
  | { readonly field: 'summary'; readonly summary: string };

/**
 * The changes the sync cares about, one per field (the last item wins when a field appears twice).
 * System fields are recognised by fieldId (or by name when an old payload has no fieldId); the priority
 * by the configured field id only, since custom field names are not unique.
 */
export function parseChangelog(items: readonly JiraChangelogItem[], priority: PriorityTarget): JiraFieldChange[] {
  const byField = new Map<JiraFieldChange['field'], JiraFieldChange>();
  const priorityId = priorityFieldId(priority);
  for (const item of items) {
    // Jira's own `toString` key collides with Object.prototype.toString when the key is absent.
    const to = item.to ?? null;
    const toText = Object.prototype.hasOwnProperty.call(item, 'toString') ? (item.toString ?? null) : null;
    const id = item.fieldId ?? (item.fieldtype === 'custom' ? undefined : item.field);
    if (id === 'status' && toText !== null) {
      byField.set('status', { field: 'status', statusId: to, statusName: toText });
    } else if (id === priorityId) {
      byField.set('priority', { field: 'priority', priority: impactPriorityFromJira(priority, toText), display: toText });
    } else if (id === 'assignee') {
      byField.set('assignee', { field: 'assignee', accountId: to, displayName: toText });
    } else if (id === 'summary' && toText !== null) {
      byField.set('summary', { field: 'summary', summary: toText });
    }
  }
  return [...byField.values()];
}
