import { cancelWrites, GuardValues, parseChangelog, planJiraToImpact, type JiraChangelogItem } from '../domain/incidents';
import { EMPTY_LEDGER, observePersonChange, type ConvergedField, type ConvergenceLedger } from '../domain/incidents/convergence';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { knownOf, type IncidentDeps } from './apply-impact-event';
import { convergeIncident, impactValuesOf } from './converge';
import { incidentIdForIssue, loadRecord, loadUsers, updateRecord } from './incident-store';
import { configForProject, loadSiteSettings } from './incident-settings';
import { projectOfIssueKey } from '../domain/incidents';
import { ensureAccountLink } from './users';

export interface JiraChange {
  readonly issueId: string;
  readonly items: readonly JiraChangelogItem[];
  readonly actorIsApp: boolean;
  /** When Jira made the change (ms). */
  readonly occurredAt: number;
}

export type JiraChangeResult =
  | { readonly kind: 'not-linked' }
  /** The incident sync is switched off: nothing was pushed to Impact. */
  | { readonly kind: 'sync-off'; readonly incidentId: string }
  | {
      readonly kind: 'synced';
      readonly incidentId: string;
      readonly writes: number;
      /** One line per refused Impact write, with Impact's reason. */
      readonly failures: readonly string[];
      /** The first refusal (decides whether a retry may help), null when every write went through. */
      readonly failure: ImpactFailure | null;
      readonly dropped: number;
    };

/**
 * A changelog of a linked incident issue → Impact writes with our origin marker (their webhooks come
 * back as echoes the consumer drops). Refused writes are logged and returned (the caller records them as a
 * failed delivery) and their bounce keys cancelled, so a later genuine change is not taken for an echo.
 */
export async function applyJiraChange(change: JiraChange, deps: IncidentDeps): Promise<JiraChangeResult> {
  const incidentId = await incidentIdForIssue(deps.store, change.issueId);
  if (!incidentId) return { kind: 'not-linked' };
  const [settings, loaded] = await Promise.all([loadSiteSettings(deps.store), loadRecord(deps.store, incidentId)]);
  let record = loaded;
  if (!record.link || record.link.issueId !== change.issueId) return { kind: 'not-linked' };
  if (!settings.routing.enabled) return { kind: 'sync-off', incidentId };
  // The settings of the project the issue is in (its status map and priority field read the changelog).
  const config = await configForProject(deps.store, settings.site, projectOfIssueKey(record.link.issueKey));

  let users = await loadUsers(deps.store);
  for (const item of parseChangelog(change.items, config.fields.priority)) {
    if (item.field === 'assignee' && item.accountId) users = await ensureAccountLink(item.accountId, users, deps.jira, deps.store);
  }
  // Notes for assignees without an Impact user come from the plan; the converged fields from the ledger.
  const plan = planJiraToImpact({
    link: record.link,
    items: change.items,
    actorIsApp: change.actorIsApp,
    occurredAt: change.occurredAt,
    config,
    users,
    incident: record.known,
    guard: record.guard,
    now: deps.clock.now(),
  });
  const ledger = change.actorIsApp ? (record.ledger ?? EMPTY_LEDGER) : ledgerAfter(record.ledger ?? EMPTY_LEDGER, change, config.fields.priority);
  // The plan's Impact writes are not made here (convergence writes, conditionally): no echo keys for them.
  const guard = cancelWrites(plan.guard, plan.bounceKeys);
  record = await updateRecord(deps.store, incidentId, (latest) => ({ ...latest, guard, ledger }));

  const failures: string[] = [];
  let failure: ImpactFailure | null = null;
  let writes = 0;
  for (const command of plan.commands) {
    if (command.kind !== 'post-note') continue;
    const posted = await deps.impact.postNote(command.incidentId, command.request);
    if (posted.ok) writes += 1;
    else {
      failure ??= posted.failure;
      failures.push(`posting a note on ${incidentId}: ${describeImpactFailure(posted.failure)}`);
    }
  }

  let impact = record.impact;
  if (!impact) {
    // A record from before versions: read Impact once.
    const read = await deps.impact.getIncident(incidentId);
    if (!read.ok) {
      failures.push(`reading ${incidentId}: ${describeImpactFailure(read.failure)}`);
      return { kind: 'synced', incidentId, writes, failures, failure: failure ?? read.failure, dropped: plan.dropped.length };
    }
    impact = { values: impactValuesOf(read.value), version: read.value.version };
  }
  const converged = await convergeIncident({ incidentId, issueId: change.issueId, config, users, ledger: record.ledger ?? EMPTY_LEDGER, impact, link: record.link }, deps);
  await updateRecord(deps.store, incidentId, (latest) => ({
    ...latest,
    ledger: converged.ledger,
    impact: converged.impact,
    outOfSync: converged.outOfSync,
    known: converged.incident ? knownOf(converged.incident, deps.clock.now()) : latest.known,
  }));
  writes += converged.counts.impactWrites + converged.counts.jiraWrites;
  failures.push(...converged.problems);
  failure ??= converged.impactFailure;
  if (failures.length > 0) deps.logger.error('jira change not synced to Impact', { incidentId, failures });
  return { kind: 'synced', incidentId, writes, failures, failure, dropped: plan.dropped.length };
}

/** A person's changes of converged fields, at the changelog's time, into the ledger. */
function ledgerAfter(ledger: ConvergenceLedger, change: JiraChange, priority: Parameters<typeof parseChangelog>[1]): ConvergenceLedger {
  let next = ledger;
  const record = (field: ConvergedField, value: string) => (next = observePersonChange(next, field, { side: 'jira', value, at: change.occurredAt }));
  for (const item of parseChangelog(change.items, priority)) {
    switch (item.field) {
      case 'status':
        record('status', GuardValues.jiraStatus(item.statusName));
        break;
      case 'priority':
        record('priority', item.priority === null ? '' : GuardValues.priority(item.priority));
        break;
      case 'assignee':
        record('commander', GuardValues.jiraAssignee(item.accountId));
        break;
      case 'summary':
        record('title', GuardValues.title(item.summary));
        break;
    }
  }
  return next;
}
