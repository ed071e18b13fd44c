import { z } from 'zod';
import { alertmanagerWebhookSchema } from '../../shared/alertmanager-webhook';
import type { RelayEvent } from '../../shared/relay-envelope';
import { describeZodError } from '../../shared/zod-error';
import {
  decide,
  problemStateSchema,
  planNotification,
  resolveIssueRef,
  settleState,
  type CompiledRules,
  type Decision,
  type IssueRef,
  type JiraCommand,
  type PlannedProblem,
  type Problem,
  type ProblemState,
  type SkippedAlert,
  decideRolled,
  ALERT_COMMENT_PROPERTY,
  type AlertCommentProperty,
  stormIssueBody,
  stormProblemKey,
  stormResolveCommands,
  stormWindowOf,
  type StormWindowRef,
} from '../domain/alerts';
import { admitToWindow, markRolledInWindow } from './storm-store';
import { RecordConflictError } from '../incidents/record-cas';
import { CREATION_GRACE_MS, StorageKeys } from '../constants';
import type { Clock } from '../ports/clock';
import type { IssueStatus, JiraFailure, JiraPort } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import type { TrackedIssueStatus } from './status-mirror';
import { isRetryable, type ApplyFailure, type ProblemOutcome } from './outcomes';
import { deleteProblem, loadProblems, problemLinks, saveProblem, withMirror, writeMirror, type LoadedProblem, type ProblemChange, type ProblemOrigin, type ProblemRecord } from './problem-store';
import { transitionChoice } from './transitions';
import { placeOf, takeTransition } from '../workflow';
import { readInstallRecord, stateWasLost, type InstallRecord } from './install-record';
import { scanCommentsSinceMarker } from '../comments/scan-since-marker';

export interface AlertsDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraPort;
  readonly clock: Clock;
  readonly logger: Logger;
}

export type NotificationResult =
  | { readonly ok: true; readonly outcomes: readonly ProblemOutcome[] }
  | { readonly ok: false; readonly failure: ApplyFailure; readonly outcomes: readonly ProblemOutcome[] };

const markerSchema = z.object({ startedAt: z.number(), eventId: z.string(), alerts: problemStateSchema.shape.alerts.default({}) });

/**
 * Applies one Alertmanager notification: plan it into problems, decide each against what KVS knows, run
 * the Jira commands, store the new state. Problems are independent: one that fails does not stop the
 * others, and a retry of the whole notification is harmless (what already happened decides "unchanged").
 */
export async function applyNotification(event: RelayEvent, rules: CompiledRules, deps: AlertsDeps): Promise<NotificationResult> {
  const body = alertmanagerWebhookSchema.safeParse(event.body);
  if (!body.success) {
    const where = describeZodError(body.error, 3).map((p) => `${p.path}: ${p.message}`).join('; ');
    return { ok: false, failure: { kind: 'invalid', message: `not an Alertmanager webhook body (${where})` }, outcomes: [] };
  }
  const plan = planNotification(body.data, rules);
  const outcomes: ProblemOutcome[] = skippedOutcomes(plan.skipped);
  if (plan.problems.length === 0) return { ok: true, outcomes: outcomes.length > 0 ? outcomes : [{ kind: 'skipped', reason: 'the notification has no alerts to act on' }] };

  const loaded = await loadProblems(deps.store, plan.problems.map((p) => p.problem.key));
  // A problem with no record needs the install record (legacy keys? state lost?): read it once here.
  const install = plan.problems.some((p) => !loaded.get(p.problem.key)?.record) ? { record: await readInstallRecord(deps.store) } : undefined;
  await carryOverLegacy(plan.problems, loaded, deps.store, install?.record);
  let retryable: ApplyFailure | undefined;
  let final: ApplyFailure | undefined;
  for (const planned of plan.problems) {
    const result = await applyProblem(planned, loaded.get(planned.problem.key) ?? { record: undefined, mirror: undefined }, event, deps, install && { stateLost: install.record?.stateLost ?? false });
    if (result.ok) {
      outcomes.push(result.outcome);
      continue;
    }
    outcomes.push({ kind: 'failed', problemKey: planned.problem.key, reason: failureText(result.failure) });
    if (isRetryable(result.failure)) retryable ??= result.failure;
    else final ??= result.failure;
  }
  const failure = retryable ?? final;
  return failure ? { ok: false, failure, outcomes } : { ok: true, outcomes };
}

/**
 * Group problems were keyed by Alertmanager's groupKey before they were keyed by rule + group labels. A group
 * problem with no record under its key may have one under the old key: read those (one batch read, only when
 * some problem has no record), write each under the new key, then delete the old one.
 */
