import { z } from 'zod';
import { StorageKeys } from '../../constants';
import type { Clock } from '../../ports/clock';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import { removeDeletedIssue, type DeletedIssueOutcome } from '../../projects/deleted-issues';

/** The fields of Forge's `avi:jira:deleted:issue` event the app reads: the issue and its project. */
export const issueDeletedEventSchema = z
  .object({
    eventType: z.literal('avi:jira:deleted:issue'),
    issue: z
      .object({
        id: z.string(),
        key: z.string(),
        // Forge's payload carries the issue's fields, project included; without it every tracked project is checked.
        fields: z.object({ project: z.object({ id: z.string() }).loose().optional() }).loose().optional(),
      })
      .loose(),
  })
  .loose();

export interface IssueDeletedDeps {
  readonly store: KeyValueStore;
  readonly logger: Logger;
  /** When the precomputed metrics the delete rewrites are dated (projects/metrics-store.ts). */
  readonly clock: Clock;
}

/** A deleted issue leaves its tracked project's synced records at once (projects/deleted-issues.ts). */
export async function handleIssueDeleted(input: unknown, deps: IssueDeletedDeps): Promise<DeletedIssueOutcome | 'ignored'> {
  const parsed = issueDeletedEventSchema.safeParse(input);
  if (!parsed.success) {
    deps.logger.warn('issue deleted event ignored: unexpected shape', { problems: parsed.error.issues.length });
    return 'ignored';
  }
  const { issue } = parsed.data;
  await forgetIssueKey(deps.store, issue.key, issue.id);
  const outcome = await removeDeletedIssue(deps.store, issue.fields?.project?.id, issue.id, deps.clock.now());
  if (outcome === 'removed') deps.logger.info('deleted issue removed from project sync', { issue: issue.key });
  return outcome;
}

/**
 * The issue's key → id pair (StorageKeys.issueIdByKey) leaves with it: a key can only be given out again after its
 * project is deleted for good, and the closure validator must then not take the new issue for the old one. A read
 * first, so a deleted issue the app never created costs no KVS write.
 */
async function forgetIssueKey(store: KeyValueStore, key: string, id: string): Promise<void> {
  const pairKey = StorageKeys.issueIdByKey(key);
  if ((await store.get<string>(pairKey)) === id) await store.delete(pairKey);
}
