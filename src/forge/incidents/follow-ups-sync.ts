/**
 * Follow-ups (action items) as Jira issues (issue 15 item 9), without echo.
 * - Impact → Jira: a follow-up a person creates becomes an issue (project and type from the incident mapping's
 *   `followUps`) linked to the incident issue, carrying the indexed `impact-follow-up` property; creation is
 *   idempotent (a creation marker, and a lookup by the property when an earlier attempt holds it). Title and
 *   description changes follow. The issue's key is written back as the follow-up's `external_issue`, with the
 *   app's origin marker (its webhook is our echo and is dropped).
 * - Jira → Impact: the issue's status category becomes the follow-up's status (trigger → the incident's lane →
 *   `applyJiraFollowUpStatus`), with the app's marker and If-Match. The app's own Jira writes never reach the
 *   trigger (`ignoreSelf`).
 * Decisions: domain/incidents/follow-ups.ts; the pairs live in the incident record (compare-and-set).
 */
import { impactFollowUpWebhookSchema } from '../../shared/impact/webhook';
import { describeZodError } from '../../shared/zod-error';
import {
  FOLLOW_UP_PROPERTY_KEY,
  decideFollowUpChange,
  decideFollowUpFromJira,
  decideFollowUpToJira,
  jiraCommentTime as jiraTime,
  followUpTextOfIssue,
  syncedTextOf,
  followUpDescription,
  followUpIssueJql,
  followUpProperty,
  followUpSettingsOf,
  linkTypeCandidates,
  upsertFollowUpPair,
  type FollowUpJiraField,
  type FollowUpPair,
} from '../domain/incidents';
import type { StatusCategoryKey } from '../domain/workflow/workflow-path';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { describeJiraFailure, type JiraFailure } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { ImpactEventResult, IncidentDeps } from './apply-impact-event';
import { SYNC_OFF_SUMMARY, configForIncident, loadSiteSettings, type SiteIncidentSettings } from './incident-settings';
import { IncidentKeys, loadRecord, updateRecord, type IncidentRecord } from './incident-store';

/** Whether a webhook body is a follow-up event (the consumer's incident path hands those here). */
export const isFollowUpEvent = (body: unknown): boolean => {
  const event = (body as { event?: unknown } | null)?.event;
  return typeof event === 'string' && event.startsWith('incident.follow_up_');
};

/** What the follow-up issue index holds (`incident-fu-issue:<issueId>`). */
export interface FollowUpIssueIndex {
  readonly incidentId: string;
  readonly followUpId: string;
}

const CREATION_MARKER_TTL_SECONDS = 7 * 24 * 3600;

async function storePair(deps: IncidentDeps, incidentId: string, pair: FollowUpPair): Promise<void> {
  await updateRecord(deps.store, incidentId, (latest) => ({ ...latest, followUps: upsertFollowUpPair(latest.followUps ?? [], pair) }));
}

/** What applyImpactEvent has read already (the settings, and the record when the body named the incident). */
export interface LoadedForFollowUp {
  readonly settings: SiteIncidentSettings;
  readonly record: IncidentRecord | null;
}

