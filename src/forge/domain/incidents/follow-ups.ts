/**
 * Follow-ups (action items) as Jira issues (issue 15 item 9). Pure decisions: which Jira write an Impact
 * follow-up event asks for, and which Impact status a Jira issue's status asks for.
 *
 * Impact owns a follow-up's title and description (they follow to the issue); Jira owns its progress (the
 * issue's status category flows back as the follow-up's status). Events come in any order and more than
 * once: a pair keeps the newest follow-up version applied, and a deletion leaves a tombstone.
 */
import type { FollowUpStatus } from '../../../shared/impact/follow-ups';
import type { AdfDoc } from './adf';
import { adfPlainText, doc, paragraph } from './adf';
import type { IncidentSyncConfig } from './config';
import type { StatusCategoryKey } from '../workflow/workflow-path';

/**
 * Where follow-up issues go (the incident mapping's optional `followUps`): project (default: the incident
 * issues' project), issue type and the link type to the incident issue (tried first, then Relates/Blocks).
 */
export interface FollowUpSettings {
  readonly projectKey?: string;
  readonly issueType: string;
  readonly linkType: string;
}

export const DEFAULT_FOLLOW_UP_SETTINGS: FollowUpSettings = { issueType: 'Task', linkType: 'Relates' };

export function followUpSettingsOf(config: IncidentSyncConfig): Required<FollowUpSettings> {
  const settings = config.followUps ?? DEFAULT_FOLLOW_UP_SETTINGS;
  return { projectKey: settings.projectKey ?? config.fields.projectKey, issueType: settings.issueType, linkType: settings.linkType };
}

/** Entity property on a follow-up issue, indexed by the manifest: `issue.property[impact-follow-up].key`. */
export const FOLLOW_UP_PROPERTY_KEY = 'impact-follow-up';

/** Follow-up ids are unique per incident: the index key joins both. */
export const followUpKey = (incidentId: string, followUpId: string): string => `${incidentId}/${followUpId}`;

export function followUpProperty(incidentId: string, followUpId: string): { readonly key: string; readonly incidentId: string; readonly followUpId: string } {
  return { key: followUpKey(incidentId, followUpId), incidentId, followUpId };
}

export function followUpIssueJql(incidentId: string, followUpId: string): string {
  const value = followUpKey(incidentId, followUpId).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `issue.property[${FOLLOW_UP_PROPERTY_KEY}].key = "${value}" ORDER BY created ASC`;
}

export interface FollowUpPair {
  readonly followUpId: string;
  /** null for a tombstone of a follow-up deleted before its issue was made. */
  readonly issueId: string | null;
  readonly issueKey: string | null;
  /** The newest follow-up version applied to the issue. */
  readonly version: number;
  readonly deleted?: true;
  /**
   * Hashes of the title and description both sides last agreed on (the app wrote one side from the other):
   * the base that tells which side a person changed since (absent on pairs from before text flowed back).
   */
  readonly synced?: SyncedText;
  /**
   * The follow-up's version after the app's last write to it (Jira → Impact). An Impact event of an older
   * version was overtaken by that write: its snapshot is stale, so the follow-up is read again before use.
   */
  readonly impactVersion?: number;
}

/** `textHash` of a follow-up's title and normalised description as last synced (per field, either may be absent). */
export interface SyncedText {
  readonly title?: string;
  readonly description?: string;
}

/** FNV-1a (32 bit, hex): a short fingerprint of a text, so the record stays small with long descriptions. */
export function textHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Paragraphs as followUpDescription writes them: split on blank lines, trimmed, empty ones dropped. */
export function normaliseFollowUpDescription(description: string): string {
  return description
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join('\n\n');
}

/**
 * The start of the line the app ends each follow-up issue's description with. A description edit concerns the
 * app only when the changelog's old or new text holds it: decided from the event alone, so the description
 * edits of every other issue on the site cost no storage call.
 */
export const FOLLOW_UP_SOURCE_PREFIX = 'Follow-up of Impact incident ';
const SOURCE_LINE = /^Follow-up of Impact incident .+ \(.+\)\.$/;

/**
 * A follow-up issue's description as Impact text: its top-level blocks as paragraphs (blank line between),
 * without the "Follow-up of Impact incident …" line the app adds last. Marks, links and lists become plain text.
 */
export function followUpTextOfIssue(description: unknown): string {
  const blocks = (description as { content?: unknown } | null)?.content;
  const paragraphs = (Array.isArray(blocks) ? blocks : []).map((b) => adfPlainText(b).trim()).filter((p) => p.length > 0);
  if (paragraphs.length > 0 && SOURCE_LINE.test(paragraphs[paragraphs.length - 1] ?? '')) paragraphs.pop();
  return normaliseFollowUpDescription(paragraphs.join('\n\n'));
}

