import { IMPACT_UPDATABLE_FIELDS, type ImpactIncident, type ImpactUpdatableField } from '../../../shared/impact/incident';
import type { ImpactWebhook } from '../../../shared/impact/webhook';
import type { IncidentSyncConfig } from './config';
import type { IssueRef, JiraCommand, SyncProblem } from './commands';
import { createOnlyFields, mapIncidentFields, summaryFor, type MappedIncidentField } from './field-mapping';
import { INCIDENT_PROPERTY_KEY, incidentProperty, type IncidentLink } from './link';
import { evaluateEvent, planWrites, type BounceKey, type DropReason, type GuardState, type PlannedWrite } from './loop-guard';
import { postMortemCreateFields, postMortemRefreshFields, renderPostMortem } from './post-mortem';
import { jiraStatusFor, statusesAgree } from './status-map';
import { GuardValues, stableValue } from './sync-values';
import { accountIdForEmail, type UserLink } from './user-matching';
import { findTransitionPath, type WorkflowGraph } from '../workflow/workflow-path';

export interface ImpactToJiraInput {
  readonly webhook: ImpactWebhook;
  readonly config: IncidentSyncConfig;
  /** null: the incident has no Jira issue yet (it is created whatever the event). */
  readonly link: IncidentLink | null;
  /** Current status id of the linked issue, read by the adapter; ignored when link is null. */
  readonly jiraStatusId: string | null;
  readonly workflow: WorkflowGraph;
  /** Cached Impact user ⇄ Jira account pairs. */
  readonly users: readonly UserLink[];
  readonly guard: GuardState;
  readonly now: number;
}

export interface SyncPlan<C> {
  readonly commands: readonly C[];
  /** Persist BEFORE executing the commands (it holds the bounce keys). */
  readonly guard: GuardState;
  readonly bounceKeys: readonly BounceKey[];
  readonly dropped: readonly { readonly field: string; readonly reason: DropReason }[];
  readonly problems: readonly SyncProblem[];
}

/** Fields that flow Impact → Jira (key events go to the post-mortem, not the incident issue). */
const SYNCED = IMPACT_UPDATABLE_FIELDS.filter((field): field is Exclude<ImpactUpdatableField, 'key_events'> => field !== 'key_events');

function guardValue(incident: ImpactIncident, field: ImpactUpdatableField): string {
  switch (field) {
    case 'status':
      return GuardValues.impactStatus(incident.status);
    case 'priority':
      return GuardValues.priority(incident.priority);
    case 'commander':
      return GuardValues.impactCommander(incident.commander);
    case 'title':
      return GuardValues.title(incident.title);
    default:
      return stableValue(incident[field]);
  }
}

const isMapped = (field: ImpactUpdatableField): field is MappedIncidentField => field !== 'status' && field !== 'commander' && field !== 'key_events';

/** Impact webhook → Jira commands. */
export function planImpactToJira(input: ImpactToJiraInput): SyncPlan<JiraCommand> {
  const { webhook, config, link } = input;
  const incident = webhook.incident;
  const occurredAt = Date.parse(webhook.occurred_at);
  const ownOrigin = webhook.origin.marker === config.originMarker;
  const creating = link === null;

  const changed: readonly ImpactUpdatableField[] =
    creating || webhook.event === 'incident.created' ? [...SYNCED, 'key_events'] : (Object.keys(webhook.updated_fields) as ImpactUpdatableField[]);

  let guard = input.guard;
  const applied = new Set<ImpactUpdatableField>();
  const dropped: { field: string; reason: DropReason }[] = [];
  for (const field of changed) {
    const result = evaluateEvent(guard, { side: 'impact', entityId: incident.id, field, value: guardValue(incident, field), occurredAt, ownOrigin }, input.now);
    guard = result.state;
    if (result.decision.action === 'apply') applied.add(field);
    else dropped.push({ field, reason: result.decision.reason });
  }

  const commands: JiraCommand[] = [];
  const writes: PlannedWrite[] = [];
  const problems: SyncProblem[] = [];
  const jiraWrite = (field: string, value: string) => writes.push({ side: 'jira', entityId: incident.id, field, value });
  const issue: IssueRef = link ? { kind: 'issue', issueId: link.issueId, issueKey: link.issueKey } : { kind: 'created' };

  if (creating) {
    commands.push({
      kind: 'create-issue',
      incidentId: incident.id,
      fields: { ...createOnlyFields(config.fields), ...mapIncidentFields(incident, config.fields) },
      property: { key: INCIDENT_PROPERTY_KEY, value: incidentProperty(incident.id, incident.url) },
    });
  } else {
    const only = new Set([...applied].filter(isMapped));
    if (only.size > 0) {
      const fields = mapIncidentFields(incident, config.fields, only);
      commands.push({ kind: 'edit-issue', issue, fields });
      if (only.has('title')) jiraWrite('title', GuardValues.title(summaryFor(incident)));
      if (only.has('priority')) jiraWrite('priority', GuardValues.priority(incident.priority));
    }
  }

  if (creating || applied.has('status')) {
    const fromStatusId = creating ? input.workflow.initialStatusId : input.jiraStatusId ?? input.workflow.initialStatusId;
    const current = input.workflow.statuses.find((s) => s.id === fromStatusId);
    if (!current || !statusesAgree(config.statuses, incident.status, current.name)) {
      const target = jiraStatusFor(config.statuses, incident.status);
      const path = findTransitionPath(input.workflow, fromStatusId, target);
      if (path.ok) {
        commands.push({ kind: 'transition-issue', issue, steps: path.steps, targetStatusName: target });
        for (const step of path.steps) jiraWrite('status', GuardValues.jiraStatus(step.toStatusName));
      } else if (path.reason === 'no-path') {
        problems.push({ kind: 'no-transition-path', target: path.target, fromStatusId, available: path.available });
      } else {
        problems.push({ kind: 'unknown-status', target: path.target, fromStatusId });
      }
    }
  }

  if ((creating && incident.commander !== null) || (!creating && applied.has('commander'))) {
    const commander = incident.commander;
    const accountId = commander ? accountIdForEmail(input.users, commander.email) : null;
    if (commander && accountId === null) {
      problems.push({ kind: 'unmatched-user', email: commander.email, name: commander.name });
    } else {
      commands.push({ kind: 'assign-issue', issue, accountId });
      jiraWrite('commander', GuardValues.jiraAssignee(accountId));
    }
  }

  const pm = config.postMortem;
  const reachedPostMortem = incident.status === 'POST_MORTEM' || incident.status_history.some((h) => h.status === 'POST_MORTEM');
  if (pm.enabled && reachedPostMortem && (link === null || link.postMortem === null)) {
    const render = renderPostMortem(pm, { incident, incidentIssueKey: link?.issueKey ?? null });
    const commanderAccount = incident.commander ? accountIdForEmail(input.users, incident.commander.email) : null;
    commands.push({
      kind: 'create-post-mortem',
      incidentId: incident.id,
      incidentIssue: issue,
      fields: postMortemCreateFields(pm, render),
      linkTypePreference: pm.linkTypePreference,
      assigneeAccountId: commanderAccount,
    });
  } else if (pm.enabled && link?.postMortem && applied.has('key_events')) {
    const fields = postMortemRefreshFields(pm, { incident, incidentIssueKey: link.issueKey });
    if (Object.keys(fields).length > 0) commands.push({ kind: 'update-post-mortem', postMortemIssueId: link.postMortem.issueId, fields });
  }

  const plan = planWrites(guard, writes, input.now, config.guard);
  return { commands, guard: plan.state, bounceKeys: plan.bounceKeys, dropped, problems };
}
