import { impactWebhookSchema, type ImpactWebhook } from '../../shared/impact/webhook';
import type { ImpactIncident } from '../../shared/impact/incident';
import { describeZodError } from '../../shared/zod-error';
import {
  GuardValues,
  POST_MORTEM_PROPERTY_KEY,
  mergeOwnedSections,
  postMortemRefreshFields,
  type AdfDoc,
  cancelWrites,
  incidentIssueJql,
  postMortemIssueJql,
  postMortemProperty,
  guardForSnapshot,
  jiraStatusFor,
  linkTypeCandidates,
  planImpactToJira,
  planWrites,
  postMortemCreatedNote,
  type BounceKey,
  type IncidentLink,
  type IssueRef,
  type JiraCommand,
  type SyncPlan,
  type UserLink,
} from '../domain/incidents';
import { EMPTY_LEARNED_WORKFLOW, graphOf } from '../domain/workflow';
import type { Clock } from '../ports/clock';
import { describeJiraFailure, type JiraFailure, type JiraResult } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { ImpactPort } from '../ports/impact';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { CONVERGED_FIELDS, observeImpactVersion, observePersonChange, type ConvergenceLedger, EMPTY_LEDGER } from '../domain/incidents/convergence';
import { writeBestEffort } from './best-effort';
import { applyImpactNoteEvent, isNoteEvent } from './notes-sync';
import { applyImpactFollowUpEvent, isFollowUpEvent } from './follow-ups-sync';
import { convergeIncident, impactValuesOf } from './converge';
import { IncidentKeys, loadRecord, loadUsers, mergeLink, updateRecord, type IncidentRecord } from './incident-store';
import { SYNC_OFF_SUMMARY, configForIncident, loadSiteSettings } from './incident-settings';
import { impactIncidentIdSchema } from '../../shared/impact/incident';
import { z } from 'zod';
import { StorageKeys } from '../constants';
import { ensureUserLink } from './users';
import { locateIssue, moveIssue, moveIssueToStatus, type IssueInWorkflow, type MoveResult } from '../workflow';
import { closureHold } from './closure-gate';

export interface IncidentDeps {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly jira: JiraIncidentPort;
  readonly impact: ImpactPort;
}

export interface ApplyImpactOptions {
  /**
   * The webhook stands for Impact's current incident ("Resync now", resyncWebhook): its date and the
   * guard's Impact bounce keys are adjusted by guardForSnapshot on the record loaded here, and an incident
   * without an issue (unlinked meanwhile) is left alone rather than given a new one.
   */
  readonly snapshot?: boolean;
}

const incidentIdOnly = z.object({ incident: z.object({ id: impactIncidentIdSchema }) });

/** The record is read alongside the settings when the body names an incident (one round trip less). */
async function loadRecordOf(body: unknown, deps: IncidentDeps): Promise<IncidentRecord | null> {
  if (isNoteEvent(body)) return null;
  const named = incidentIdOnly.safeParse(body);
  return named.success ? loadRecord(deps.store, named.data.incident.id) : null;
}

function skippedWhileOff(body: unknown): ImpactEventResult {
  const named = incidentIdOnly.safeParse(body);
  if (!named.success) return { ok: false, kind: 'invalid', reason: describeZodError(named.error).join('; ') };
  return { ok: true, incidentId: named.data.incident.id, summary: SYNC_OFF_SUMMARY, problems: [], skipped: true };
}

/** A snapshot of an incident that has no issue (any more): nothing was written. */
export interface NotLinkedResult {
  readonly ok: false;
  readonly kind: 'not-linked';
  readonly incidentId: string;
}

export type ImpactEventResult =
  /** `problems`: what Jira refused (with its reason) while the rest of the event went through. */
  | { readonly ok: true; readonly incidentId: string; readonly summary: string; readonly problems: readonly string[]; readonly skipped?: true }
  | { readonly ok: false; readonly kind: 'invalid'; readonly reason: string }
  | { readonly ok: false; readonly kind: 'jira'; readonly incidentId: string; readonly failure: JiraFailure; readonly reason: string };

