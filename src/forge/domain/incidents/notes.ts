/**
 * Comments ⇄ notes (issue 15 item 8): which write, if any, a comment or note change asks for. Pure: the
 * caller loads the pair from the incident record, runs the write and stores the pair this answers.
 *
 * A pair links one Jira comment and one Impact note and remembers which side a person wrote (`origin`):
 * only that side is copied from. The copy on the other side belongs to the app: in Impact a person cannot
 * edit a note an API client wrote, and the app cannot edit a person's note (contract §2.2), so a person's
 * edit or deletion of the app's copy is not copied back (it is not the original). Events arrive in any
 * order and more than once: each side's change carries an order (the comment's `updated` time, the note's
 * version) and a pair keeps the newest it applied; a deletion leaves a tombstone so a late create or edit
 * never brings the text back.
 */

export type NoteOrigin = 'jira' | 'impact';

export interface NotePair {
  readonly commentId: string | null;
  readonly noteId: string | null;
  readonly origin: NoteOrigin;
  /** Jira comment's `updated` (ms) of the newest comment text applied (origin jira). */
  readonly commentUpdated?: number;
  /** The note's version the app last saw (origin impact: copied; origin jira: written). */
  readonly noteVersion?: number;
  /** Set once either side was deleted: nothing is copied for this pair again. */
  readonly deleted?: true;
  /**
   * Creation marker (origin impact, no comment id yet): stored before the app posts the note's comment, at
   * the app's clock (ms). Met again without a comment id, it means an earlier POST may have created the
   * comment and lost the answer: the comment is looked up by its property before posting again.
   */
  readonly creating?: { readonly at: number };
}

/**
 * The comment entity property the app sets on each comment it writes for an Impact note (Jira Cloud
 * `POST /issue/{id}/comment` takes `properties: EntityProperty[]`, the pinned spec's `Comment.properties`).
 */
export const NOTE_COMMENT_PROPERTY = 'incident-bridge-note';

export interface NoteCommentProperty {
  readonly incidentId: string;
  readonly noteId: string;
  /** The note's version the comment's text was written from. */
  readonly noteVersion: number;
}

/**
 * How far before the marker a comment's `created` (Jira's clock) may lie and still be the one the app
 * posted after it (the app's clock): the two clocks are not the same machine's.
 */
export const COMMENT_CLOCK_SKEW_MS = 10 * 60_000;

/** The comment (if any) among these that carries the property naming this incident's note. */
export function commentOfNote(
  comments: readonly { readonly id: string; readonly properties: readonly { readonly key: string; readonly value: unknown }[] }[],
  incidentId: string,
  noteId: string,
): { readonly commentId: string; readonly noteVersion: number | undefined } | null {
  for (const comment of comments) {
    const property = comment.properties.find((p) => p.key === NOTE_COMMENT_PROPERTY)?.value as Partial<NoteCommentProperty> | undefined;
    if (property?.incidentId === incidentId && property.noteId === noteId) {
      return { commentId: comment.id, noteVersion: typeof property.noteVersion === 'number' ? property.noteVersion : undefined };
    }
  }
  return null;
}

/**
 * Comments come newest first: once a page holds a comment created before the marker (less the clock skew),
 * older pages cannot hold the one the app posted after it. `created` null (unreadable): keep looking.
 */
export const commentCouldBeOurs = (created: number | null, markerAt: number): boolean => created === null || created >= markerAt - COMMENT_CLOCK_SKEW_MS;

/**
 * A person's comment was written (created or edited: Forge fires `avi:jira:commented:issue` for both, "each time a
 * comment is created or edited" [D https://developer.atlassian.com/platform/forge/events-reference/jira/]) or deleted.
 */
export type CommentChange =
  | { readonly kind: 'written'; readonly commentId: string; readonly updated: number | null }
  | { readonly kind: 'deleted'; readonly commentId: string };

export type CommentDecision =
  | { readonly kind: 'create-note' }
  | { readonly kind: 'edit-note'; readonly noteId: string; readonly ifVersion: number | undefined }
  | { readonly kind: 'delete-note'; readonly noteId: string }
  /** Nothing to write; the pair (if any) is stored as given (a tombstone, the app's copy now gone). */
  | { readonly kind: 'skip'; readonly reason: string; readonly pair: NotePair | null };

export function decideCommentChange(pair: NotePair | undefined, change: CommentChange): CommentDecision {
  const id = change.commentId;
  if (change.kind === 'deleted') {
    if (!pair) return { kind: 'skip', reason: `comment ${id} deleted before it was copied: it never will be`, pair: { commentId: id, noteId: null, origin: 'jira', deleted: true } };
    if (pair.deleted) return { kind: 'skip', reason: `comment ${id} is deleted already`, pair: null };
    if (pair.origin === 'impact') return { kind: 'skip', reason: `comment ${id} (the app's copy of note ${pair.noteId ?? '?'}) deleted in Jira: the note stays, and is no longer copied`, pair: { ...pair, deleted: true } };
    if (pair.noteId === null) return { kind: 'skip', reason: `comment ${id} deleted`, pair: { ...pair, deleted: true } };
    return { kind: 'delete-note', noteId: pair.noteId };
  }
  if (!pair) return { kind: 'create-note' };
  if (pair.deleted) return { kind: 'skip', reason: `comment ${id} was deleted: not copied again`, pair: null };
  if (pair.origin === 'impact') return { kind: 'skip', reason: `comment ${id} is the app's copy of note ${pair.noteId ?? '?'}: an edit in Jira is not copied back`, pair: null };
  if (change.updated !== null && pair.commentUpdated !== undefined && change.updated <= pair.commentUpdated) {
    return { kind: 'skip', reason: `comment ${id}: this text is not newer than the one copied`, pair: null };
  }
  if (pair.noteId === null) return { kind: 'create-note' };
  return { kind: 'edit-note', noteId: pair.noteId, ifVersion: pair.noteVersion };
}

