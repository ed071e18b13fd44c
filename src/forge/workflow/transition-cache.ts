import { z } from 'zod';
import { EMPTY_LEARNED_WORKFLOW, learnFrom, withStatuses, type LearnedWorkflow, type WorkflowStatus } from '../domain/workflow';
import { KVS_QUERY_LIMIT, StorageKeys, TRANSITIONS_TTL_SECONDS } from '../constants';
import type { AvailableTransition } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';

/**
 * The one cache of what the app learned of Jira workflows, shared by alerts and incidents: per project and
 * from-status, the list GET …/transitions returned (`transitions:<project>:<status>`, a day), plus the
 * project's statuses. Workflows rarely change, so a move then costs only its POSTs; a cached transition Jira
 * refuses drops that status's list. Per-status keys keep concurrent consumers from overwriting each other's
 * learning, and one prefix query reads a project's whole learned graph.
 */
export interface TransitionPlace {
  readonly projectKey: string;
  /** Status id, or `initial-<issue type>` for an issue the app created that has not moved since. */
  readonly fromStatus: string;
}

const offeredSchema = z.array(
  z.object({ id: z.string(), name: z.string(), to: z.object({ id: z.string(), name: z.string(), category: z.enum(['new', 'indeterminate', 'done', 'unknown']) }) }),
);
const statusesSchema = z.array(z.object({ id: z.string(), name: z.string(), category: z.enum(['new', 'indeterminate', 'done']) }));

const slot = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');

export function projectOfIssueKey(issueKey: string): string | undefined {
  return /^([A-Z][A-Z0-9_]*)-\d+$/.exec(issueKey)?.[1];
}

export function placeOf(issueKey: string, statusId: string | undefined, createdAsType: string | undefined): TransitionPlace | undefined {
  const projectKey = projectOfIssueKey(issueKey);
  if (!projectKey) return undefined;
  if (statusId) return { projectKey, fromStatus: slot(statusId) };
  if (createdAsType) return { projectKey, fromStatus: `initial-${slot(createdAsType)}` };
  return undefined;
}

export function statusPlace(projectKey: string, statusId: string): TransitionPlace {
  return { projectKey, fromStatus: slot(statusId) };
}

export async function readOffered(store: KeyValueStore, place: TransitionPlace): Promise<AvailableTransition[] | undefined> {
  const cached = offeredSchema.safeParse(await store.get(StorageKeys.transitions(place.projectKey, place.fromStatus)));
  return cached.success ? cached.data : undefined;
}

export async function rememberOffered(store: KeyValueStore, place: TransitionPlace, offered: readonly AvailableTransition[]): Promise<void> {
  await store.set(StorageKeys.transitions(place.projectKey, place.fromStatus), offered, { ttlSeconds: TRANSITIONS_TTL_SECONDS });
}

export async function forgetOffered(store: KeyValueStore, place: TransitionPlace | undefined): Promise<void> {
  if (place) await store.delete(StorageKeys.transitions(place.projectKey, place.fromStatus));
}

export async function rememberStatuses(store: KeyValueStore, projectKey: string, statuses: readonly WorkflowStatus[]): Promise<void> {
  await store.set(StorageKeys.workflowStatuses(projectKey), statuses, { ttlSeconds: TRANSITIONS_TTL_SECONDS });
}

/** A project's learned workflow from one prefix query (more pages only past 20 cached statuses). */
export async function readLearnedWorkflow(store: KeyValueStore, projectKey: string): Promise<{ readonly learned: LearnedWorkflow; readonly hasStatuses: boolean }> {
  const prefix = StorageKeys.transitionsPrefix(projectKey);
  const statusesKey = StorageKeys.workflowStatuses(projectKey);
  let learned = EMPTY_LEARNED_WORKFLOW;
  let hasStatuses = false;
  let cursor: string | undefined;
  do {
    const page = await store.listByPrefix<unknown>(prefix, { limit: KVS_QUERY_LIMIT, cursor });
    for (const entry of page.results) {
      if (entry.key === statusesKey) {
        const statuses = statusesSchema.safeParse(entry.value);
        if (statuses.success) {
          learned = withStatuses(learned, statuses.data);
          hasStatuses = true;
        }
        continue;
      }
      const offered = offeredSchema.safeParse(entry.value);
      if (offered.success) learned = learnFrom(learned, entry.key.slice(prefix.length), offered.data);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { learned, hasStatuses };
}