async function carryOverLegacy(problems: readonly PlannedProblem[], loaded: Map<string, LoadedProblem>, store: KeyValueStore, install: InstallRecord | undefined): Promise<void> {
  if (install?.problemIdentity === 'rule-labels') return;
  const missing = problems.filter((p) => p.problem.legacyKey && p.problem.legacyKey !== p.problem.key && !loaded.get(p.problem.key)?.record);
  if (missing.length === 0) return;
  const old = await loadProblems(store, missing.map((p) => p.problem.legacyKey as string));
  for (const p of missing) {
    const legacyKey = p.problem.legacyKey as string;
    const legacy = old.get(legacyKey);
    if (!legacy?.record) continue;
    const record: ProblemRecord = { ...legacy.record, state: { ...legacy.record.state, problemKey: p.problem.key } };
    await saveProblem(store, record);
    await deleteProblem(store, legacyKey);
    loaded.set(p.problem.key, { record, mirror: legacy.mirror });
  }
}

function failureText(f: ApplyFailure): string {
  switch (f.kind) {
    case 'rejected':
      return `Jira refused (HTTP ${f.status}): ${f.jiraMessages.join('; ')}`;
    case 'rate-limited':
      return `rate limited, retry after ${f.retryAfterSeconds} s`;
    case 'unavailable':
      return `Jira unavailable: ${f.message}`;
    case 'not-found':
    case 'busy':
    case 'invalid':
      return f.message;
    default:
      return assertNever(f);
  }
}

function skippedOutcomes(skipped: readonly SkippedAlert[]): ProblemOutcome[] {
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const text: Record<SkippedAlert['reason'], string> = {
    suppressed: 'silenced or inhibited',
    'unknown-status': 'with an unknown status',
    'bad-fingerprint': 'with an unusable fingerprint',
    'no-rule': 'matched by no active rule',
  };
  return [...byReason.entries()].map(([reason, n]) => ({ kind: 'skipped', reason: `${n} alert${n === 1 ? '' : 's'} ${text[reason as SkippedAlert['reason']]}` }));
}

type ProblemResult = { readonly ok: true; readonly outcome: ProblemOutcome } | { readonly ok: false; readonly failure: ApplyFailure };

interface Working {
  record: ProblemRecord | undefined;
  mirror: TrackedIssueStatus | undefined;
  issueNotFound: boolean;
  /** Set for a problem's own comment on an existing issue: its property, and the record's `commenting` marker before it. */
  tag?: AlertCommentProperty;
  /**
   * This delivery's comments the issue already has: 0 once this attempt wrote the marker itself, else what the lookup
   * found (earlier attempts posted them in the decision's order, so the decision's first ones are those). A roll-in
   * of a late firing posts two (rolled in, then resolved) with the same property.
   */
  earlier?: number;
}

