/**
 * Comments ⇄ notes (issue 15 item 8): creations, edits and deletions in both directions, without echo.
 * - A note a person writes, edits or deletes in Impact becomes, changes or removes a comment on the incident
 *   issue, written as the app (the comment events Jira fires for it are dropped by the trigger's `ignoreSelf`).
 * - A comment a person writes, edits or deletes on the incident issue does the same to an Impact note, written
 *   with the app's origin marker (`external_id: jira-comment:<id>` makes the create idempotent); the
 *   `incident.note_*` webhook of each write carries the marker and is dropped as our own.
 * - No second comment after a lost answer: each comment the app writes carries the comment property
 *   `incident-bridge-note` (`{ incidentId, noteId, noteVersion }`, set in the POST); a creation marker is put in
 *   the note's pair (record, compare-and-set) before the POST, and an attempt that meets a marker without a
 *   comment id looks the comment up by that property (findNoteComment) and adopts it instead of posting again.
 * Each copy names its source ("Jane Doe in Impact: …"). Which write a change asks for is decided by
 * domain/incidents/notes.ts on the comment ⇄ note pair kept in the incident record (compare-and-set); both
 * directions run in the incident's queue lane.
 */
import { impactNoteWebhookSchema } from '../../shared/impact/webhook';
import { describeZodError } from '../../shared/zod-error';
import {
  NOTE_COMMENT_PROPERTY,
  commentOfNote,
  decideCommentChange,
  decideNoteChange,
  doc,
  impactUserForAccount,
  pairOfComment,
  pairOfNote,
  paragraph,
  upsertPair,
  type IncidentSyncConfig,
  type NoteCommentProperty,
  type NotePair,
} from '../domain/incidents';
import { scanCommentsSinceMarker } from '../comments/scan-since-marker';
import { describeImpactFailure, type ImpactFailure, type ImpactNote, type ImpactResult } from '../ports/impact';
import { describeJiraFailure, type JiraResult } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { ImpactEventResult, IncidentDeps } from './apply-impact-event';
import { IncidentKeys, incidentIdForIssue, loadConfig, loadRecord, loadUsers, updateRecord } from './incident-store';
import { incidentSyncEnabled } from './incident-settings';

/** Whether a webhook body is a note event (the consumer's incident path hands those here). */
export const isNoteEvent = (body: unknown): boolean => typeof (body as { event?: unknown } | null)?.event === 'string' && String((body as { event: string }).event).startsWith('incident.note_');

const MAX_NOTE_CHARS = 10_000;

async function storePair(deps: IncidentDeps, incidentId: string, pair: NotePair): Promise<void> {
  await updateRecord(deps.store, incidentId, (latest) => ({ ...latest, notes: upsertPair(latest.notes ?? [], pair) }));
}