/**
 * One Impact webhook → Jira. The plan's guard state (bounce keys) is stored before any write; the link is
 * stored as soon as the issue exists, so a retried event never creates a second issue. Only a failed
 * create (or a retryable Jira failure) fails the event; other refusals are listed in the summary.
 */
export async function applyImpactEvent(body: unknown, deps: IncidentDeps): Promise<ImpactEventResult>;
export async function applyImpactEvent(body: unknown, deps: IncidentDeps, options: ApplyImpactOptions): Promise<ImpactEventResult | NotLinkedResult>;
export async function applyImpactEvent(body: unknown, deps: IncidentDeps, options: ApplyImpactOptions = {}): Promise<ImpactEventResult | NotLinkedResult> {
  const [settings, record0] = await Promise.all([loadSiteSettings(deps.store), loadRecordOf(body, deps)]);
  // The switch is off: acknowledged and logged as skipped, nothing written anywhere (not half-applied).
  if (!settings.routing.enabled) return skippedWhileOff(body);
  if (isNoteEvent(body)) return applyImpactNoteEvent(body, deps);
  if (isFollowUpEvent(body)) return applyImpactFollowUpEvent(body, deps, { settings, record: record0 });
  const parsed = impactWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: describeZodError(parsed.error).join('; ') };
  let webhook = parsed.data;
  const incident = webhook.incident;
  let record = record0 ?? (await loadRecord(deps.store, incident.id));
  // A linked incident follows its issue's project; a new one goes where its category routes it.
  const config = await configForIncident(deps.store, settings, record.link, incident.category);
  if (options.snapshot) {
    if (!record.link) return { ok: false, kind: 'not-linked', incidentId: incident.id };
    // A read of Impact, not an event: dated and guarded against the record as it is now (guardForSnapshot).
    const prepared = guardForSnapshot(record.guard, incident.id, deps.clock.now(), record.known?.updatedAt);
    record = { ...record, guard: prepared.guard };
    webhook = { ...webhook, occurred_at: new Date(prepared.occurredAt).toISOString() };
  }
  const ownOrigin = webhook.origin.marker === config.originMarker;

  let users = await loadUsers(deps.store);
  if (incident.commander && !ownOrigin) users = await ensureUserLink(incident.commander, users, deps.jira, deps.store, deps.clock.now());

  const now = deps.clock.now();
  // Status, priority, commander and title of a linked incident converge (converge.ts): the webhook only
  // records a person's change and Impact's version; the plan handles the one-way fields and post-mortems.
  const converging = record.link !== null;
  // An issue created from the incident starts from Impact's values: they are the last person's so far.
  const ledger = ledgerAfter(record.ledger ?? EMPTY_LEDGER, webhook, ownOrigin, options.snapshot ? now : null, !converging);
  const knownImpact = record.impact && record.impact.version > incident.version ? record.impact : { values: impactValuesOf(incident), version: incident.version };
  const plannedWebhook = converging ? withoutConvergedFields(webhook) : webhook;
  const targetStatus = jiraStatusFor(config.statuses, incident.status);
  const planOn = (at: IssueInWorkflow | undefined) =>
    planImpactToJira({ webhook: plannedWebhook, config, link: record.link, jiraStatusId: at?.status.id ?? null, workflow: graphOf(at?.learned ?? EMPTY_LEARNED_WORKFLOW, at?.status.id ?? ''), users, guard: record.guard, now });
  const movesStatus = (p: SyncPlan<JiraCommand>) => p.commands.some((c) => c.kind === 'transition-issue') || p.problems.some((x) => x.kind === 'unknown-status' || x.kind === 'no-transition-path');
  // Planned on no workflow first: only an event that moves the status reads the issue's place and the
  // learned workflow (src/forge/workflow), and is planned again on them; the engine runs that plan's steps.
  let plan = planOn(undefined);
  let located: JiraResult<IssueInWorkflow> | undefined;
  if (record.link && movesStatus(plan)) {
    located = await locateIssue(deps, config.fields.projectKey, record.link.issueId, targetStatus);
    if (located.ok) plan = planOn(located.value);
  }
  const planned = plan.commands.find((c) => c.kind === 'transition-issue');
  const wantsMove = movesStatus(plan);
  let guard = plan.guard;
  // No path planned yet (a new issue, or one the engine must explore): guard the target status it heads for.
  if (wantsMove && !planned) guard = planWrites(guard, [{ side: 'jira', entityId: incident.id, field: 'status', value: GuardValues.jiraStatus(targetStatus) }], now, config.guard).state;
  record = await updateRecord(deps.store, incident.id, (latest) => ({ ...latest, link: mergeLink(latest.link, record.link), guard, known: knownAfter(latest, webhook), ledger, impact: knownImpact }));

  // Refusals are noted (delivery summary) and collected as problems (a failed delivery the admin sees).
  const problems: string[] = plan.problems.flatMap((p) => (p.kind === 'unmatched-user' ? [`assignment skipped: commander ${p.email} has no Jira account`] : []));
  const notes: string[] = [...problems];
  const problem = (text: string) => {
    problems.push(text);
    notes.push(text);
    deps.logger.warn('incident sync problem', { incidentId: incident.id, problem: text });
  };
  const failedKeys: BounceKey[] = [];
  const cancel = (fields: readonly string[]) => failedKeys.push(...plan.bounceKeys.filter((k) => fields.includes(k.field)));
  let link = record.link;
  const ref = (issue: IssueRef): IncidentLink | null => (issue.kind === 'created' ? link : link && { ...link, issueId: issue.issueId, issueKey: issue.issueKey });
  const save = async () => {
    record = await updateRecord(deps.store, incident.id, (latest) => ({ ...latest, link: mergeLink(latest.link, link), guard: cancelWrites(latest.guard, failedKeys) }));
  };
  const failWith = async (failure: JiraFailure, what: string): Promise<ImpactEventResult> => {
    await save();
    return { ok: false, kind: 'jira', incidentId: incident.id, failure, reason: `${what}: ${describeJiraFailure(failure)}` };
  };
  const retryable = (f: JiraFailure) => f.kind === 'rate-limited' || f.kind === 'unavailable';

  type Step = Exclude<JiraCommand, { kind: 'transition-issue' }> | { readonly kind: 'move' };
  const commands: Step[] = plan.commands.filter((c): c is Exclude<JiraCommand, { kind: 'transition-issue' }> => c.kind !== 'transition-issue');
  // The move goes right after create/edit, before assignment and the post-mortem, as the plan orders them.
  const moveAt = commands.findIndex((c) => c.kind !== 'create-issue' && c.kind !== 'edit-issue');
  const steps: Step[] = [...commands];
  // The post-mortem's timeline follows every status change after it exists, whoever made it (the plan sees
  // key events; status is a converged field it no longer sees).
  const pmLink = record.link?.postMortem;
  if (pmLink && config.postMortem.enabled && 'status' in webhook.updated_fields && !steps.some((c) => c.kind === 'update-post-mortem')) {
    const fields = postMortemRefreshFields(config.postMortem, { incident, incidentIssueKey: record.link?.issueKey ?? null });
    if (Object.keys(fields).length > 0) steps.push({ kind: 'update-post-mortem', postMortemIssueId: pmLink.issueId, fields });
  }
  if (wantsMove) steps.splice(moveAt < 0 ? steps.length : moveAt, 0, { kind: 'move' });

  for (const command of steps) {
    switch (command.kind) {
      case 'create-issue': {
        // Idempotent: a retry after a create whose answer was lost finds that issue instead of a second one.
        const earlier = await claimOrFind(deps, IncidentKeys.creating(incident.id), incidentIssueJql(incident.id));
        if (earlier.kind === 'failed') return failWith(earlier.failure, 'looking for the issue an earlier attempt created');
        let issue = earlier.kind === 'found' ? earlier.issue : null;
        if (issue) notes.push(`found ${issue.key}, created by an earlier attempt`);
        else {
          const { result: created, dropped } = await writeBestEffort(command.fields, (fields) => deps.jira.createIssue(fields, [command.property]), CREATE_REQUIRED);
          for (const d of dropped) problem(`field ${d.field} left out of the new issue: ${d.reason}`);
          if (!created.ok) return failWith(created.failure, 'creating the incident issue');
          issue = created.value;
          notes.push(`created ${issue.key}`);
        }
        link = { incidentId: incident.id, issueId: issue.id, issueKey: issue.key, postMortem: null };
        await deps.store.setMany([
          { key: IncidentKeys.byIssue(issue.id), value: incident.id },
          { key: StorageKeys.issueIdByKey(issue.key), value: issue.id },
        ]);
        await save();
        break;
      }
      case 'edit-issue': {
        const target = ref(command.issue);
        if (!target) break;
        const { result: edited, dropped } = await writeBestEffort(command.fields, (fields) => deps.jira.editIssue(target.issueId, fields));
        for (const d of dropped) problem(`field ${d.field} left out of the edit of ${target.issueKey}: ${d.reason}`);
        if (!edited.ok) {
          if (retryable(edited.failure)) return failWith(edited.failure, `editing ${target.issueKey}`);
          cancel(['title', 'priority']);
          problem(`editing ${target.issueKey} refused: ${describeJiraFailure(edited.failure)}`);
        } else notes.push(`edited ${Object.keys(command.fields).join(', ')}`);
        break;
      }
      case 'move': {
        if (!link) break;
        const target = targetStatus;
        // CLOSED waits for the post-mortem, as the workflow validator would demand (closure-gate.ts).
        const held = incident.status === 'CLOSED' ? await closureHold(deps.jira, config, link) : null;
        if (held !== null) {
          cancel(['status']);
          notes.push(`${link.issueKey} not closed yet: ${held} It closes once the post-mortem is done.`);
          break;
        }
        const moved: MoveResult = !located
          ? await moveIssueToStatus(deps, config.fields.projectKey, link.issueId, target)
          : located.ok
            ? await moveIssue(deps, located.value, target, planned?.steps)
            : { ok: false, failure: located.failure, transitions: 0, steps: [] };
        if (moved.ok) {
          if (moved.transitions > 0) notes.push(`moved to ${target} in ${moved.transitions} step(s)`);
        } else if (moved.failure.kind === 'no-path') {
          cancel(['status']);
          problem(`no transition path for ${link.issueKey} from ${moved.failure.from} to ${target}`);
        } else if (retryable(moved.failure)) {
          return failWith(moved.failure, `moving ${link.issueKey} to ${target}`);
        } else {
          cancel(['status']);
          problem(`moving ${link.issueKey} to ${target} refused: ${describeJiraFailure(moved.failure)}`);
        }
        break;
      }
      case 'assign-issue': {
        const target = ref(command.issue);
        if (!target) break;
        const assigned = await deps.jira.assignIssue(target.issueId, command.accountId);
        if (!assigned.ok) {
          cancel(['commander']);
          problem(`assigning ${target.issueKey} failed: ${describeJiraFailure(assigned.failure)}`);
        } else notes.push(command.accountId ? 'assigned' : 'unassigned');
        break;
      }
      case 'create-post-mortem': {
        const target = ref(command.incidentIssue);
        if (!target) break;
        const earlierPm = await claimOrFind(deps, IncidentKeys.creatingPostMortem(incident.id), postMortemIssueJql(incident.id));
        if (earlierPm.kind === 'failed') return failWith(earlierPm.failure, 'looking for the post-mortem an earlier attempt created');
        const pm =
          earlierPm.kind === 'found'
            ? ({ ok: true, value: earlierPm.issue } as const)
            : await deps.jira.createIssue(command.fields, [{ key: POST_MORTEM_PROPERTY_KEY, value: postMortemProperty(incident.id) }]);
        if (!pm.ok) {
          if (retryable(pm.failure)) return failWith(pm.failure, 'creating the post-mortem');
          problem(`creating the post-mortem refused: ${describeJiraFailure(pm.failure)}`);
          break;
        }
        if (earlierPm.kind === 'found') notes.push(`found post-mortem ${pm.value.key}, created by an earlier attempt`);
        link = { ...target, postMortem: { issueId: pm.value.id, issueKey: pm.value.key } };
        await save();
        await deps.store.set(IncidentKeys.postMortemOf(pm.value.id), incident.id);
        notes.push(`post-mortem ${pm.value.key} ${await linkPostMortem(deps.jira, command.linkTypePreference, pm.value.key, target.issueKey)}`);
        if (command.assigneeAccountId) {
          const assigned = await deps.jira.assignIssue(pm.value.id, command.assigneeAccountId);
          if (!assigned.ok) problem(`assigning the post-mortem ${pm.value.key} failed: ${describeJiraFailure(assigned.failure)}`);
        }
        const note = postMortemCreatedNote(incident.id, pm.value.key, config.originMarker);
        if (note.kind === 'post-note') {
          const posted = await deps.impact.postNote(note.incidentId, note.request);
          if (!posted.ok) deps.logger.warn('post-mortem note not posted to Impact', { incidentId: incident.id, failure: posted.failure.kind });
        }
        break;
      }
      case 'update-post-mortem': {
        // Only the owned sections of the description change: it is merged into what Jira holds now.
        const { description: fresh, ...customFields } = command.fields as { description?: AdfDoc } & Record<string, unknown>;
        const fields: Record<string, unknown> = { ...customFields };
        if (fresh) {
          const current = await deps.jira.getIssueFields(command.postMortemIssueId, ['description']);
          if (!current.ok) {
            if (retryable(current.failure)) return failWith(current.failure, 'reading the post-mortem');
            problem(`reading the post-mortem refused: ${describeJiraFailure(current.failure)}`);
            break;
          }
          const merged = mergeOwnedSections(current.value['description'], fresh);
          if (merged) fields['description'] = merged;
        }
        if (Object.keys(fields).length === 0) break;
        const updated = await deps.jira.editIssue(command.postMortemIssueId, fields);
        if (!updated.ok) {
          if (retryable(updated.failure)) return failWith(updated.failure, 'refreshing the post-mortem');
          problem(`refreshing the post-mortem refused: ${describeJiraFailure(updated.failure)}`);
        } else notes.push('post-mortem timeline refreshed');
        break;
      }
      default:
        return assertNever(command);
    }
  }
  await save();
  if (link) {
    const linked = link;
    const converged = await convergeIncident(
      { incidentId: incident.id, issueId: linked.issueId, config, users, ledger: record.ledger ?? EMPTY_LEDGER, impact: record.impact ?? knownImpact, link: record.link ?? linked },
      deps,
    );
    record = await updateRecord(deps.store, incident.id, (latest) => ({
      ...latest,
      ledger: converged.ledger,
      impact: converged.impact,
      outOfSync: converged.outOfSync,
      known: converged.incident ? knownOf(converged.incident, now) : latest.known,
    }));
    notes.push(...converged.notes);
    for (const p of converged.problems) problem(p);
    if (converged.retryableJiraFailure) return { ok: false, kind: 'jira', incidentId: incident.id, failure: converged.retryableJiraFailure, reason: converged.problems.join('; ') };
  }
  const dropped = plan.dropped.map((d) => `${d.field} (${d.reason})`);
  const summary = [...notes, ...(dropped.length > 0 ? [`dropped ${dropped.join(', ')}`] : [])].join('; ') || 'nothing to do';
  return { ok: true, incidentId: incident.id, summary, problems };
}