async function applyProblem(planned: PlannedProblem, loaded: LoadedProblem, event: RelayEvent, deps: AlertsDeps, install: { readonly stateLost: boolean } | undefined): Promise<ProblemResult> {
  const { problem, rule } = planned;
  const w: Working = { record: loaded.record, mirror: loaded.mirror, issueNotFound: false, tag: { problemKey: problem.key, eventId: event.id } };

  if (w.record?.pending) {
    const finished = await runPending(w.record, deps);
    if (!finished.ok) return finished;
    w.record = finished.record;
  }

  // The status mirror is normally there (written at create, kept by the issue-updated trigger); else ask Jira once.
  const issue = w.record?.state.issue;
  if (w.record && issue && !w.mirror) {
    const status = await deps.jira.getIssueStatus(issue.key);
    if (status.ok) {
      w.mirror = mirrorOf(status.value, deps.clock, undefined);
      w.record = { ...w.record, issueId: status.value.id };
      await writeMirror(deps.store, status.value.id, w.mirror);
    } else if (status.failure.kind === 'not-found') {
      w.issueNotFound = true;
    } else {
      return { ok: false, failure: status.failure };
    }
  }

  let known: ProblemState | null = w.record ? withMirror(w.record.state, w.mirror) : null;
  if (known?.storm && known.issue) {
    // Rolled into a storm issue: its changes go there (storm guard, domain/alerts/storm.ts).
    const rolled = await applyRolled(planned, w, known, known.storm, event, deps);
    if (rolled !== 'escape') return rolled;
    known = withoutStorm(known);
  }
  let decision = decide({ problem, rule, known, issueNotFound: w.issueNotFound, receivedAt: event.receivedAt, sequence: event.sequence });

  if (rule.stormGuard && decision.commands.some((c) => c.kind === 'create')) {
    // A new issue: count it in the rule's window first; past maxNewIssues it rolls into the storm issue.
    const ref = stormWindowOf(rule.id, rule.stormGuard, event.receivedAt);
    const admission = await admitToWindow(deps.store, ref, problem.key, rule.stormGuard).catch((e: unknown) => {
      if (e instanceof RecordConflictError) return 'busy' as const;
      throw e;
    });
    if (admission === 'busy') return { ok: false, failure: { kind: 'busy', retryAfterSeconds: 2, message: `storm guard: the window of rule ${rule.id} kept changing under concurrent deliveries` } };
    if (admission === 'window-full') return { ok: false, failure: { kind: 'invalid', message: `storm guard: the window of rule ${rule.id} holds as many problems as it can record; this one is not applied` } };
    if (admission === 'rolled') return rollIn(planned, w, known ? { ...known, issue: null } : null, ref, event, deps);
  }

  // No issue yet (no state, or only alerts seen resolved): creating takes the marker first.
  if (!known?.issue && decision.commands.some((c) => c.kind === 'create')) {
    const guard = await guardCreation(problem.key, event.id, decision.next?.alerts ?? {}, deps, install?.stateLost);
    switch (guard.kind) {
      case 'create':
        break;
      case 'failed':
        return { ok: false, failure: guard.failure };
      case 'busy':
        return { ok: false, failure: { kind: 'busy', retryAfterSeconds: guard.retryAfterSeconds, message: `another delivery is creating the issue for ${problem.key}` } };
      case 'stored':
        w.record = guard.record;
        known = withMirror(guard.record.state, undefined);
        decision = decide({ problem, rule, known, receivedAt: event.receivedAt, sequence: event.sequence });
        break;
      case 'adopt': {
        w.mirror = mirrorOf(guard.issue, deps.clock, undefined);
        await writeMirror(deps.store, guard.issue.id, w.mirror);
        known = adoptedState(problem.key, guard.issue, guard.alerts, event.receivedAt);
        // Our own marker: an earlier attempt of this delivery created the issue and died before storing it.
        w.record = { version: 1, state: known, issueId: guard.issue.id, ...(guard.createdByThisEvent ? { createdBy: event.id } : {}) };
        deps.logger.info('problem state recovered from Jira', { problemKey: problem.key, issueKey: guard.issue.key });
        decision = decide({ problem, rule, known, receivedAt: event.receivedAt, sequence: event.sequence });
        break;
      }
      default:
        return assertNever(guard);
    }
  }

  let run = await execute(decision, w, rule.target.issueType, deps);
  if (!run.ok && run.failure.kind === 'not-found' && run.doneCount === 0 && run.onExistingIssue && !w.issueNotFound && known?.issue) {
    // The issue was deleted (or moved out of reach): forget it and start over with a new one.
    w.issueNotFound = true;
    decision = decide({ problem, rule, known, issueNotFound: true, receivedAt: event.receivedAt, sequence: event.sequence });
    run = await execute(decision, w, rule.target.issueType, deps);
  }
  if (!run.ok) {
    if (run.doneCount > 0) await savePartial(decision, run, w, event.id, deps, problem, originOf(planned, event.groupKey));
    else if (w.record && w.record !== loaded.record) await saveProblem(deps.store, w.record);
    return { ok: false, failure: run.failure };
  }

  const settled = decision.next ? settleState(decision.next, run.created?.key) : undefined;
  const outcome = outcomeOf(problem.key, decision, run);
  const issueId = run.created?.id ?? (run.forgot ? null : (w.record?.issueId ?? null));
  if (settled) {
    const changed = decision.stateChanged || w.record !== loaded.record || issueId !== (loaded.record?.issueId ?? null);
    const createdBy = run.created ? event.id : settled.issue?.key === w.record?.state.issue?.key ? w.record?.createdBy : undefined;
    const lastChange = changeOf(outcome, event.id) ?? w.record?.lastChange;
    const commenting = otherMarker(w.record, event.id);
    if (changed) await saveProblem(deps.store, { version: 1, state: settled, issueId, links: problemLinks(problem, w.record?.links, settled), origin: originOf(planned, event.groupKey), ...(createdBy ? { createdBy } : {}), ...(lastChange ? { lastChange } : {}), ...(commenting ? { commenting } : {}) });
  } else if (decision.next === null && loaded.record) {
    await deleteProblem(deps.store, problem.key);
  }
  return { ok: true, outcome: createdEarlier(changedEarlier(outcome, w.record, event.id), w.record, settled, event.id) };
}

/**
 * Another delivery's `commenting` marker, which a save keeps: that delivery may have died after its comment, and
 * Forge may apply this newer one before its retry, which must still find the comment instead of posting it again.
 * A delivery that comments itself replaces the marker with its own first (runJiraCommand).
 */
function otherMarker(record: ProblemRecord | undefined, eventId: string): ProblemRecord['commenting'] {
  return record?.commenting && record.commenting.eventId !== eventId ? record.commenting : undefined;
}

/** What a delivery that changed Jira remembers in the problem's record (a skip or a failure changed nothing). */
function changeOf(outcome: ProblemOutcome, eventId: string): ProblemChange | undefined {
  switch (outcome.kind) {
    case 'created':
    case 'commented':
    case 'transitioned':
    case 'rolled':
      return { eventId, outcome };
    case 'skipped':
    case 'failed':
      return undefined;
    default:
      return assertNever(outcome);
  }
}

/**
 * A delivery that finds nothing to do in a problem whose last change it made itself is a retry of that delivery
 * whose first attempt died after the change was stored and before its delivery-log line: its line says what it did.
 * Another event that changes nothing still reads "skipped".
 */
function changedEarlier(outcome: ProblemOutcome, record: ProblemRecord | undefined, eventId: string): ProblemOutcome {
  const last = record?.lastChange;
  if (outcome.kind !== 'skipped' || !last || last.eventId !== eventId) return outcome;
  return last.outcome;
}