/** An Impact note event → a Jira comment created, edited or deleted. */
export async function applyImpactNoteEvent(body: unknown, deps: IncidentDeps): Promise<ImpactEventResult> {
  const parsed = impactNoteWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: describeZodError(parsed.error).join('; ') };
  const webhook = parsed.data;
  const incidentId = webhook.incident.id;
  const note = webhook.note;
  const config = await loadConfig(deps.store);
  const done = (summary: string): ImpactEventResult => ({ ok: true, incidentId, summary, problems: [] });
  if (webhook.origin.marker === config.originMarker) return done(`own note ${note.id} (from Jira): not copied back`);
  const record = await loadRecord(deps.store, incidentId);
  const link = record.link;
  if (!link) return done(`note ${note.id}: the incident has no issue yet`);
  const pair = pairOfNote(record.notes, note.id) ?? (await legacyPair(deps, incidentId, note.id));
  const kind = webhook.event === 'incident.note_created' ? 'created' : webhook.event === 'incident.note_updated' ? 'updated' : 'deleted';
  const decision = decideNoteChange(pair, { kind, noteId: note.id, version: note.version });
  const jiraFailed = (failure: Extract<JiraResult<unknown>, { ok: false }>['failure'], what: string): ImpactEventResult => ({
    ok: false,
    kind: 'jira',
    incidentId,
    failure,
    reason: `${what} note ${note.id} on ${link.issueKey}: ${describeJiraFailure(failure)}`,
  });
  const who = note.author?.name ?? (webhook.origin.type === 'api' ? webhook.origin.client : 'Impact');
  const text = () => doc([paragraph(`${who} in Impact: ${note.message}`)]);
  const addCopy = async (): Promise<ImpactEventResult> => {
    const property: NoteCommentProperty = { incidentId, noteId: note.id, noteVersion: note.version };
    const comment = await deps.jira.addComment(link.issueId, text(), [{ key: NOTE_COMMENT_PROPERTY, value: property }]);
    if (!comment.ok) return jiraFailed(comment.failure, 'copying');
    await storePair(deps, incidentId, { commentId: comment.value.id, noteId: note.id, origin: 'impact', noteVersion: note.version });
    return done(`note ${note.id} → comment ${comment.value.id} on ${link.issueKey}`);
  };
  switch (decision.kind) {
    case 'skip':
      if (decision.pair) await storePair(deps, incidentId, decision.pair);
      return done(decision.reason);
    case 'add-comment': {
      // The creation marker first (compare-and-set, in the record): a retry that finds it without a comment
      // id knows this POST may have created the comment although its answer never arrived.
      await storePair(deps, incidentId, { commentId: null, noteId: note.id, origin: 'impact', creating: { at: deps.clock.now() } });
      return addCopy();
    }
    case 'find-comment': {
      const found = await findNoteComment(deps.jira, link.issueId, incidentId, note.id, decision.since);
      if (!found.ok) return jiraFailed(found.failure, 'looking up the copy of');
      if (found.value === null && decision.then === 'write') return addCopy();
      if (found.value === null) {
        await storePair(deps, incidentId, { commentId: null, noteId: note.id, origin: 'impact', noteVersion: note.version, deleted: true });
        return done(`note ${note.id} deleted; no comment of it was found on ${link.issueKey}`);
      }
      const commentId = found.value.commentId;
      if (decision.then === 'delete') {
        const deleted = await deps.jira.deleteComment(link.issueId, commentId);
        if (!deleted.ok && deleted.failure.kind !== 'not-found') return jiraFailed(deleted.failure, 'deleting the copy of');
        await storePair(deps, incidentId, { commentId, noteId: note.id, origin: 'impact', noteVersion: note.version, deleted: true });
        return done(`note ${note.id} deleted → comment ${commentId} (found by its property) deleted on ${link.issueKey}`);
      }
      // Adopted: written from an older version of the note (an edit came first in the queue), bring it up to date.
      if (found.value.noteVersion === undefined || found.value.noteVersion < note.version) {
        const edited = await deps.jira.editComment(link.issueId, commentId, text());
        if (!edited.ok && edited.failure.kind !== 'not-found') return jiraFailed(edited.failure, 'editing the copy of');
      }
      await storePair(deps, incidentId, { commentId, noteId: note.id, origin: 'impact', noteVersion: Math.max(note.version, found.value.noteVersion ?? 0) });
      return done(`note ${note.id} → comment ${commentId} on ${link.issueKey} (found by its property: an earlier answer was lost)`);
    }
    case 'edit-comment': {
      const edited = await deps.jira.editComment(link.issueId, decision.commentId, text());
      // The copy was deleted in Jira meanwhile (its event may still be on the way): nothing to edit any more.
      const gone = !edited.ok && edited.failure.kind === 'not-found';
      if (!edited.ok && !gone) return jiraFailed(edited.failure, 'editing the copy of');
      await storePair(deps, incidentId, { commentId: decision.commentId, noteId: note.id, origin: 'impact', noteVersion: note.version, ...(gone ? { deleted: true as const } : {}) });
      return done(gone ? `note ${note.id} edited, its comment ${decision.commentId} is gone` : `note ${note.id} edited → comment ${decision.commentId} on ${link.issueKey}`);
    }
    case 'delete-comment': {
      const deleted = await deps.jira.deleteComment(link.issueId, decision.commentId);
      if (!deleted.ok && deleted.failure.kind !== 'not-found') return jiraFailed(deleted.failure, 'deleting the copy of');
      await storePair(deps, incidentId, { commentId: decision.commentId, noteId: note.id, origin: 'impact', noteVersion: note.version, deleted: true });
      return done(`note ${note.id} deleted → comment ${decision.commentId} deleted on ${link.issueKey}`);
    }
  }
}

/**
 * The comment the app posted for this note, by its `incident-bridge-note` property, among those created since the
 * marker (scan-since-marker.ts). Runs only when a marker without a comment id is found, so it costs nothing when no
 * answer was lost; typically 1 + 1 calls.
 */
async function findNoteComment(jira: JiraIncidentPort, issueId: string, incidentId: string, noteId: string, since: number): Promise<JiraResult<{ commentId: string; noteVersion: number | undefined } | null>> {
  const found = await scanCommentsSinceMarker(jira, issueId, since, (comments) => commentOfNote(comments, incidentId, noteId) ?? undefined);
  return found.ok ? { ok: true, value: found.value ?? null } : found;
}

/** A pair written before pairs lived in the record (the `incident-note:` key): an Impact note and its comment. */
async function legacyPair(deps: IncidentDeps, incidentId: string, noteId: string): Promise<NotePair | undefined> {
  const commentId = await deps.store.get<string>(IncidentKeys.noteComment(incidentId, noteId));
  return commentId ? { commentId, noteId, origin: 'impact' } : undefined;
}

/** A person's comment on an incident issue, written (created or edited) or deleted, as the trigger queued it. */
export interface JiraComment {
  readonly issueId: string;
  readonly commentId: string;
  readonly authorAccountId: string;
  readonly text: string;
  /** `deleted`: the comment is gone; absent (jobs queued before edits were copied) = written. */
  readonly action?: 'written' | 'deleted';
  /** The comment's `updated` time (ms): orders edits that arrive out of order. */
  readonly updated?: number;
}