/**
 * Takes the creation marker, or, when an earlier attempt holds it, looks for what that attempt may have
 * created (by the indexed entity property): `claimed` → create; `found` → use that issue.
 */
async function claimOrFind(
  deps: IncidentDeps,
  markerKey: string,
  jql: string,
): Promise<{ readonly kind: 'claimed' } | { readonly kind: 'found'; readonly issue: { readonly id: string; readonly key: string } } | { readonly kind: 'failed'; readonly failure: JiraFailure }> {
  if (await deps.store.setIfAbsent(markerKey, { at: deps.clock.now() }, { ttlSeconds: CREATION_MARKER_TTL_SECONDS })) return { kind: 'claimed' };
  const found = await deps.jira.findIssues(jql);
  if (!found.ok) return { kind: 'failed', failure: found.failure };
  const issue = found.value[0];
  return issue ? { kind: 'found', issue } : { kind: 'claimed' };
}

const CREATION_MARKER_TTL_SECONDS = 7 * 24 * 3600;
/** Fields without which there is no issue: a refusal of one of these fails the create. */
const CREATE_REQUIRED = ['project', 'issuetype', 'summary'];

/**
 * Tries each preferred link type (Relates → Blocks → "Relates to" by default; never a hierarchy link) until
 * Jira accepts one. When the link types cannot be read the preferred names are tried as they are. A
 * post-mortem without a link is still kept: the caller only notes it.
 */