/** An Impact follow-up event → its Jira issue created or edited. */
export async function applyImpactFollowUpEvent(body: unknown, deps: IncidentDeps, loaded?: LoadedForFollowUp): Promise<ImpactEventResult> {
  const parsed = impactFollowUpWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: describeZodError(parsed.error).join('; ') };
  const webhook = parsed.data;
  const incidentId = webhook.incident.id;
  const followUp = webhook.follow_up;
  const [settings, record] = await Promise.all([loaded?.settings ?? loadSiteSettings(deps.store), loaded?.record ?? loadRecord(deps.store, incidentId)]);
  const done = (summary: string, problems: readonly string[] = []): ImpactEventResult => ({ ok: true, incidentId, summary, problems });
  // applyImpactEvent asks the switch first; asked again so this entry point never writes while the sync is off.
  if (!settings.routing.enabled) return { ok: true, incidentId, summary: SYNC_OFF_SUMMARY, problems: [], skipped: true };
  // The origin marker is site-wide (not a per-project field): our own echo is dropped before anything else is read.
  const originMarker = settings.site.originMarker;
  if (webhook.origin.marker === originMarker) return done(`own change of follow-up ${followUp.id}: not copied back`);
  const link = record.link;
  const kind = webhook.event === 'incident.follow_up_created' ? 'created' : webhook.event === 'incident.follow_up_updated' ? 'updated' : 'deleted';
  // The incident's own events make its issue (the queue may run this one first): try again later, as for an
  // outage, so the follow-up is not lost; on the last attempt it is a failed delivery saying why.
  if (!link && kind !== 'deleted') {
    const message = `incident ${incidentId} has no Jira issue yet to link follow-up ${followUp.id} to`;
    return { ok: false, kind: 'jira', incidentId, failure: { kind: 'unavailable', status: undefined, message }, reason: message };
  }
  const decision = decideFollowUpChange(
    record.followUps?.find((p) => p.followUpId === followUp.id),
    { kind, followUp, changed: Object.keys(webhook.updated_fields) },
  );
  const failed = (failure: JiraFailure, what: string): ImpactEventResult => ({ ok: false, kind: 'jira', incidentId, failure, reason: `${what} of follow-up ${followUp.id}: ${describeJiraFailure(failure)}` });
  if (decision.kind === 'skip') {
    if (decision.pair) await storePair(deps, incidentId, decision.pair);
    return done(decision.reason);
  }
  if (!link) return done(`follow-up ${followUp.id}: the incident has no issue`);
  switch (decision.kind) {
    case 'edit-issue': {
      const pair = record.followUps?.find((p) => p.followUpId === followUp.id);
      // The app wrote the follow-up (from Jira) after this event's version: its snapshot is stale, use Impact's text now.
      let fieldsToApply = decision.fields;
      let changedAtMs = Date.parse(followUp.updated_at);
      if (pair?.impactVersion !== undefined && followUp.version < pair.impactVersion) {
        const current = await deps.impact.getFollowUp(incidentId, followUp.id);
        if (!current.ok && current.failure.kind !== 'not-found') {
          // Retried like an outage (the event result's failure is Jira-shaped; the queue only needs its kind).
          const message = `reading follow-up ${followUp.id}: ${describeImpactFailure(current.failure)}`;
          return { ok: false, kind: 'jira', incidentId, failure: { kind: 'unavailable', status: undefined, message }, reason: message };
        }
        if (!current.ok) return done(`follow-up ${followUp.id} is gone from Impact`);
        fieldsToApply = {
          ...(decision.fields.summary !== undefined ? { summary: current.value.title } : {}),
          ...(decision.fields.description !== undefined ? { description: current.value.description } : {}),
        };
        changedAtMs = Date.parse(current.value.updated_at);
      }
      // With a synced base, Jira is read first: a person's later edit there is not overwritten (its event brings it here).
      const unguarded = { ...fieldsToApply, kept: [], synced: syncedTextOf({ title: fieldsToApply.summary, description: fieldsToApply.description }) };
      const guarded = pair?.synced ? await guardAgainstLaterJiraEdit(deps.jira, decision.issueId, fieldsToApply, changedAtMs, pair) : { ok: true as const, value: unguarded };
      if (!guarded.ok && guarded.failure.kind !== 'not-found') return failed(guarded.failure, 'reading the issue');
      const toWrite = guarded.ok ? guarded.value : fieldsToApply;
      const kept = guarded.ok && guarded.value.kept.length > 0 ? ` (kept: ${guarded.value.kept.join('; ')})` : '';
      const fields = {
        ...(toWrite.summary !== undefined ? { summary: toWrite.summary } : {}),
        ...(toWrite.description !== undefined ? { description: followUpDescription(toWrite.description, incidentId, link.issueKey) } : {}),
      };
      const edited = Object.keys(fields).length === 0 ? { ok: true as const, value: undefined } : await deps.jira.editIssue(decision.issueId, fields);
      if (!edited.ok && edited.failure.kind !== 'not-found') return failed(edited.failure, 'editing the issue');
      const synced = guarded.ok ? guarded.value.synced : unguarded.synced;
      if (pair) await storePair(deps, incidentId, { ...pair, version: followUp.version, synced, ...(edited.ok ? {} : { deleted: true as const }) });
      if (!edited.ok) return done(`follow-up ${followUp.id}: its issue is gone`);
      if (Object.keys(fields).length === 0) return done(`follow-up ${followUp.id}: ${pair?.issueKey ?? decision.issueId} shows it already${kept}`);
      return done(`follow-up ${followUp.id} → ${pair?.issueKey ?? decision.issueId} edited (${Object.keys(fields).join(', ')})${kept}`);
    }
    case 'create-issue': {
      // The settings of the incident's project (its own over the site default), as for the incident issue itself:
      // `followUps` without a project puts the issue in the project the incident issue is in now.
      const target = followUpSettingsOf(await configForIncident(deps.store, settings, link, null));
      const earlier = await claimOrFind(deps, IncidentKeys.creatingFollowUp(incidentId, followUp.id), followUpIssueJql(incidentId, followUp.id));
      if (earlier.kind === 'failed') return failed(earlier.failure, 'looking up the issue');
      let issue = earlier.kind === 'found' ? earlier.issue : null;
      const problems: string[] = [];
      if (issue === null) {
        const created = await deps.jira.createIssue(
          {
            project: { key: target.projectKey },
            issuetype: { name: target.issueType },
            summary: decision.summary,
            description: followUpDescription(decision.description, incidentId, link.issueKey),
          },
          [{ key: FOLLOW_UP_PROPERTY_KEY, value: followUpProperty(incidentId, followUp.id) }],
        );
        if (!created.ok) return failed(created.failure, 'creating the issue');
        issue = created.value;
      }
      // Also for an issue an earlier attempt made: it may have stopped before linking (Jira keeps one link per type and pair).
      const linked = await linkFollowUp(deps.jira, [target.linkType, 'Relates', 'Blocks'], issue.key, link.issueKey);
      if (!linked.startsWith('linked')) problems.push(`${issue.key} ${linked}`);
      await deps.store.set(IncidentKeys.followUpIssue(issue.id), { incidentId, followUpId: followUp.id } satisfies FollowUpIssueIndex);
      const synced = syncedTextOf({ title: decision.summary, description: decision.description });
      await storePair(deps, incidentId, { followUpId: followUp.id, issueId: issue.id, issueKey: issue.key, version: followUp.version, synced });
      // Impact shows where the follow-up is tracked; this write's webhook carries our marker (dropped).
      if (followUp.external_issue?.key !== issue.key) {
        const written = await deps.impact.updateFollowUp(incidentId, followUp.id, { origin: originMarker, changes: { external_issue: { key: issue.key, url: null } } });
        if (!written.ok) problems.push(`external_issue not written to Impact: ${describeImpactFailure(written.failure)}`);
      }
      return done(`follow-up ${followUp.id} → ${issue.key}${earlier.kind === 'found' ? ' (found, created by an earlier attempt)' : ''}`, problems);
    }
  }
}

