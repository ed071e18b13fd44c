import { z } from 'zod';
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
}

/** A deleted issue leaves its tracked project's synced records at once (projects/deleted-issues.ts). */
export async function handleIssueDeleted(input: unknown, deps: IssueDeletedDeps): Promise<DeletedIssueOutcome | 'ignored'> {
  const parsed = issueDeletedEventSchema.safeParse(input);
  if (!parsed.success) {
    deps.logger.warn('issue deleted event ignored: unexpected shape', { problems: parsed.error.issues.length });
    return 'ignored';
  }
  const { issue } = parsed.data;
  const outcome = await removeDeletedIssue(deps.store, issue.fields?.project?.id, issue.id);
  if (outcome === 'removed') deps.logger.info('deleted issue removed from project sync', { issue: issue.key });
  return outcome;
}