async function linkPostMortem(jira: JiraIncidentPort, preference: readonly string[], postMortemKey: string, incidentKey: string): Promise<string> {
  const types = await jira.getLinkTypes();
  const names = types.ok ? linkTypeCandidates(types.value, preference).map((t) => t.name) : preference.filter((name) => !/parent|child|sub-?task/i.test(name));
  const refusals: string[] = types.ok ? [] : [`link types: ${describeJiraFailure(types.failure)}`];
  for (const name of names) {
    const linked = await jira.linkIssues({ type: { name }, inwardIssue: { key: postMortemKey }, outwardIssue: { key: incidentKey } });
    if (linked.ok) return `linked (${name})`;
    refusals.push(`${name}: ${describeJiraFailure(linked.failure)}`);
  }
  return `not linked (${refusals.join('; ') || 'no link type accepted'})`;
}

/**
 * The ledger after this webhook: a change by anyone but this app to a converged field is a person change
 * at `occurred_at` (a resync snapshot is the admin picking Impact's side: dated now).
 */
function ledgerAfter(ledger: ConvergenceLedger, webhook: ImpactWebhook, ownOrigin: boolean, snapshotAt: number | null, creating: boolean): ConvergenceLedger {
  let next = observeImpactVersion(ledger, webhook.incident.version);
  if (ownOrigin && !creating) return next;
  const values = impactValuesOf(webhook.incident);
  const at = snapshotAt ?? Date.parse(webhook.occurred_at);
  const changed = snapshotAt !== null || creating ? CONVERGED_FIELDS : CONVERGED_FIELDS.filter((f) => f in webhook.updated_fields);
  for (const field of changed) next = observePersonChange(next, field, { side: 'impact', value: values[field], at });
  return next;
}

