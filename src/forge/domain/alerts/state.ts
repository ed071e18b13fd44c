import { z } from 'zod';
import type { IssueRef } from './commands';

/**
 * What the app remembers per problem key (KVS value): the issue, its status category as last known, and
 * the alerts as last seen. Validated with zod when read back from storage.
 */
export const issueStatusCategorySchema = z.enum(['new', 'indeterminate', 'done', 'unknown']);
export type StatusCategory = z.infer<typeof issueStatusCategorySchema>;

const seenAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  startsAt: z.string(),
  endsAt: z.string(),
});

export const problemStateSchema = z.object({
  version: z.literal(1),
  problemKey: z.string().min(1),
  issue: z.object({ key: z.string().min(1), statusCategory: issueStatusCategorySchema }).nullable(),
  /** Earlier issues of this problem, newest first (Done issues a re-fire linked from), at most 10. */
  previousIssueKeys: z.array(z.string()).max(10),
  /** Fingerprint → last observation. */
  alerts: z.record(z.string(), seenAlertSchema),
  firstSeen: z.string(),
  /** receivedAt of the notification that last changed this state. */
  updatedAt: z.string(),
  /**
   * The relay's accept order (sequence) and time of the notification that last changed this state: a delivery
   * accepted before it (a retry, a redelivery, a reordered event) says nothing by leaving an alert out (decide.ts).
   * Absent in records written before it.
   */
  lastApplied: z.object({ sequence: z.number().int().positive(), receivedAt: z.string() }).optional(),
  /** Rolled into the storm issue of this rule and window (`issue` is that storm issue): domain/alerts/storm.ts. */
  storm: z.object({ ruleId: z.string(), windowStartMs: z.number().int() }).optional(),
});
export type ProblemState = z.infer<typeof problemStateSchema>;

/** A state to store once the commands ran; its issue may be the one the decision's `create` makes. */
export interface PendingState extends Omit<ProblemState, 'issue'> {
  readonly issue: { readonly ref: IssueRef; readonly statusCategory: StatusCategory } | null;
}

/** The state to write after the commands succeeded; `createdIssueKey` is the key `create` returned. */
export function settleState(next: PendingState, createdIssueKey?: string): ProblemState | undefined {
  if (next.issue === null) return { ...next, issue: null };
  const ref = next.issue.ref;
  if (ref.kind === 'existing') return { ...next, issue: { key: ref.key, statusCategory: next.issue.statusCategory } };
  if (createdIssueKey === undefined) return undefined;
  return { ...next, issue: { key: createdIssueKey, statusCategory: next.issue.statusCategory } };
}

/** Resolves a command's issue reference once the created key is known. */
export function resolveIssueRef(ref: IssueRef, createdIssueKey: string | undefined): string | undefined {
  return ref.kind === 'existing' ? ref.key : createdIssueKey;
}
