/**
 * Brings both sides of a linked incident to the last person's value of status, priority, commander and
 * title (domain/incidents/convergence.ts decides; this runs it through the ports). Runs in the incident's
 * queue lane after every event of either side, so runs never overlap for one incident.
 *
 * Impact: the values come from the last webhook or write the app processed (no read), and every write is
 * conditional on that version; a 409 costs one read, after which the decision is made again. Jira: the
 * issue is read only when a decision wants to write there (check before write back).
 */
import {
  CONVERGED_FIELDS,
  decideConvergence,
  fieldTranslation,
  GuardValues,
  impactPriorityFromJira,
  observeImpactVersion,
  observeJiraWrite,
  priorityFieldId,
  priorityFieldValue,
  type ConvergedField,
  type ConvergenceLedger,
  type CurrentValues,
  type FieldDecision,
  type IncidentLink,
  type IncidentSyncConfig,
  type SideValues,
  type UserLink,
} from '../domain/incidents';
import type { ImpactIncident, ImpactPriority, ImpactStatus } from '../../shared/impact/incident';
import type { UpdateIncidentRequest } from '../../shared/impact/api';
import { describeImpactFailure, type ImpactFailure } from '../ports/impact';
import { describeJiraFailure, type JiraFailure, type JiraStatus } from '../ports/jira';
import type { IncidentDeps } from './apply-impact-event';
import { moveIssueToStatus } from '../workflow';
import { closureHold } from './closure-gate';

/** What the app knows Impact holds: the converged fields at a version. */
export interface KnownImpactState {
  readonly values: SideValues;
  readonly version: number;
}

export interface OutOfSyncField {
  readonly field: ConvergedField;
  readonly impact: string;
  readonly jira: string;
  readonly reason: string;
}

export interface ConvergeInput {
  readonly incidentId: string;
  readonly issueId: string;
  readonly config: IncidentSyncConfig;
  readonly users: readonly UserLink[];
  readonly ledger: ConvergenceLedger;
  readonly impact: KnownImpactState;
  /** The incident's link as stored (its post-mortem): Impact CLOSED waits for it (closure-gate.ts). */
  readonly link: IncidentLink | null;
}

export interface ConvergeResult {
  readonly ledger: ConvergenceLedger;
  readonly impact: KnownImpactState;
  /** Fields the sides disagree on that the app could not settle (shown by the issue panel). */
  readonly outOfSync: readonly OutOfSyncField[];
  /** The incident as Impact answered the app's last read or write, when there was one. */
  readonly incident: ImpactIncident | null;
  readonly notes: readonly string[];
  readonly problems: readonly string[];
  /** The first Impact refusal (a retry may help when it is a rate limit or an outage). */
  readonly impactFailure: ImpactFailure | null;
  /** The first Jira failure a retry may fix (rate limit, outage); other refusals are only in `problems`. */
  readonly retryableJiraFailure: JiraFailure | null;
  readonly counts: { readonly impactWrites: number; readonly jiraWrites: number; readonly conflicts: number; readonly reads: number };
}

/** The converged fields of an Impact incident, canonical (GuardValues). */
export function impactValuesOf(incident: Pick<ImpactIncident, 'status' | 'priority' | 'commander' | 'title'>): SideValues {
  return {
    status: GuardValues.impactStatus(incident.status),
    priority: GuardValues.priority(incident.priority),
    commander: GuardValues.impactCommander(incident.commander),
    title: GuardValues.title(incident.title),
  };
}

/** The converged fields of a Jira issue's raw field values, canonical. */
export function jiraValuesOf(fields: Readonly<Record<string, unknown>>, config: IncidentSyncConfig): SideValues {
  const status = (fields['status'] as { name?: string } | null | undefined)?.name ?? '';
  const raw = fields[priorityFieldId(config.fields.priority)] as { value?: string; name?: string } | string | number | null | undefined;
  const display = raw === null || raw === undefined ? null : typeof raw === 'object' ? (raw.value ?? raw.name ?? null) : String(raw);
  const priority = impactPriorityFromJira(config.fields.priority, display);
  const assignee = (fields['assignee'] as { accountId?: string } | null | undefined)?.accountId ?? null;
  return {
    status: GuardValues.jiraStatus(status),
    priority: priority === null ? '' : GuardValues.priority(priority),
    commander: GuardValues.jiraAssignee(assignee),
    title: GuardValues.title(String(fields['summary'] ?? '')),
  };
}

/** Jira's raw `status` field as the port's status (id, name, category), when it has that shape. */
function statusOf(raw: unknown): JiraStatus | undefined {
  const s = raw as { id?: unknown; name?: unknown; statusCategory?: { key?: unknown } } | null | undefined;
  if (!s || typeof s.id !== 'string' || typeof s.name !== 'string') return undefined;
  const key = s.statusCategory?.key;
  return { id: s.id, name: s.name, category: key === 'new' || key === 'done' ? key : 'indeterminate' };
}