export const syncedTextOf = (text: { readonly title?: string; readonly description?: string }): SyncedText => ({
  ...(text.title === undefined ? {} : { title: textHash(text.title.trim()) }),
  ...(text.description === undefined ? {} : { description: textHash(normaliseFollowUpDescription(text.description)) }),
});

export type FollowUpJiraField = 'status' | 'summary' | 'description';

export interface FollowUpFromJira {
  /** The fields the Jira change named (only those are copied: the issue's other values may be older than Impact's). */
  readonly fields: readonly FollowUpJiraField[];
  /** The issue as it is now (read before writing). */
  readonly issue: { readonly category: StatusCategoryKey | 'unknown'; readonly summary: string; readonly description: string };
  /** The follow-up as it is now, with its `updated_at` in ms. */
  readonly followUp: { readonly status: FollowUpStatus; readonly title: string; readonly description: string; readonly updatedAt: number };
  readonly synced: SyncedText | undefined;
  /** When the person changed the issue (the event's time). */
  readonly changedAt: number;
}

export interface FollowUpFromJiraDecision {
  /** The PATCH to send (empty: nothing to write). */
  readonly changes: { readonly status?: FollowUpStatus; readonly title?: string; readonly description?: string };
  /** Why a field was not copied (a newer edit in Impact wins). */
  readonly kept: readonly string[];
}

/**
 * What a person's change of a follow-up issue asks of its Impact follow-up. Status: from the status category
 * (followUpStatusFor). Title and description, per field, against the last synced base: Jira unchanged since
 * → nothing (an Impact edit is on its way to Jira); Impact unchanged since → Jira's text; both changed → the
 * later person wins (the change's time against the follow-up's `updated_at`); no base → the same time rule.
 */
export function decideFollowUpFromJira(input: FollowUpFromJira): FollowUpFromJiraDecision {
  const changes: { status?: FollowUpStatus; title?: string; description?: string } = {};
  const kept: string[] = [];
  if (input.fields.includes('status')) {
    const status = followUpStatusFor(input.issue.category, input.followUp.status);
    if (status !== null) changes.status = status;
  }
  const text = (field: 'title' | 'description', jira: string, impact: string): string | null => {
    if (jira === impact) return null;
    const base = input.synced?.[field];
    if (base !== undefined && textHash(jira) === base) return null;
    if (base !== undefined && textHash(impact) === base) return jira;
    if (input.changedAt >= input.followUp.updatedAt) return jira;
    kept.push(`${field}: Impact's edit is newer than Jira's`);
    return null;
  };
  if (input.fields.includes('summary')) {
    const summary = input.issue.summary.trim();
    const title = summary.length > 0 ? text('title', summary, input.followUp.title.trim()) : null;
    if (title !== null) changes.title = title;
  }
  if (input.fields.includes('description')) {
    const description = text('description', normaliseFollowUpDescription(input.issue.description), normaliseFollowUpDescription(input.followUp.description));
    if (description !== null) changes.description = description;
  }
  return { changes, kept };
}

export interface FollowUpChange {
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly followUp: { readonly id: string; readonly title: string; readonly description: string; readonly version: number };
  /** Fields `incident.follow_up_updated` names. */
  readonly changed: readonly string[];
}

export type FollowUpDecision =
  | { readonly kind: 'create-issue'; readonly summary: string; readonly description: string }
  | { readonly kind: 'edit-issue'; readonly issueId: string; readonly fields: { readonly summary?: string; readonly description?: string } }
  | { readonly kind: 'skip'; readonly reason: string; readonly pair: FollowUpPair | null };

export function decideFollowUpChange(pair: FollowUpPair | undefined, change: FollowUpChange): FollowUpDecision {
  const { followUp } = change;
  if (change.kind === 'deleted') {
    if (!pair) return { kind: 'skip', reason: `follow-up ${followUp.id} deleted before it had an issue: it never will`, pair: { followUpId: followUp.id, issueId: null, issueKey: null, version: followUp.version, deleted: true } };
    if (pair.deleted) return { kind: 'skip', reason: `follow-up ${followUp.id} is deleted already`, pair: null };
    // The issue stays: people may have worked on it; it is no longer updated from Impact.
    return { kind: 'skip', reason: `follow-up ${followUp.id} deleted in Impact: its issue ${pair.issueKey ?? '?'} stays, no longer updated`, pair: { ...pair, version: Math.max(pair.version, followUp.version), deleted: true } };
  }
  if (pair?.deleted) return { kind: 'skip', reason: `follow-up ${followUp.id} was deleted`, pair: null };
  // An update arriving before its create makes the issue with the values it carries.
  if (!pair || pair.issueId === null) return { kind: 'create-issue', summary: followUp.title, description: followUp.description };
  if (followUp.version <= pair.version) return { kind: 'skip', reason: `follow-up ${followUp.id} version ${followUp.version} is applied already`, pair: null };
  const fields = {
    ...(change.changed.includes('title') ? { summary: followUp.title } : {}),
    ...(change.changed.includes('description') ? { description: followUp.description } : {}),
  };
  if (Object.keys(fields).length === 0) return { kind: 'skip', reason: `follow-up ${followUp.id}: nothing the issue shows changed`, pair: { ...pair, version: followUp.version } };
  return { kind: 'edit-issue', issueId: pair.issueId, fields };
}