/** The Impact edit's fields less those a person changed in Jira later (decideFollowUpToJira); one Jira read. */
async function guardAgainstLaterJiraEdit(
  jira: JiraIncidentPort,
  issueId: string,
  fields: { readonly summary?: string; readonly description?: string },
  changedAt: number,
  pair: FollowUpPair,
): Promise<{ ok: true; value: ReturnType<typeof decideFollowUpToJira> } | { ok: false; failure: JiraFailure }> {
  const read = await jira.getIssueFields(issueId, ['summary', 'description', 'updated']);
  if (!read.ok) return read;
  const updated = typeof read.value['updated'] === 'string' ? jiraTime(read.value['updated']) : null;
  const issue = { summary: typeof read.value['summary'] === 'string' ? read.value['summary'] : '', description: followUpTextOfIssue(read.value['description']), updatedAt: updated };
  return { ok: true, value: decideFollowUpToJira({ fields, issue, changedAt, synced: pair.synced }) };
}

/** The creation marker, or when an earlier attempt holds it, the issue that attempt may have created. */
async function claimOrFind(deps: IncidentDeps, markerKey: string, jql: string): Promise<{ kind: 'claimed' } | { kind: 'found'; issue: { id: string; key: string } } | { kind: 'failed'; failure: JiraFailure }> {
  if (await deps.store.setIfAbsent(markerKey, { at: deps.clock.now() }, { ttlSeconds: CREATION_MARKER_TTL_SECONDS })) return { kind: 'claimed' };
  const found = await deps.jira.findIssues(jql);
  if (!found.ok) return { kind: 'failed', failure: found.failure };
  const issue = found.value[0];
  return issue ? { kind: 'found', issue } : { kind: 'claimed' };
}