/** Values Jira holds as far as the ledger knows (events and the app's writes), for the no-read first pass. */
function jiraAsKnown(ledger: ConvergenceLedger): SideValues | null {
  const values: Partial<Record<ConvergedField, string>> = {};
  for (const field of CONVERGED_FIELDS) {
    const seen = ledger.fields[field]?.jira;
    if (!seen) return null;
    values[field] = seen.value;
  }
  return values as SideValues;
}

const MAX_ROUNDS = 4;

export async function convergeIncident(input: ConvergeInput, deps: IncidentDeps): Promise<ConvergeResult> {
  const { config, incidentId, issueId } = input;
  const translate = fieldTranslation(config.statuses, input.users);
  let ledger = input.ledger;
  let impact = input.impact;
  const notes: string[] = [];
  const problems: string[] = [];
  const counts = { impactWrites: 0, jiraWrites: 0, conflicts: 0, reads: 0 };
  let impactFailure: ImpactFailure | null = null;
  let retryableJiraFailure: JiraFailure | null = null;
  const jiraFailed = (failure: JiraFailure, what: string) => {
    if (failure.kind === 'rate-limited' || failure.kind === 'unavailable') retryableJiraFailure ??= failure;
    problems.push(`${what}: ${describeJiraFailure(failure)}`);
  };
  let jira: SideValues | null = null;
  let jiraRead = false;
  /** The issue's status object from this run's read: the status move starts from it without a second read. */
  let readStatus: JiraStatus | undefined;
  let latest: ImpactIncident | null = null;
  /** Fields a write was refused for: the sides stay apart until a retry or a person fixes it. */
  const refused = new Map<ConvergedField, string>();

  const readJira = async (): Promise<SideValues | null> => {
    const fields = await deps.jira.getIssueFields(issueId, ['status', 'assignee', 'summary', priorityFieldId(config.fields.priority)]);
    counts.reads += 1;
    if (!fields.ok) {
      jiraFailed(fields.failure, 'reading the issue before writing back');
      return null;
    }
    jiraRead = true;
    readStatus = statusOf(fields.value['status']);
    const values = jiraValuesOf(fields.value, config);
    // Fields the app never saw on Jira (a new issue): what it holds now is the baseline for "unseen".
    for (const field of CONVERGED_FIELDS) if (!ledger.fields[field]?.jira) ledger = observeJiraWrite(ledger, field, values[field], 0);
    return values;
  };

  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // First pass on what the app knows; Jira is read as soon as a decision would write there.
    jira ??= jiraAsKnown(ledger) ?? (await readJira());
    if (jira === null) break;
    let current: CurrentValues = { impact: { ...impact.values, version: impact.version }, jira };
    let decisions = decideConvergence(ledger, current, translate);
    if (!jiraRead && decisions.some((d) => d.kind === 'write' && d.writes.some((w) => w.side === 'jira'))) {
      // Check before writing back. A read that fails for good (a deleted issue) does not stop the other
      // writes: each is tried and its own refusal reported; a transient failure fails the event (retried).
      const read = await readJira();
      if (read === null && retryableJiraFailure) break;
      if (read !== null) {
        jira = read;
        current = { ...current, jira };
        decisions = decideConvergence(ledger, current, translate);
      } else jiraRead = true;
    }

    const toImpact = decisions.flatMap((d) => (d.kind === 'write' ? d.writes.filter((w) => w.side === 'impact').map((w) => ({ field: d.field, value: w.value })) : []));
    const toJira = decisions.flatMap((d) => (d.kind === 'write' ? d.writes.filter((w) => w.side === 'jira').map((w) => ({ field: d.field, value: w.value })) : []));

    if (toImpact.length > 0) {
      const request: UpdateIncidentRequest = { origin: config.originMarker, changes: impactChanges(toImpact), comment: 'Updated from Jira (last change wins)' };
      const written = await deps.impact.updateIncident(incidentId, request, { ifVersion: impact.version });
      if (!written.ok && written.failure.kind === 'conflict') {
        // Someone changed the incident since the version this was decided on: read it once, decide again.
        counts.conflicts += 1;
        const fresh = await deps.impact.getIncident(incidentId);
        counts.reads += 1;
        if (!fresh.ok) {
          impactFailure ??= fresh.failure;
          problems.push(`reading ${incidentId} after a conflict: ${describeImpactFailure(fresh.failure)}`);
          break;
        }
        impact = { values: impactValuesOf(fresh.value), version: fresh.value.version };
        latest = fresh.value;
        continue;
      }
      if (!written.ok) {
        impactFailure ??= written.failure;
        const reason = `updating ${incidentId} (${toImpact.map((w) => w.field).join(', ')}): ${describeImpactFailure(written.failure)}`;
        problems.push(reason);
        for (const w of toImpact) refused.set(w.field, reason);
      } else {
        counts.impactWrites += 1;
        latest = written.value;
        impact = { values: impactValuesOf(written.value), version: written.value.version };
        ledger = observeImpactVersion(ledger, written.value.version);
        notes.push(`Impact ${toImpact.map((w) => `${w.field} ${w.value === '' ? 'cleared' : `→ ${w.value}`}`).join(', ')}`);
      }
    }

    for (const write of toJira) {
      // Impact CLOSED waits for the post-mortem, as the workflow validator would demand (closure-gate.ts):
      // the close is not attempted, the delivery log says why, and the field stays out of sync until the
      // post-mortem reaches done (entry/trigger/post-mortem-done.ts queues the resync that closes it).
      if (write.field === 'status' && impact.values.status === GuardValues.impactStatus('CLOSED') && input.link) {
        const held = await closureHold(deps.jira, config, input.link);
        if (held !== null) {
          notes.push(`${input.link.issueKey} not closed yet: ${held} It closes once the post-mortem is done.`);
          refused.set('status', `held open: ${held}`);
          continue;
        }
      }
      const done = await writeJira(write.field, write.value, { ...input, from: readStatus }, deps, (failure, what) => {
        jiraFailed(failure, what);
        refused.set(write.field, `${what}: ${describeJiraFailure(failure)}`);
      });
      if (done !== null) {
        counts.jiraWrites += 1;
        ledger = observeJiraWrite(ledger, write.field, write.value, deps.clock.now());
        jira = { ...jira, [write.field]: write.value };
        notes.push(done);
      }
    }
    return { ledger, impact, outOfSync: outOfSync(decisions, current, refused), incident: latest, notes, problems, impactFailure, retryableJiraFailure, counts };
  }
  // Still conflicting after MAX_ROUNDS re-reads: report both sides; the next event tries again.
  const last: CurrentValues | null = jira ? { impact: { ...impact.values, version: impact.version }, jira } : null;
  const apart = last ? CONVERGED_FIELDS.filter((f) => !translate.agree(f, last.impact[f], last.jira[f])).map((field) => ({ field, impact: last.impact[field], jira: last.jira[field], reason: 'Impact kept changing while the app wrote' })) : [];
  return { ledger, impact, outOfSync: apart, incident: latest, notes, problems, impactFailure, retryableJiraFailure, counts };
}