/**
 * A delivery that finds nothing to do in a problem whose issue it created itself is a retry of that delivery
 * whose first attempt died after the create and before its delivery-log line: its line says what it did.
 */
function createdEarlier(outcome: ProblemOutcome, record: ProblemRecord | undefined, settled: ProblemState | undefined, eventId: string): ProblemOutcome {
  const issueKey = (settled ?? record?.state)?.issue?.key;
  if (outcome.kind !== 'skipped' || record?.createdBy !== eventId || !issueKey || issueKey !== record.state.issue?.key) return outcome;
  return { kind: 'created', problemKey: outcome.problemKey ?? record.state.problemKey, issueKey };
}

// ---------------------------------------------------------------------------------------------------------
// Storm guard

/** The storm issue of a rule and window: read its record, else create it under the same creation guard as a problem. */
async function ensureStormIssue(planned: PlannedProblem, ref: StormWindowRef, event: RelayEvent, deps: AlertsDeps): Promise<{ ok: true; key: string; id: string | null } | { ok: false; failure: ApplyFailure }> {
  const { rule, problem } = planned;
  const guard = rule.stormGuard;
  if (!guard) throw new Error('ensureStormIssue without a storm guard');
  const stormKey = stormProblemKey(ref);
  const existing = (await loadProblems(deps.store, [stormKey])).get(stormKey)?.record;
  if (existing?.state.issue) return { ok: true, key: existing.state.issue.key, id: existing.issueId };
  const save = async (issue: { key: string; id: string }): Promise<{ ok: true; key: string; id: string }> => {
    const state: ProblemState = { version: 1, problemKey: stormKey, issue: { key: issue.key, statusCategory: 'new' }, previousIssueKeys: [], alerts: {}, firstSeen: event.receivedAt, updatedAt: event.receivedAt };
    await saveProblem(deps.store, { version: 1, state, issueId: issue.id });
    return { ok: true, ...issue };
  };
  const taken = await guardCreation(stormKey, event.id, {}, deps, undefined);
  switch (taken.kind) {
    case 'create': {
      const created = await deps.jira.createIssue(stormIssueBody(rule, guard, ref, problem, { firstSeen: event.receivedAt, lastSeen: event.receivedAt }));
      if (!created.ok) return { ok: false, failure: created.failure };
      await writeMirror(deps.store, created.value.id, { issueKey: created.value.key, statusName: '', statusCategory: 'new', updatedAt: new Date(deps.clock.now()).toISOString(), createdAsType: rule.target.issueType });
      await deps.store.set(StorageKeys.issueIdByKey(created.value.key), created.value.id);
      return save(created.value);
    }
    case 'stored':
      if (taken.record.state.issue) return { ok: true, key: taken.record.state.issue.key, id: taken.record.issueId };
      return { ok: false, failure: { kind: 'busy', retryAfterSeconds: 2, message: `another delivery is creating the storm issue of rule ${rule.id}` } };
    case 'adopt':
      await writeMirror(deps.store, taken.issue.id, mirrorOf(taken.issue, deps.clock, undefined));
      return save({ key: taken.issue.key, id: taken.issue.id });
    case 'busy':
      return { ok: false, failure: { kind: 'busy', retryAfterSeconds: taken.retryAfterSeconds, message: `another delivery is creating the storm issue of rule ${rule.id}` } };
    case 'failed':
      return { ok: false, failure: taken.failure };
    default:
      return assertNever(taken);
  }
}

/** A new problem past the window's limit: list it on the storm issue (one comment) and remember it is rolled. */
async function rollIn(planned: PlannedProblem, w: Working, known: ProblemState | null, ref: StormWindowRef, event: RelayEvent, deps: AlertsDeps): Promise<ProblemResult> {
  const { problem, rule } = planned;
  const storm = await ensureStormIssue(planned, ref, event, deps);
  if (!storm.ok) return storm;
  const rolled = decideRolled({ problem, rule, known, receivedAt: event.receivedAt }, storm.key, ref);
  if (rolled.escape) throw new Error('a problem rolling in cannot escape its storm issue');
  // A new problem has no record yet to hold the `commenting` marker of its roll-in comment: give it one that knows
  // no issue and no alert (decided exactly as no record), so the comment carries its property and the marker is
  // written before it (the one extra KVS write of a rolled problem); a retry after a death between Jira's answer
  // and the save below finds its own marker and looks the comment up instead of posting it again.
  const placeholder: ProblemRecord | undefined = w.record ? undefined : { version: 1, state: noIssueState(problem.key, event.receivedAt), issueId: null };
  if (placeholder) w.record = placeholder;
  const run = await execute(rolled.decision, w, rule.target.issueType, deps);
  if (!run.ok) {
    // Refused for sure (runJiraCommand dropped the marker): a retry need not look for the comment.
    if (placeholder && w.record && w.record !== placeholder && !w.record.commenting && run.doneCount === 0) await saveProblem(deps.store, w.record);
    return { ok: false, failure: run.failure };
  }
  const settled = rolled.decision.next ? settleState(rolled.decision.next) : undefined;
  const lastChange: ProblemChange = { eventId: event.id, outcome: { kind: 'rolled', problemKey: problem.key, issueKey: storm.key, action: 'rolled-in', stormResolved: false } };
  if (settled) await saveProblem(deps.store, { version: 1, state: settled, issueId: storm.id, links: problemLinks(problem, w.record?.links, settled), origin: originOf(planned, event.groupKey), lastChange });
  // Admission counted it firing; a problem that rolled in already resolved (a late firing) is recorded so.
  const storming = await settleStorm(planned, ref, settled, storm.key, { record: settled ? { version: 1, state: settled, issueId: storm.id } : w.record, mirror: undefined, issueNotFound: false }, deps);
  if (!storming.ok) return storming;
  return { ok: true, outcome: { kind: 'rolled', problemKey: problem.key, issueKey: storm.key, action: 'rolled-in', stormResolved: storming.stormResolved } };
}