/** A note event from Impact that is not the app's own echo. */
export type NoteChange =
  | { readonly kind: 'created' | 'updated'; readonly noteId: string; readonly version: number }
  | { readonly kind: 'deleted'; readonly noteId: string; readonly version: number };

export type NoteDecision =
  /** Store the creation marker, then post the comment with its property. */
  | { readonly kind: 'add-comment' }
  /**
   * A creation marker without a comment id: an earlier POST may have created the comment (its answer lost).
   * Look it up by its property among comments created since `since`; found, adopt it and `then` edit it to
   * this version's text (if older) or delete it; not found, `then: 'write'` posts it, `'delete'` stores the tombstone.
   */
  | { readonly kind: 'find-comment'; readonly since: number; readonly then: 'write' | 'delete' }
  | { readonly kind: 'edit-comment'; readonly commentId: string }
  | { readonly kind: 'delete-comment'; readonly commentId: string }
  | { readonly kind: 'skip'; readonly reason: string; readonly pair: NotePair | null };

export function decideNoteChange(pair: NotePair | undefined, change: NoteChange): NoteDecision {
  const id = change.noteId;
  if (change.kind === 'deleted') {
    if (!pair) return { kind: 'skip', reason: `note ${id} deleted before it was copied: it never will be`, pair: { commentId: null, noteId: id, origin: 'impact', noteVersion: change.version, deleted: true } };
    if (pair.deleted) return { kind: 'skip', reason: `note ${id} is deleted already`, pair: null };
    if (pair.origin === 'jira') return { kind: 'skip', reason: `note ${id} (the app's copy of comment ${pair.commentId ?? '?'}) deleted in Impact: the comment stays, and is no longer copied`, pair: { ...pair, deleted: true } };
    if (pair.commentId === null && pair.creating) return { kind: 'find-comment', since: pair.creating.at, then: 'delete' };
    if (pair.commentId === null) return { kind: 'skip', reason: `note ${id} deleted`, pair: { ...pair, deleted: true } };
    return { kind: 'delete-comment', commentId: pair.commentId };
  }
  // `updated` before `created` (any order): the first event to arrive makes the comment, with the text it carries.
  if (!pair) return { kind: 'add-comment' };
  if (pair.deleted) return { kind: 'skip', reason: `note ${id} was deleted: not copied again`, pair: null };
  if (pair.origin === 'jira') return { kind: 'skip', reason: `note ${id} is the app's copy of comment ${pair.commentId ?? '?'}: not copied back`, pair: null };
  if (pair.commentId === null && pair.creating) return { kind: 'find-comment', since: pair.creating.at, then: 'write' };
  if (pair.noteVersion !== undefined && change.version <= pair.noteVersion) return { kind: 'skip', reason: `note ${id} version ${change.version} is copied already`, pair: null };
  if (pair.commentId === null) return { kind: 'add-comment' };
  return { kind: 'edit-comment', commentId: pair.commentId };
}

/** The record's pairs with `pair` put in place of the one for the same comment or note (or added). */
export function upsertPair(pairs: readonly NotePair[], pair: NotePair): NotePair[] {
  const same = (p: NotePair) => (pair.commentId !== null && p.commentId === pair.commentId) || (pair.noteId !== null && p.noteId === pair.noteId);
  const merged = pairs.filter((p) => same(p)).reduce<NotePair>((acc, p) => mergePair(p, acc), pair);
  return [...pairs.filter((p) => !same(p)), merged];
}

/**
 * Two records of one pair (a concurrent writer's and this one): ids known to either, newest orders, deletion
 * sticks; the creation marker (its earliest time) lasts until the comment id is known.
 */
function mergePair(stored: NotePair, mine: NotePair): NotePair {
  const max = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const commentUpdated = max(stored.commentUpdated, mine.commentUpdated);
  const noteVersion = max(stored.noteVersion, mine.noteVersion);
  const commentId = mine.commentId ?? stored.commentId;
  const markedAt = [stored.creating?.at, mine.creating?.at].filter((at): at is number => at !== undefined);
  return {
    commentId,
    noteId: mine.noteId ?? stored.noteId,
    origin: stored.origin,
    ...(commentUpdated === undefined ? {} : { commentUpdated }),
    ...(noteVersion === undefined ? {} : { noteVersion }),
    ...(stored.deleted || mine.deleted ? { deleted: true as const } : {}),
    ...(commentId === null && markedAt.length > 0 ? { creating: { at: Math.min(...markedAt) } } : {}),
  };
}

export const pairOfComment = (pairs: readonly NotePair[] | undefined, commentId: string): NotePair | undefined => pairs?.find((p) => p.commentId === commentId);
export const pairOfNote = (pairs: readonly NotePair[] | undefined, noteId: string): NotePair | undefined => pairs?.find((p) => p.noteId === noteId);

/** Jira's comment time (`2026-12-06T17:00:00.000+0000`) in ms, or null when unreadable. */
export function jiraCommentTime(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}