function outOfSync(decisions: readonly FieldDecision[], current: CurrentValues, refused: ReadonlyMap<ConvergedField, string>): OutOfSyncField[] {
  return decisions.flatMap((d) => {
    const both = { field: d.field, impact: current.impact[d.field], jira: current.jira[d.field] };
    const refusal = refused.get(d.field);
    if (refusal !== undefined) return [{ ...both, reason: refusal }];
    const sideName = (side: 'impact' | 'jira') => (side === 'jira' ? 'Jira' : 'Impact');
    if (d.kind === 'untranslatable') return [{ ...both, reason: `${sideName(d.winner.side)}'s ${d.field} cannot be set in ${sideName(d.side)}` }];
    if (d.kind === 'unknown') return [{ ...both, reason: 'the sides differ and no change explains which is right' }];
    return [];
  });
}

function impactChanges(writes: readonly { field: ConvergedField; value: string }[]): UpdateIncidentRequest['changes'] {
  const changes: { -readonly [K in keyof UpdateIncidentRequest['changes']]: UpdateIncidentRequest['changes'][K] } = {};
  for (const { field, value } of writes) {
    switch (field) {
      case 'status':
        changes.status = value as ImpactStatus;
        break;
      case 'priority':
        changes.priority = Number(value);
        break;
      case 'commander':
        changes.commander = value === '' ? null : { email: value };
        break;
      case 'title':
        changes.title = value;
        break;
    }
  }
  return changes;
}

/** One Jira write; answers the delivery-log note, or null when Jira refused (reported through `failed`). */
async function writeJira(
  field: ConvergedField,
  value: string,
  input: ConvergeInput & { readonly from: JiraStatus | undefined },
  deps: IncidentDeps,
  failed: (failure: JiraFailure, what: string) => void,
): Promise<string | null> {
  const { config, issueId } = input;
  switch (field) {
    case 'status': {
      const moved = await moveIssueToStatus(deps, config.fields.projectKey, issueId, value, input.from);
      if (moved.ok) return `moved to ${moved.status.name} in ${moved.transitions} step(s)`;
      if (moved.failure.kind === 'no-path') failed({ kind: 'rejected', status: 409, jiraMessages: [`no transition path from ${moved.failure.from}`] }, `moving the issue to ${value}`);
      else failed(moved.failure, `moving the issue to ${value}`);
      return null;
    }
    case 'priority': {
      const edited = await deps.jira.editIssue(issueId, { [priorityFieldId(config.fields.priority)]: priorityFieldValue(config.fields.priority, Number(value) as ImpactPriority) });
      if (!edited.ok) failed(edited.failure, 'setting the priority');
      return edited.ok ? `edited priority` : null;
    }
    case 'title': {
      const edited = await deps.jira.editIssue(issueId, { summary: value.slice(0, 255) });
      if (!edited.ok) failed(edited.failure, 'setting the summary');
      return edited.ok ? 'edited summary' : null;
    }
    case 'commander': {
      const assigned = await deps.jira.assignIssue(issueId, value === '' ? null : value);
      if (!assigned.ok) failed(assigned.failure, 'assigning the issue');
      return assigned.ok ? (value === '' ? 'unassigned' : 'assigned') : null;
    }
  }
}