/** Records whether a rolled problem fires; when that resolved the last one, the storm issue resolves by the rule. */
async function settleStorm(planned: PlannedProblem, ref: StormWindowRef, settled: ProblemState | undefined, stormKey: string, w: Working, deps: AlertsDeps): Promise<{ ok: true; stormResolved: boolean } | { ok: false; failure: ApplyFailure }> {
  const { problem, rule } = planned;
  const firing = Object.values(settled?.alerts ?? {}).some((a) => a.status === 'firing');
  // Run on every notification, changed or not, so a retry after a lost race here still records the status.
  const marked = await markRolledInWindow(deps.store, ref, problem.key, firing).catch((e: unknown) => {
    if (e instanceof RecordConflictError) return undefined;
    throw e;
  });
  if (!marked) return { ok: false, failure: { kind: 'busy', retryAfterSeconds: 2, message: `storm guard: the window of rule ${rule.id} kept changing under concurrent deliveries` } };
  if (!marked.allResolved) return { ok: true, stormResolved: false };
  const commands = stormResolveCommands(rule, stormKey, marked.rolledCount);
  const resolve = await execute({ problemKey: problem.key, ruleId: rule.id, commands, next: null, stateChanged: false, changes: [] }, { ...w, tag: undefined }, rule.target.issueType, deps);
  return resolve.ok ? { ok: true, stormResolved: true } : { ok: false, failure: resolve.failure };
}

/** A problem already rolled into a storm issue: comment there; when the last rolled problem resolves, resolve the storm. */
async function applyRolled(planned: PlannedProblem, w: Working, known: ProblemState, ref: StormWindowRef, event: RelayEvent, deps: AlertsDeps): Promise<ProblemResult | 'escape'> {
  const { problem, rule } = planned;
  const stormKey = known.issue?.key;
  if (!stormKey) return 'escape';
  const rolled = decideRolled({ problem, rule, known, issueNotFound: w.issueNotFound, receivedAt: event.receivedAt }, stormKey, ref);
  if (rolled.escape) return 'escape';
  const decision = rolled.decision;
  const run = await execute(decision, w, rule.target.issueType, deps);
  if (!run.ok) return { ok: false, failure: run.failure };
  const settled = decision.next ? settleState(decision.next) : undefined;
  const commented: ProblemChange = { eventId: event.id, outcome: { kind: 'rolled', problemKey: problem.key, issueKey: stormKey, action: 'commented', stormResolved: false } };
  const lastChange = run.doneCount > 0 ? commented : w.record?.lastChange;
  const commenting = otherMarker(w.record, event.id);
  if (settled && decision.stateChanged) await saveProblem(deps.store, { version: 1, state: settled, issueId: w.record?.issueId ?? null, links: problemLinks(problem, w.record?.links, settled), origin: originOf(planned, event.groupKey), ...(lastChange ? { lastChange } : {}), ...(commenting ? { commenting } : {}) });
  const storming = await settleStorm(planned, ref, settled, stormKey, w, deps);
  if (!storming.ok) return storming;
  const stormResolved = storming.stormResolved;
  if (run.doneCount === 0 && !stormResolved) return { ok: true, outcome: changedEarlier(outcomeOf(problem.key, decision, run), w.record, event.id) };
  return { ok: true, outcome: { kind: 'rolled', problemKey: problem.key, issueKey: stormKey, action: 'commented', stormResolved } };
}

/** The state of a problem the app has seen nothing of yet (what `decide` makes of no record at all). */
function noIssueState(problemKey: string, receivedAt: string): ProblemState {
  return { version: 1, problemKey, issue: null, previousIssueKeys: [], alerts: {}, firstSeen: receivedAt, updatedAt: receivedAt };
}

function withoutStorm(state: ProblemState): ProblemState {
  const copy = { ...state };
  delete copy.storm;
  return copy;
}

/** What the issue's entity property says of the problem (the same values `decide`'s create writes). */
function originOf(planned: PlannedProblem, groupKey: string): ProblemOrigin {
  return { ruleId: planned.rule.id, grouping: planned.problem.grouping, identity: planned.problem.source, groupKey };
}