/** The follow-up issue "relates to" the incident issue: the configured link type first, never a hierarchy one. */
async function linkFollowUp(jira: JiraIncidentPort, preference: readonly string[], followUpKey: string, incidentKey: string): Promise<string> {
  const types = await jira.getLinkTypes();
  const names = types.ok ? linkTypeCandidates(types.value, preference).map((t) => t.name) : [...new Set(preference)];
  const refusals: string[] = types.ok ? [] : [`link types: ${describeJiraFailure(types.failure)}`];
  for (const name of names) {
    const linked = await jira.linkIssues({ type: { name }, inwardIssue: { key: followUpKey }, outwardIssue: { key: incidentKey } });
    if (linked.ok) return `linked (${name})`;
    refusals.push(`${name}: ${describeJiraFailure(linked.failure)}`);
  }
  return `not linked (${refusals.join('; ') || 'no link type accepted'})`;
}

export type FollowUpStatusResult =
  | { readonly kind: 'applied'; readonly summary: string }
  /** The incident sync is off: nothing was read or written (a later status change, once on, brings it over). */
  | { readonly kind: 'sync-off' }
  | { readonly kind: 'failed'; readonly failure: ImpactFailure | JiraFailure; readonly reason: string };

/** A follow-up issue changed in Jira (the `follow-up-status` job). */
export interface JiraFollowUpChange {
  readonly incidentId: string;
  readonly followUpId: string;
  readonly issueId: string;
  /** What the person changed; absent (jobs queued before text flowed back): the status. */
  readonly fields?: readonly FollowUpJiraField[];
  readonly issueKey?: string;
  /** The change's time (ms), from the event. */
  readonly changedAt?: number;
}

const STATUS_CATEGORIES: readonly string[] = ['new', 'indeterminate', 'done'];

/**
 * A person changed a follow-up issue in Jira (status, summary, description) → the same on its Impact follow-up.
 * Reads the issue now (events come in any order, so the event's own values may be stale) and the follow-up
 * (values, version), decides per field (domain decideFollowUpFromJira: only the fields the change named; a
 * newer edit in Impact is not overwritten), writes only what differs, conditional on that version; a 409 is
 * read and decided again once. The write carries the app's marker, so its webhook is dropped as our own.
 */
