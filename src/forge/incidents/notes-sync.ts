/**
 * Comments ⇄ notes (issue 15 item 8), creation in both directions, without echo:
 * - an Impact note a person wrote becomes a comment on the incident issue, written as the app (the comment
 *   event Jira fires for it is dropped by the trigger's `ignoreSelf`);
 * - a comment a person wrote on the incident issue becomes an Impact note, written with the app's origin
 *   marker and `external_id: jira-comment:<id>` (idempotent; its `incident.note_created` webhook carries our
 *   marker and is dropped as our own).
 * Each copy names its source ("Jane Doe in Impact: …"). Edits and deletions are not copied yet.
 */
import { impactNoteWebhookSchema } from '../../shared/impact/webhook';
import { describeZodError } from '../../shared/zod-error';
import { doc, impactUserForAccount, paragraph } from '../domain/incidents';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { describeJiraFailure } from '../ports/jira';
import type { ImpactEventResult, IncidentDeps } from './apply-impact-event';
import { IncidentKeys, incidentIdForIssue, loadConfig, loadRecord, loadUsers } from './incident-store';
import { incidentSyncEnabled } from './incident-settings';

/** Whether a webhook body is a note event (the consumer's incident path hands those here). */
export const isNoteEvent = (body: unknown): boolean => typeof (body as { event?: unknown } | null)?.event === 'string' && String((body as { event: string }).event).startsWith('incident.note_');

/** An Impact note event → a Jira comment (created notes only). */
export async function applyImpactNoteEvent(body: unknown, deps: IncidentDeps): Promise<ImpactEventResult> {
  const parsed = impactNoteWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: describeZodError(parsed.error).join('; ') };
  const webhook = parsed.data;
  const incidentId = webhook.incident.id;
  const config = await loadConfig(deps.store);
  const done = (summary: string): ImpactEventResult => ({ ok: true, incidentId, summary, problems: [] });
  if (webhook.origin.marker === config.originMarker) return done(`own note ${webhook.note.id} (from Jira): not copied back`);
  if (webhook.event !== 'incident.note_created') return done(`${webhook.event} of ${webhook.note.id}: edits and deletions of notes are not copied`);
  const link = (await loadRecord(deps.store, incidentId)).link;
  if (!link) return done(`note ${webhook.note.id}: the incident has no issue yet`);
  const key = IncidentKeys.noteComment(incidentId, webhook.note.id);
  const copied = await deps.store.get<string>(key);
  if (copied) return done(`note ${webhook.note.id} is comment ${copied} already`);
  const who = webhook.note.author?.name ?? (webhook.origin.type === 'api' ? webhook.origin.client : 'Impact');
  const comment = await deps.jira.addComment(link.issueId, doc([paragraph(`${who} in Impact: ${webhook.note.message}`)]));
  if (!comment.ok) return { ok: false, kind: 'jira', incidentId, failure: comment.failure, reason: `copying note ${webhook.note.id} to ${link.issueKey}: ${describeJiraFailure(comment.failure)}` };
  await deps.store.set(key, comment.value.id);
  return done(`note ${webhook.note.id} → comment ${comment.value.id} on ${link.issueKey}`);
}

export interface JiraComment {
  readonly issueId: string;
  readonly commentId: string;
  readonly authorAccountId: string;
  readonly text: string;
}

export type JiraCommentResult =
  | { readonly kind: 'not-linked' }
  | { readonly kind: 'copied'; readonly incidentId: string; readonly summary: string }
  /** The incident sync is off: the comment was not copied. */
  | { readonly kind: 'sync-off'; readonly incidentId: string }
  | { readonly kind: 'failed'; readonly incidentId: string; readonly failure: ImpactFailure; readonly reason: string };

/** A person's Jira comment on an incident issue → an Impact note (idempotent by external_id). */
export async function applyJiraComment(comment: JiraComment, deps: IncidentDeps): Promise<JiraCommentResult> {
  const incidentId = await incidentIdForIssue(deps.store, comment.issueId);
  if (!incidentId) return { kind: 'not-linked' };
  if (!(await incidentSyncEnabled(deps.store))) return { kind: 'sync-off', incidentId };
  const config = await loadConfig(deps.store);
  const user = impactUserForAccount(await loadUsers(deps.store), comment.authorAccountId);
  let name = user?.name ?? null;
  if (name === null) {
    const jiraUser = await deps.jira.getUser(comment.authorAccountId);
    name = jiraUser.ok ? jiraUser.value.displayName : comment.authorAccountId;
  }
  const text = comment.text.trim() || '(empty comment)';
  const posted = await deps.impact.postNote(incidentId, { origin: config.originMarker, message: `${name} in Jira: ${text}`.slice(0, 10_000), external_id: `jira-comment:${comment.commentId}` });
  if (!posted.ok) return { kind: 'failed', incidentId, failure: posted.failure, reason: `copying comment ${comment.commentId} to ${incidentId}: ${describeImpactFailure(posted.failure)}` };
  return { kind: 'copied', incidentId, summary: `comment ${comment.commentId} → note ${posted.value.id}` };
}