export interface FollowUpToJira {
  /** What the Impact edit asks to write (decideFollowUpChange's edit-issue fields). */
  readonly fields: { readonly summary?: string; readonly description?: string };
  /** The issue as it is now: its text and its `updated` time (ms, null when unreadable). */
  readonly issue: { readonly summary: string; readonly description: string; readonly updatedAt: number | null };
  /** When the follow-up was changed in Impact (`updated_at`, ms). */
  readonly changedAt: number;
  readonly synced: SyncedText | undefined;
}

/**
 * Which of an Impact edit's fields go to the follow-up issue. A field a person changed in Jira since the last
 * sync (its text is not the synced base) after the Impact edit (the issue's `updated` is later) is kept: that
 * person's edit is the later one, and its own event brings it to Impact. A field Jira already shows is not
 * written. Without a base (pairs from before text flowed back) Impact's edit is written, as before.
 */
export function decideFollowUpToJira(input: FollowUpToJira): {
  readonly summary?: string;
  readonly description?: string;
  /** Why a field was left as Jira has it. */
  readonly kept: readonly string[];
  /** The text both sides hold once this is written (the next base): not for a kept field. */
  readonly synced: SyncedText;
} {
  const kept: string[] = [];
  const agreed: { title?: string; description?: string } = {};
  const laterInJira = input.issue.updatedAt !== null && input.issue.updatedAt > input.changedAt;
  const pick = (field: 'title' | 'description', impact: string | undefined, jira: string): string | undefined => {
    if (impact === undefined) return undefined;
    const mine = field === 'title' ? impact.trim() : normaliseFollowUpDescription(impact);
    const base = input.synced?.[field];
    if (mine !== jira && base !== undefined && textHash(jira) !== base && laterInJira) {
      kept.push(`${field}: the Jira edit is newer than Impact's`);
      return undefined;
    }
    agreed[field] = impact;
    return mine === jira ? undefined : impact;
  };
  const summary = pick('title', input.fields.summary, input.issue.summary.trim());
  const description = pick('description', input.fields.description, normaliseFollowUpDescription(input.issue.description));
  return { ...(summary === undefined ? {} : { summary }), ...(description === undefined ? {} : { description }), kept, synced: syncedTextOf(agreed) };
}

/** The issue description: Impact's text, then where it comes from. */
export function followUpDescription(description: string, incidentId: string, incidentIssueKey: string): AdfDoc {
  const lines = description
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return doc([...lines.map((p) => paragraph(p)), paragraph(`${FOLLOW_UP_SOURCE_PREFIX}${incidentId} (${incidentIssueKey}).`)]);
}

/**
 * The follow-up status the Jira issue's status category asks for, or null when Impact already agrees:
 * to do → OPEN, in progress → IN_PROGRESS, done → DONE (a CANCELLED follow-up counts as done).
 */
export function followUpStatusFor(category: StatusCategoryKey | 'unknown', current: FollowUpStatus): FollowUpStatus | null {
  if (category === 'unknown') return null;
  const target: FollowUpStatus = category === 'done' ? 'DONE' : category === 'indeterminate' ? 'IN_PROGRESS' : 'OPEN';
  if (current === target || (category === 'done' && current === 'CANCELLED')) return null;
  return target;
}

/** The record's pairs with `pair` in place of the one for the same follow-up (newest version, deletion sticks). */
export function upsertFollowUpPair(pairs: readonly FollowUpPair[], pair: FollowUpPair): FollowUpPair[] {
  const stored = pairs.find((p) => p.followUpId === pair.followUpId);
  const merged: FollowUpPair = stored
    ? {
        followUpId: pair.followUpId,
        issueId: pair.issueId ?? stored.issueId,
        issueKey: pair.issueKey ?? stored.issueKey,
        version: Math.max(pair.version, stored.version),
        ...(pair.deleted || stored.deleted ? { deleted: true as const } : {}),
        ...(pair.synced || stored.synced ? { synced: { ...stored.synced, ...pair.synced } } : {}),
        ...(pair.impactVersion !== undefined || stored.impactVersion !== undefined ? { impactVersion: Math.max(pair.impactVersion ?? 0, stored.impactVersion ?? 0) } : {}),
      }
    : pair;
  return [...pairs.filter((p) => p.followUpId !== pair.followUpId), merged];
}