/** The webhook without the converged fields, for the one-way plan (post-mortems, mapped fields). */
function withoutConvergedFields(webhook: ImpactWebhook): ImpactWebhook {
  const rest = Object.fromEntries(Object.entries(webhook.updated_fields).filter(([field]) => !(CONVERGED_FIELDS as readonly string[]).includes(field)));
  if (webhook.event === 'incident.key_events_updated') return webhook;
  return { ...webhook, event: 'incident.updated', updated_fields: rest };
}

function knownAfter(record: IncidentRecord, webhook: ImpactWebhook): IncidentRecord['known'] {
  const at = Date.parse(webhook.occurred_at);
  if (record.known && record.known.updatedAt > at) return record.known;
  return knownOf(webhook.incident, at);
}

/** What the panel shows of Impact's side: the incident as last read, written or reported, and when. */
export function knownOf(i: ImpactIncident, at: number): NonNullable<IncidentRecord['known']> {
  return { status: i.status, priority: i.priority as 1 | 2 | 3 | 4 | 5, commander: i.commander ? { email: i.commander.email, name: i.commander.name } : null, title: i.title, url: i.url, updatedAt: at };
}

function assertNever(x: never): never {
  throw new Error(`unhandled incident command ${JSON.stringify(x)}`);
}

export type { UserLink };
