import { impactWebhookSchema, type ImpactWebhook } from '../../shared/impact/webhook';
import { describeZodError } from '../../shared/zod-error';
import {
  GuardValues,
  cancelWrites,
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
  type UserLink,
} from '../domain/incidents';
import type { Clock } from '../ports/clock';
import { describeJiraFailure, type JiraFailure } from '../ports/jira';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { ImpactPort } from '../ports/impact';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { IncidentKeys, loadConfig, loadRecord, loadUsers, saveRecord, type IncidentRecord } from './incident-store';
import { ensureUserLink } from './users';
import { moveIssueToStatus } from './workflow';
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

/** A snapshot of an incident that has no issue (any more): nothing was written. */
export interface NotLinkedResult {
  readonly ok: false;
  readonly kind: 'not-linked';
  readonly incidentId: string;
}

export type ImpactEventResult =
  /** `problems`: what Jira refused (with its reason) while the rest of the event went through. */
  | { readonly ok: true; readonly incidentId: string; readonly summary: string; readonly problems: readonly string[] }
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
  const parsed = impactWebhookSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: describeZodError(parsed.error).join('; ') };
  let webhook = parsed.data;
  const incident = webhook.incident;
  const config = await loadConfig(deps.store);
  let record = await loadRecord(deps.store, incident.id);
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
  // The workflow is learned while moving (workflow.ts), so the plan only names the target status.
  const plan = planImpactToJira({
    webhook,
    config,
    link: record.link,
    jiraStatusId: null,
    workflow: { initialStatusId: '', statuses: [], transitions: [] },
    users,
    guard: record.guard,
    now,
  });
  const wantsMove = plan.commands.some((c) => c.kind === 'transition-issue') || plan.problems.some((p) => p.kind === 'unknown-status' || p.kind === 'no-transition-path');
  let guard = plan.guard;
  if (wantsMove) guard = planWrites(guard, [{ side: 'jira', entityId: incident.id, field: 'status', value: GuardValues.jiraStatus(jiraStatusFor(config.statuses, incident.status)) }], now, config.guard).state;
  record = { ...record, guard, known: knownAfter(record, webhook) };
  await saveRecord(deps.store, incident.id, record);

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
    record = { ...record, link, guard: cancelWrites(record.guard, failedKeys) };
    await saveRecord(deps.store, incident.id, record);
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
  if (wantsMove) steps.splice(moveAt < 0 ? steps.length : moveAt, 0, { kind: 'move' });

  for (const command of steps) {
    switch (command.kind) {
      case 'create-issue': {
        const created = await deps.jira.createIssue(command.fields, [command.property]);
        if (!created.ok) return failWith(created.failure, 'creating the incident issue');
        link = { incidentId: incident.id, issueId: created.value.id, issueKey: created.value.key, postMortem: null };
        await deps.store.set(IncidentKeys.byIssue(created.value.id), incident.id);
        await save();
        notes.push(`created ${created.value.key}`);
        break;
      }
      case 'edit-issue': {
        const target = ref(command.issue);
        if (!target) break;
        const edited = await deps.jira.editIssue(target.issueId, command.fields);
        if (!edited.ok) {
          if (retryable(edited.failure)) return failWith(edited.failure, `editing ${target.issueKey}`);
          cancel(['title', 'priority']);
          problem(`editing ${target.issueKey} refused: ${describeJiraFailure(edited.failure)}`);
        } else notes.push(`edited ${Object.keys(command.fields).join(', ')}`);
        break;
      }
      case 'move': {
        if (!link) break;
        const target = jiraStatusFor(config.statuses, incident.status);
        // CLOSED waits for the post-mortem, as the workflow validator would demand (closure-gate.ts).
        const held = incident.status === 'CLOSED' ? await closureHold(deps.jira, config, link) : null;
        if (held !== null) {
          cancel(['status']);
          notes.push(`${link.issueKey} not closed yet: ${held} It closes once the post-mortem is done.`);
          break;
        }
        const moved = await moveIssueToStatus(deps, config.fields.projectKey, link.issueId, target);
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
        const pm = await deps.jira.createIssue(command.fields, []);
        if (!pm.ok) {
          if (retryable(pm.failure)) return failWith(pm.failure, 'creating the post-mortem');
          problem(`creating the post-mortem refused: ${describeJiraFailure(pm.failure)}`);
          break;
        }
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
        const updated = await deps.jira.editIssue(command.postMortemIssueId, command.fields);
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
  const dropped = plan.dropped.map((d) => `${d.field} (${d.reason})`);
  const summary = [...notes, ...(dropped.length > 0 ? [`dropped ${dropped.join(', ')}`] : [])].join('; ') || 'nothing to do';
  return { ok: true, incidentId: incident.id, summary, problems };
}

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

function knownAfter(record: IncidentRecord, webhook: ImpactWebhook): IncidentRecord['known'] {
  const at = Date.parse(webhook.occurred_at);
  if (record.known && record.known.updatedAt > at) return record.known;
  const i = webhook.incident;
  return { status: i.status, priority: i.priority as 1 | 2 | 3 | 4 | 5, commander: i.commander ? { email: i.commander.email } : null, title: i.title, updatedAt: at };
}

function assertNever(x: never): never {
  throw new Error(`unhandled incident command ${JSON.stringify(x)}`);
}

export type { UserLink };