type GuardResult =
  | { readonly kind: 'create' }
  | { readonly kind: 'busy'; readonly retryAfterSeconds: number }
  | { readonly kind: 'stored'; readonly record: ProblemRecord }
  | { readonly kind: 'adopt'; readonly issue: IssueStatus; readonly alerts: ProblemState['alerts']; readonly createdByThisEvent: boolean }
  | { readonly kind: 'failed'; readonly failure: JiraFailure };

/**
 * No state and the decision creates: take the `creating:<key>` marker with FAIL_IF_EXISTS. The marker is
 * kept, so finding it means an issue may exist already (a concurrent creator, a crash after the create, or
 * lost state): then KVS is read again and Jira searched by the issue's entity property before creating.
 * The marker carries the alerts the issue was created with, so an adopted issue is not told them again.
 */
async function guardCreation(problemKey: string, eventId: string, alerts: ProblemState['alerts'], deps: AlertsDeps, stateLost: boolean | undefined): Promise<GuardResult> {
  const now = deps.clock.now();
  const marker = { startedAt: now, eventId, alerts };
  if (await deps.store.setIfAbsent(StorageKeys.creating(problemKey), marker)) {
    // First create of this problem since the install. After a reinstall (install-record.ts) its issue may
    // exist from before: one JQL search, only for problems that have neither a record nor a marker.
    if (!(stateLost ?? (await stateWasLost(deps.store)))) return { kind: 'create' };
    const found = await deps.jira.findByProblemKey(problemKey);
    if (!found.ok) {
      await deps.store.delete(StorageKeys.creating(problemKey));
      return { kind: 'failed', failure: found.failure };
    }
    const open = found.value.find((i) => i.status.category !== 'done');
    return open ? { kind: 'adopt', issue: open, alerts: {}, createdByThisEvent: false } : { kind: 'create' };
  }
  const again = (await loadProblems(deps.store, [problemKey])).get(problemKey)?.record;
  if (again?.state.issue) return { kind: 'stored', record: again };
  const previous = markerSchema.safeParse(await deps.store.get(StorageKeys.creating(problemKey)));
  const found = await deps.jira.findByProblemKey(problemKey);
  if (!found.ok) return { kind: 'failed', failure: found.failure };
  const open = found.value.find((i) => i.status.category !== 'done') ?? found.value[0];
  if (open) return { kind: 'adopt', issue: open, alerts: previous.success ? previous.data.alerts : {}, createdByThisEvent: previous.success && previous.data.eventId === eventId };
  const age = previous.success ? now - previous.data.startedAt : Infinity;
  if (previous.success && previous.data.eventId !== eventId && age < CREATION_GRACE_MS) {
    return { kind: 'busy', retryAfterSeconds: Math.max(2, Math.ceil((CREATION_GRACE_MS - age) / 1000 / 4)) };
  }
  await deps.store.set(StorageKeys.creating(problemKey), marker);
  return { kind: 'create' };
}

function adoptedState(problemKey: string, issue: IssueStatus, alerts: ProblemState['alerts'], receivedAt: string): ProblemState {
  return { version: 1, problemKey, issue: { key: issue.key, statusCategory: issue.status.category }, previousIssueKeys: [], alerts, firstSeen: receivedAt, updatedAt: receivedAt };
}

function mirrorOf(issue: IssueStatus, clock: Clock, createdAsType: string | undefined): TrackedIssueStatus {
  return { issueKey: issue.key, statusName: issue.status.name, statusCategory: issue.status.category, updatedAt: new Date(clock.now()).toISOString(), statusId: issue.status.id, createdAsType };
}

interface RunState {
  created: { id: string; key: string } | undefined;
  forgot: boolean;
  done: JiraCommand['kind'][];
  doneCount: number;
}

type RunResult = ({ readonly ok: true } & RunState) | ({ readonly ok: false; readonly failure: JiraFailure; readonly onExistingIssue: boolean; readonly failedAt: number } & RunState);

/** Runs the decision's commands in order; stops at the first failure and says how far it got. */
async function execute(decision: Decision, w: Working, issueType: string, deps: AlertsDeps): Promise<RunResult> {
  const s: RunState = { created: undefined, forgot: false, done: [], doneCount: 0 };
  for (const [index, command] of decision.commands.entries()) {
    switch (command.kind) {
      case 'nothing':
        continue;
      case 'forget':
        await forgetIssue(w, deps);
        s.forgot = true;
        continue;
      default: {
        const result = await runJiraCommand(command, s.created, w, issueType, deps);
        if (!result.ok) return { ok: false, failure: result.failure, onExistingIssue: refersToExisting(command), failedAt: index, ...s };
        if (result.created) s.created = result.created;
        s.done.push(command.kind);
        s.doneCount += 1;
      }
    }
  }
  return { ok: true, ...s };
}

