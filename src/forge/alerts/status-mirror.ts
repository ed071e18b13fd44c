import { StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';

/** The app's copy of the status of an issue it created, kept current by Jira's issue-updated events. */
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

/** What the mirror reads of an issue-updated event (the trigger parses the full event). */
export interface IssueStatusChange {
  readonly issue: {
    readonly id: string;
    readonly key: string;
    readonly fields?: { readonly status?: { readonly id?: string | undefined; readonly name: string; readonly statusCategory?: { readonly key: string } | undefined } | undefined } | undefined;
  };
  readonly changelog?: { readonly items: readonly { readonly field: string; readonly fieldId?: string | undefined; readonly to?: string | null | undefined; readonly toString?: string | null | undefined }[] } | undefined;
}

export type StatusMirrorResult = 'not-tracked' | 'status-mirrored' | 'no-status-change';

/**
 * Keeps the status mirror of issues the app created current, so later decisions need no GET.
 * Issues the app does not track are left alone: the app writes only what it owns.
 */
export async function mirrorIssueStatus(event: IssueStatusChange, store: KeyValueStore, nowIso: string): Promise<StatusMirrorResult> {
  const statusChanged = event.changelog?.items.some((item) => item.field === 'status' || item.fieldId === 'status') ?? false;
  if (!statusChanged) return 'no-status-change';
  const key = StorageKeys.issueStatus(event.issue.id);
  const known = await store.get<TrackedIssueStatus>(key);
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
  await store.set(key, mirrored);
  return 'status-mirrored';
}
