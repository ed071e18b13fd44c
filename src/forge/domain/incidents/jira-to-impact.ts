import type { ImpactPriority, ImpactStatus, ImpactUser } from '../../../shared/impact/incident';
import type { UpdateIncidentRequest } from '../../../shared/impact/api';
import type { IncidentSyncConfig } from './config';
import type { ImpactCommand, SyncProblem } from './commands';
import type { SyncPlan } from './impact-to-jira';
import { parseChangelog, type JiraChangelogItem } from './jira-changelog';
import type { IncidentLink } from './link';
import { evaluateEvent, planWrites, type DropReason, type GuardState, type PlannedWrite } from './loop-guard';
import { impactStatusFor, statusesAgree } from './status-map';
import { GuardValues, type SyncField } from './sync-values';
import { impactUserForAccount, normalizeEmail, type UserLink } from './user-matching';

/** What the app last knew of the incident (from the last webhook or API read); used to skip no-op writes. */
export interface KnownIncident {
  readonly status: ImpactStatus;
  readonly priority: ImpactPriority;
  /** `name` (for the issue panel) is absent from records stored before it was kept. */
  readonly commander: (Pick<ImpactUser, 'email'> & { readonly name?: string }) | null;
  readonly title: string;
  /** The incident's page in Impact, for the issue panel; absent from older records. */
  readonly url?: string | null;
}

export interface JiraToImpactInput {
  readonly link: IncidentLink;
  readonly items: readonly JiraChangelogItem[];
  /** The change was made by this app (Forge `ignoreSelf` normally filters these out already). */
  readonly actorIsApp: boolean;
  /** When Jira made the change (changelog `created`), ms. */
  readonly occurredAt: number;
  readonly config: IncidentSyncConfig;
  readonly users: readonly UserLink[];
  readonly incident: KnownIncident | null;
  readonly guard: GuardState;
  readonly now: number;
}

type Changes = UpdateIncidentRequest['changes'];

/** Jira issue-updated changelog → Impact API commands, through the reverse maps. */
export function planJiraToImpact(input: JiraToImpactInput): SyncPlan<ImpactCommand> {
  const { config, link, incident } = input;
  const entityId = link.incidentId;
  let guard = input.guard;
  const dropped: { field: string; reason: DropReason }[] = [];
  const problems: SyncProblem[] = [];
  const writes: PlannedWrite[] = [];
  const notes: string[] = [];
  const changes: { -readonly [K in keyof Changes]: Changes[K] } = {};

  const admit = (field: SyncField, value: string): boolean => {
    const result = evaluateEvent(guard, { side: 'jira', entityId, field, value, occurredAt: input.occurredAt, ownOrigin: input.actorIsApp }, input.now);
    guard = result.state;
    if (result.decision.action === 'drop') dropped.push({ field, reason: result.decision.reason });
    return result.decision.action === 'apply';
  };
  const write = (field: SyncField, value: string) => writes.push({ side: 'impact', entityId, field, value });

  for (const change of parseChangelog(input.items, config.fields.priority)) {
    switch (change.field) {
      case 'status': {
        const mapped = impactStatusFor(config.statuses, change.statusName);
        if (mapped === null) {
          problems.push({ kind: 'unmapped-jira-status', statusName: change.statusName });
          break;
        }
        if (!admit('status', GuardValues.jiraStatus(change.statusName))) break;
        if (incident && statusesAgree(config.statuses, incident.status, change.statusName)) break;
        changes.status = mapped;
        write('status', GuardValues.impactStatus(mapped));
        break;
      }
      case 'priority': {
        if (change.priority === null) {
          problems.push({ kind: 'unmapped-priority', display: change.display });
          break;
        }
        if (!admit('priority', GuardValues.priority(change.priority))) break;
        if (incident?.priority === change.priority) break;
        changes.priority = change.priority;
        write('priority', GuardValues.priority(change.priority));
        break;
      }
      case 'assignee': {
        if (!admit('commander', GuardValues.jiraAssignee(change.accountId))) break;
        if (change.accountId === null) {
          if (incident && incident.commander === null) break;
          changes.commander = null;
          write('commander', GuardValues.impactCommander(null));
          break;
        }
        const user = impactUserForAccount(input.users, change.accountId);
        if (user === null) {
          problems.push({ kind: 'unmatched-account', accountId: change.accountId, displayName: change.displayName });
          notes.push(`Jira assignee of ${link.issueKey} changed to ${change.displayName ?? change.accountId}, who has no matching Impact user; the commander was not changed.`);
          break;
        }
        if (incident?.commander && normalizeEmail(incident.commander.email) === normalizeEmail(user.email)) break;
        changes.commander = { email: user.email };
        write('commander', GuardValues.impactCommander(user));
        break;
      }
      case 'summary': {
        const title = GuardValues.title(change.summary);
        if (title === '' || !admit('title', title)) break;
        if (incident && GuardValues.title(incident.title) === title) break;
        changes.title = title;
        write('title', title);
        break;
      }
    }
  }

  const commands: ImpactCommand[] = [];
  if (Object.keys(changes).length > 0) {
    commands.push({
      kind: 'update-incident',
      incidentId: entityId,
      request: { origin: config.originMarker, changes, comment: `Updated from Jira ${link.issueKey}` },
    });
  }
  for (const message of notes) commands.push({ kind: 'post-note', incidentId: entityId, request: { origin: config.originMarker, message } });

  const plan = planWrites(guard, writes, input.now, config.guard);
  return { commands, guard: plan.state, bounceKeys: plan.bounceKeys, dropped, problems };
}

/** Note posted on the incident once its post-mortem issue exists. */
export function postMortemCreatedNote(incidentId: string, issueKey: string, originMarker: string): ImpactCommand {
  // external_id: a repeat (an answer lost on the way back) is the same note, not a second one.
  return { kind: 'post-note', incidentId, request: { origin: originMarker, message: `Post-mortem created in Jira: ${issueKey}`, external_id: `jira-post-mortem:${issueKey}` } };
}