function refersToExisting(command: JiraCommand): boolean {
  switch (command.kind) {
    case 'comment':
    case 'transition':
      return command.issue.kind === 'existing';
    case 'link':
      return command.inwardIssue.kind === 'existing';
    case 'create':
      return false;
    default:
      return assertNever(command);
  }
}

async function forgetIssue(w: Working, deps: AlertsDeps): Promise<void> {
  if (w.record?.issueId) await deps.store.delete(StorageKeys.issueStatus(w.record.issueId));
  w.mirror = undefined;
}

type CommandResult = { readonly ok: true; readonly created?: { id: string; key: string } } | { readonly ok: false; readonly failure: JiraFailure };

function keyOf(ref: IssueRef, created: { key: string } | undefined): string {
  const key = resolveIssueRef(ref, created?.key);
  if (key === undefined) throw new Error('a command refers to the created issue before it was created');
  return key;
}

async function runJiraCommand(command: JiraCommand, created: { id: string; key: string } | undefined, w: Working, issueType: string, deps: AlertsDeps): Promise<CommandResult> {
  switch (command.kind) {
    case 'create': {
      const result = await deps.jira.createIssue(command.body);
      if (!result.ok) return result;
      const status: TrackedIssueStatus = { issueKey: result.value.key, statusName: '', statusCategory: 'new', updatedAt: new Date(deps.clock.now()).toISOString(), createdAsType: issueType };
      await writeMirror(deps.store, result.value.id, status);
      // The closure validator on a shared workflow learns from this that the issue is not an incident's, without a GET.
      await deps.store.set(StorageKeys.issueIdByKey(result.value.key), result.value.id);
      w.mirror = status;
      return { ok: true, created: { id: result.value.id, key: result.value.key } };
    }
    case 'comment': {
      const issueKey = keyOf(command.issue, created);
      const tag = command.issue.kind === 'existing' && w.record ? w.tag : undefined;
      if (tag && w.record) {
        const marker = w.record.commenting;
        if (marker?.eventId !== tag.eventId) {
          w.record = { ...w.record, commenting: { eventId: tag.eventId, at: deps.clock.now() } };
          await saveProblem(deps.store, w.record);
          w.earlier = 0;
        } else if (w.earlier === undefined) {
          // An earlier attempt of this delivery was about to comment and its record was never saved after.
          const found = await findAlertComments(deps.jira, issueKey, tag, marker.at);
          if (!found.ok) return found;
          w.earlier = found.value;
        }
        if (w.earlier > 0) {
          w.earlier -= 1;
          deps.logger.info('alert comment found by its property: an earlier attempt posted it', { problemKey: tag.problemKey, issueKey });
          return { ok: true };
        }
      }
      const result = await deps.jira.addComment(issueKey, command.body, tag ? [{ key: ALERT_COMMENT_PROPERTY, value: tag }] : undefined);
      if (!result.ok && result.failure.kind !== 'unavailable' && w.record?.commenting) {
        // Refused for sure (no comment made): the retry need not look for it.
        const { commenting: _, ...rest } = w.record;
        w.record = rest;
      }
      return result.ok ? { ok: true } : result;
    }
    case 'link': {
      const result = await deps.jira.linkIssues({ type: command.linkType, inwardIssue: { key: keyOf(command.inwardIssue, created) }, outwardIssue: { key: keyOf(command.outwardIssue, created) } });
      return result.ok ? { ok: true } : result;
    }
    case 'transition':
      return transition(keyOf(command.issue, created), command, created ? undefined : w, deps);
    default:
      return assertNever(command);
  }
}

/**
 * How many of the issue's comments are this delivery's (by their `incident-bridge-alert` property), among those
 * created since the marker (scan-since-marker.ts, every page it reads). Runs only when a `commenting` marker of this
 * very delivery is found, so 0 calls otherwise; typically 1 page + 1 properties read.
 */
async function findAlertComments(jira: JiraPort, issueKey: string, tag: AlertCommentProperty, since: number): Promise<{ ok: true; value: number } | { ok: false; failure: JiraFailure }> {
  let ours = 0;
  const scanned = await scanCommentsSinceMarker(jira, issueKey, since, (comments) => {
    ours += comments.filter((c) =>
      c.properties.some((p) => {
        const value = p.value as Partial<AlertCommentProperty> | null;
        return p.key === ALERT_COMMENT_PROPERTY && value?.problemKey === tag.problemKey && value.eventId === tag.eventId;
      }),
    ).length;
    return undefined;
  });
  return scanned.ok ? { ok: true, value: ours } : scanned;
}

async function transition(issueKey: string, command: Extract<JiraCommand, { kind: 'transition' }>, w: Working | undefined, deps: AlertsDeps): Promise<CommandResult> {
  const mirror = w?.mirror;
  const place = placeOf(issueKey, mirror?.statusId, mirror?.createdAsType);
  const taken = await takeTransition(deps, issueKey, place, transitionChoice(command.target));
  if (!taken.ok) return taken;
  const to = taken.value.to;
  const issueId = w?.record?.issueId;
  if (issueId && to.id !== '') {
    const status: TrackedIssueStatus = { issueKey, statusName: to.name, statusCategory: to.category, updatedAt: new Date(deps.clock.now()).toISOString(), statusId: to.id };
    await writeMirror(deps.store, issueId, status);
    if (w) w.mirror = status;
  } else if (issueId) {
    // Moved by a transition id we could not see the target of: the next decision asks Jira.
    await deps.store.delete(StorageKeys.issueStatus(issueId));
    if (w) w.mirror = undefined;
  }
  return { ok: true };
}

