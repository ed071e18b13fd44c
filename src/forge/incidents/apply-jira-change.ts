import { cancelWrites, parseChangelog, planJiraToImpact, type BounceKey, type JiraChangelogItem, type KnownIncident } from '../domain/incidents';
import type { UpdateIncidentRequest } from '../../shared/impact/api';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import type { IncidentDeps } from './apply-impact-event';
import { incidentIdForIssue, loadConfig, loadRecord, loadUsers, saveRecord } from './incident-store';
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
  const config = await loadConfig(deps.store);
  let record = await loadRecord(deps.store, incidentId);
  if (!record.link || record.link.issueId !== change.issueId) return { kind: 'not-linked' };

  let users = await loadUsers(deps.store);
  for (const item of parseChangelog(change.items, config.fields.priority)) {
    if (item.field === 'assignee' && item.accountId) users = await ensureAccountLink(item.accountId, users, deps.jira, deps.store);
  }
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
  record = { ...record, guard: plan.guard };
  await saveRecord(deps.store, incidentId, record);

  const failures: string[] = [];
  let failure: ImpactFailure | null = null;
  const unwritten: BounceKey[] = [];
  // Fields not written (refused, or left to a newer Impact value) will send no echo: drop their bounce keys.
  const notWritten = (fields: readonly string[]) => unwritten.push(...plan.bounceKeys.filter((k) => fields.includes(k.field)));
  let writes = 0;
  for (const command of plan.commands) {
    switch (command.kind) {
      case 'update-incident': {
        const request = await withoutClobbering(command.request, record.known, change.occurredAt, command.incidentId, deps);
        const planned = Object.keys(command.request.changes);
        notWritten(planned.filter((f) => request === null || !(f in request.changes)));
        if (request === null) break;
        const updated = await deps.impact.updateIncident(command.incidentId, request);
        if (updated.ok) {
          writes += 1;
          const i = updated.value;
          const latest = await loadRecord(deps.store, incidentId);
          await saveRecord(deps.store, incidentId, {
            ...latest,
            known: { status: i.status, priority: i.priority as 1 | 2 | 3 | 4 | 5, commander: i.commander ? { email: i.commander.email, name: i.commander.name } : null, title: i.title, url: i.url, updatedAt: deps.clock.now() },
          });
        } else {
          notWritten(Object.keys(request.changes));
          failure ??= updated.failure;
          failures.push(`updating ${incidentId} (${Object.keys(request.changes).join(', ')}): ${describeImpactFailure(updated.failure)}`);
        }
        break;
      }
      case 'post-note': {
        const posted = await deps.impact.postNote(command.incidentId, command.request);
        if (posted.ok) writes += 1;
        else {
          failure ??= posted.failure;
          failures.push(`posting a note on ${incidentId}: ${describeImpactFailure(posted.failure)}`);
        }
        break;
      }
      default:
        return assertNever(command);
    }
  }
  if (unwritten.length > 0) {
    const latest = await loadRecord(deps.store, incidentId);
    await saveRecord(deps.store, incidentId, { ...latest, guard: cancelWrites(latest.guard, unwritten) });
  }
  if (failures.length > 0) deps.logger.error('jira change not synced to Impact', { incidentId, failures });
  return { kind: 'synced', incidentId, writes, failures, failure, dropped: plan.dropped.length };
}

/**
 * A person may have changed the same field in Impact after this Jira change, and that webhook may still be
 * on its way: one read tells, and such fields are left to the newer Impact value (its webhook will bring
 * it to Jira). Returns null when nothing is left to write.
 */
async function withoutClobbering(
  request: UpdateIncidentRequest,
  known: KnownIncident | null,
  occurredAt: number,
  incidentId: string,
  deps: IncidentDeps,
): Promise<UpdateIncidentRequest | null> {
  const current = await deps.impact.getIncident(incidentId);
  if (!current.ok || known === null) return request;
  const i = current.value;
  if (Date.parse(i.updated_at) <= occurredAt) return request;
  const now = { status: i.status, priority: i.priority, title: i.title, commander: i.commander?.email.toLowerCase() ?? null };
  const was = { status: known.status, priority: known.priority, title: known.title, commander: known.commander?.email.toLowerCase() ?? null };
  const changes = { ...request.changes };
  for (const field of ['status', 'priority', 'title', 'commander'] as const) {
    if (field in changes && now[field] !== was[field]) delete changes[field];
  }
  if (Object.keys(changes).length === 0) {
    deps.logger.info('jira change superseded by a newer Impact change', { incidentId });
    return null;
  }
  return { ...request, changes };
}

function assertNever(x: never): never {
  throw new Error(`unhandled Impact command ${JSON.stringify(x)}`);
}