export type JiraCommentResult =
  | { readonly kind: 'not-linked' }
  | { readonly kind: 'copied'; readonly incidentId: string; readonly summary: string }
  /** The incident sync is off: the comment was not copied. */
  | { readonly kind: 'sync-off'; readonly incidentId: string }
  | { readonly kind: 'failed'; readonly incidentId: string; readonly failure: ImpactFailure; readonly reason: string };

/** A person's Jira comment created, edited or deleted → the same on its Impact note. */
export async function applyJiraComment(comment: JiraComment, deps: IncidentDeps): Promise<JiraCommentResult> {
  const incidentId = await incidentIdForIssue(deps.store, comment.issueId);
  if (!incidentId) return { kind: 'not-linked' };
  if (!(await incidentSyncEnabled(deps.store))) return { kind: 'sync-off', incidentId };
  const config = await loadConfig(deps.store);
  const record = await loadRecord(deps.store, incidentId);
  const id = comment.commentId;
  const change = comment.action === 'deleted' ? { kind: 'deleted' as const, commentId: id } : { kind: 'written' as const, commentId: id, updated: comment.updated ?? null };
  const decision = decideCommentChange(pairOfComment(record.notes, id), change);
  const copied = (summary: string): JiraCommentResult => ({ kind: 'copied', incidentId, summary });
  const failed = (failure: ImpactFailure, what: string): JiraCommentResult => ({ kind: 'failed', incidentId, failure, reason: `${what} comment ${id} to ${incidentId}: ${describeImpactFailure(failure)}` });
  const written = (note: ImpactNote): NotePair => ({ commentId: id, noteId: note.id, origin: 'jira', noteVersion: note.version, ...(comment.updated === undefined ? {} : { commentUpdated: comment.updated }) });
  switch (decision.kind) {
    case 'skip':
      if (decision.pair) await storePair(deps, incidentId, decision.pair);
      return copied(decision.reason);
    case 'create-note': {
      const message = await noteText(comment, deps);
      const posted = await deps.impact.postNote(incidentId, { origin: config.originMarker, message, external_id: `jira-comment:${id}` });
      if (!posted.ok) return failed(posted.failure, 'copying');
      // A repeat of an earlier create (its answer or its pair was lost) answers the note as it was: bring it up to date.
      const note = posted.value.message === message ? posted : await editNote(deps, config, incidentId, posted.value.id, message, posted.value.version);
      if (!note.ok) return failed(note.failure, 'copying');
      await storePair(deps, incidentId, written(note.value));
      return copied(`comment ${id} → note ${note.value.id}`);
    }
    case 'edit-note': {
      const message = await noteText(comment, deps);
      const note = await editNote(deps, config, incidentId, decision.noteId, message, decision.ifVersion);
      if (!note.ok && note.failure.kind === 'not-found') {
        await storePair(deps, incidentId, { commentId: id, noteId: decision.noteId, origin: 'jira', deleted: true });
        return copied(`comment ${id} edited, its note ${decision.noteId} is gone`);
      }
      if (!note.ok) return failed(note.failure, 'copying the edit of');
      await storePair(deps, incidentId, written(note.value));
      return copied(`comment ${id} edited → note ${note.value.id}`);
    }
    case 'delete-note': {
      const deleted = await deps.impact.deleteNote(incidentId, decision.noteId, config.originMarker);
      if (!deleted.ok && deleted.failure.kind !== 'not-found') return failed(deleted.failure, 'deleting the copy of');
      await storePair(deps, incidentId, { commentId: id, noteId: decision.noteId, origin: 'jira', deleted: true });
      return copied(`comment ${id} deleted → note ${decision.noteId} deleted`);
    }
  }
}

/**
 * PATCH the app's note, conditional on the version the app last saw. Only the app writes its notes, so a
 * 409 means one of its own writes was not recorded (a lost answer): once more on the version Impact names.
 */
async function editNote(deps: IncidentDeps, config: IncidentSyncConfig, incidentId: string, noteId: string, message: string, ifVersion: number | undefined): Promise<ImpactResult<ImpactNote>> {
  const request = { origin: config.originMarker, message };
  const first = await deps.impact.updateNote(incidentId, noteId, request, ifVersion === undefined ? {} : { ifVersion });
  if (first.ok || first.failure.kind !== 'conflict') return first;
  return deps.impact.updateNote(incidentId, noteId, request, { ifVersion: first.failure.currentVersion });
}

async function noteText(comment: JiraComment, deps: IncidentDeps): Promise<string> {
  const user = impactUserForAccount(await loadUsers(deps.store), comment.authorAccountId);
  let name = user?.name ?? null;
  if (name === null) {
    const jiraUser = await deps.jira.getUser(comment.authorAccountId);
    name = jiraUser.ok ? jiraUser.value.displayName : comment.authorAccountId;
  }
  const text = comment.text.trim() || '(empty comment)';
  return `${name} in Jira: ${text}`.slice(0, MAX_NOTE_CHARS);
}