/** Some commands ran, a later one failed: remember what is left so a retry finishes it instead of re-deciding. */
async function savePartial(decision: Decision, run: Extract<RunResult, { ok: false }>, w: Working, eventId: string, deps: AlertsDeps, problem: Problem, origin: ProblemOrigin): Promise<void> {
  const next = decision.next ? (settleState(decision.next, run.created?.key) ?? null) : null;
  const remaining = decision.commands.slice(run.failedAt).filter((c): c is JiraCommand => c.kind !== 'nothing' && c.kind !== 'forget').map((c) => resolveRefs(c, run.created?.key));
  const state = next ?? w.record?.state;
  if (!state) return;
  const createdBy = run.created ? eventId : w.record?.createdBy;
  const lastChange = w.record?.lastChange;
  await saveProblem(deps.store, { version: 1, state, issueId: run.created?.id ?? w.record?.issueId ?? null, pending: { commands: remaining, next, eventId }, links: problemLinks(problem, w.record?.links, state), origin, ...(createdBy ? { createdBy } : {}), ...(lastChange ? { lastChange } : {}) });
}

function resolveRefs(command: JiraCommand, createdKey: string | undefined): JiraCommand {
  const fix = (ref: IssueRef): IssueRef => (ref.kind === 'created' && createdKey ? { kind: 'existing', key: createdKey } : ref);
  switch (command.kind) {
    case 'comment':
    case 'transition':
      return { ...command, issue: fix(command.issue) };
    case 'link':
      return { ...command, inwardIssue: fix(command.inwardIssue), outwardIssue: fix(command.outwardIssue) };
    case 'create':
      return command;
    default:
      return assertNever(command);
  }
}

async function runPending(record: ProblemRecord, deps: AlertsDeps): Promise<{ ok: true; record: ProblemRecord } | { ok: false; failure: JiraFailure }> {
  const pending = record.pending;
  if (!pending) return { ok: true, record };
  const w: Working = { record, mirror: undefined, issueNotFound: false };
  if (record.issueId) w.mirror = (await deps.store.get<TrackedIssueStatus>(StorageKeys.issueStatus(record.issueId))) ?? undefined;
  for (const [index, command] of pending.commands.entries()) {
    const result = await runJiraCommand(command, undefined, w, '', deps);
    if (!result.ok && result.failure.kind !== 'not-found') {
      await saveProblem(deps.store, { ...record, pending: { ...pending, commands: pending.commands.slice(index) } });
      return result;
    }
  }
  const done: ProblemRecord = {
    version: 1,
    state: pending.next ?? record.state,
    issueId: record.issueId,
    ...(record.links ? { links: record.links } : {}),
    ...(record.origin ? { origin: record.origin } : {}),
    ...(record.createdBy ? { createdBy: record.createdBy } : {}),
    ...(record.lastChange ? { lastChange: record.lastChange } : {}),
  };
  await saveProblem(deps.store, done);
  return { ok: true, record: done };
}

function outcomeOf(problemKey: string, decision: Decision, run: RunState): ProblemOutcome {
  const ran = new Set(run.done);
  if (run.created) {
    const link = decision.commands.find((c) => c.kind === 'link');
    return { kind: 'created', problemKey, issueKey: run.created.key, ...(link && link.kind === 'link' && ran.has('link') ? { linkedTo: keyOf(link.inwardIssue, run.created) } : {}) };
  }
  const target = decision.commands.find((c) => c.kind === 'comment' || c.kind === 'transition');
  const issueKey = target && (target.kind === 'comment' || target.kind === 'transition') ? keyOf(target.issue, undefined) : undefined;
  if (issueKey && ran.has('comment')) return { kind: 'commented', problemKey, issueKey, transitioned: ran.has('transition') };
  if (issueKey && ran.has('transition')) return { kind: 'transitioned', problemKey, issueKey };
  const nothing = decision.commands.find((c) => c.kind === 'nothing');
  return { kind: 'skipped', problemKey, reason: nothing && nothing.kind === 'nothing' ? REASONS[nothing.reason] : 'nothing to do' };
}

const REASONS: Record<Extract<Decision['commands'][number], { kind: 'nothing' }>['reason'], string> = {
  unchanged: 'nothing changed since the last notification',
  stale: 'the notification is older than what was already applied',
  'resolved-without-issue': 'it resolved before any issue was created',
  'issue-done': 'the issue is done and nothing fired again',
  suppressed: 'the alerts are silenced or inhibited',
  'no-rule': 'no active rule matches',
  'no-alerts': 'the notification has no alerts',
};

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