export async function applyJiraFollowUpStatus(job: JiraFollowUpChange, deps: IncidentDeps): Promise<FollowUpStatusResult> {
  const { incidentId, followUpId, issueId } = job;
  const fields = job.fields ?? ['status'];
  const textChanged = fields.includes('summary') || fields.includes('description');
  // The switch and the origin marker (site-wide, the same in every project's settings) in one KVS call.
  const [settings, record] = await Promise.all([loadSiteSettings(deps.store), textChanged ? loadRecord(deps.store, incidentId) : Promise.resolve(null)]);
  if (!settings.routing.enabled) return { kind: 'sync-off' };
  const originMarker = settings.site.originMarker;
  const issue = await readFollowUpIssue(deps.jira, issueId, textChanged);
  if (!issue.ok) {
    if (issue.failure.kind === 'not-found') return { kind: 'applied', summary: `follow-up issue ${issueId} is gone` };
    return { kind: 'failed', failure: issue.failure, reason: `reading follow-up issue ${issueId}: ${describeJiraFailure(issue.failure)}` };
  }
  const key = issue.value.key ?? job.issueKey ?? issueId;
  const pair = record?.followUps?.find((p) => p.followUpId === followUpId);
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const followUp = await deps.impact.getFollowUp(incidentId, followUpId);
    if (!followUp.ok) {
      if (followUp.failure.kind === 'not-found') return { kind: 'applied', summary: `follow-up ${followUpId} is gone from Impact` };
      return { kind: 'failed', failure: followUp.failure, reason: `reading follow-up ${followUpId}: ${describeImpactFailure(followUp.failure)}` };
    }
    const decision = decideFollowUpFromJira({
      fields,
      issue: issue.value,
      followUp: { ...followUp.value, updatedAt: Date.parse(followUp.value.updated_at) },
      synced: pair?.synced,
      changedAt: job.changedAt ?? deps.clock.now(),
    });
    const changes = decision.changes;
    const kept = decision.kept.length > 0 ? ` (kept: ${decision.kept.join('; ')})` : '';
    if (Object.keys(changes).length === 0) return { kind: 'applied', summary: `follow-up ${followUpId} agrees with ${key} already${kept}` };
    const written = await deps.impact.updateFollowUp(incidentId, followUpId, { origin: originMarker, changes, comment: `Updated from Jira ${key}` }, { ifVersion: followUp.value.version });
    if (written.ok) {
      // The text both sides now hold is the base the next change is judged against.
      // And its version: an Impact event older than this write carries a stale snapshot (read again when it comes).
      if (pair) await storePair(deps, incidentId, { ...pair, synced: syncedTextOf(changes), impactVersion: written.value.version });
      return { kind: 'applied', summary: `${key} → follow-up ${followUpId} ${Object.entries(changes).map(([f, v]) => (f === 'status' ? `status ${String(v)}` : f)).join(', ')}${kept}` };
    }
    if (written.failure.kind !== 'conflict') return { kind: 'failed', failure: written.failure, reason: `writing follow-up ${followUpId}: ${describeImpactFailure(written.failure)}` };
  }
  return { kind: 'failed', failure: { kind: 'unavailable', status: 409, message: 'kept changing' }, reason: `follow-up ${followUpId} kept changing while it was written` };
}

/** The issue's status category, summary and description text: one read (the status only when no text changed, as before). */
async function readFollowUpIssue(
  jira: JiraIncidentPort,
  issueId: string,
  withText: boolean,
): Promise<{ ok: true; value: { key: string | undefined; category: StatusCategoryKey | 'unknown'; summary: string; description: string } } | { ok: false; failure: JiraFailure }> {
  if (!withText) {
    const status = await jira.getIssueStatus(issueId);
    return status.ok ? { ok: true, value: { key: status.value.key, category: status.value.status.category, summary: '', description: '' } } : status;
  }
  const read = await jira.getIssueFields(issueId, ['status', 'summary', 'description']);
  if (!read.ok) return read;
  const category = (read.value['status'] as { statusCategory?: { key?: unknown } } | undefined)?.statusCategory?.key;
  return {
    ok: true,
    value: {
      key: undefined,
      category: typeof category === 'string' && STATUS_CATEGORIES.includes(category) ? (category as StatusCategoryKey) : 'unknown',
      summary: typeof read.value['summary'] === 'string' ? read.value['summary'] : '',
      description: followUpTextOfIssue(read.value['description']),
    },
  };
}
