import { classify, compareInstants, isChange, isFiringChange, isZeroTime, seen, type AlertChange, type SeenAlert } from './changes';
import type { Command, CreateCommand, IssueRef, JiraCommand, NothingReason } from './commands';
import { PROBLEM_PROPERTY_KEY } from './commands';
import { changeComment, issueFields, type ProblemTimes } from './content';
import { planNotification, type NotificationInput, type ObservedAlert, type Problem } from './problems';
import type { CompiledRules, Rule, TransitionTarget } from './rules';
import type { PendingState, ProblemState, StatusCategory } from './state';

/**
 * The decision for one problem: (what we know of its issue) × (notification, rule) → commands and the
 * state to store. Pure: time comes in as `receivedAt`.
 *
 * Jira calls per notification: first fire 1 (create, properties included); unchanged repeat 0; group grows
 * 1 (comment); one resolved 1 (comment); all resolved 1-2 (comment [+ transition]); re-fire after Done 2
 * (create + link, or transition + comment).
 */
export interface DecideInput {
  readonly problem: Problem;
  readonly rule: Rule;
  /** Stored state for `problem.key`, with `issue.statusCategory` refreshed from the status mirror if known. */
  readonly known: ProblemState | null;
  /** Jira answered 404 for `known.issue` (deleted, or moved out of reach). */
  readonly issueNotFound?: boolean;
  /** When the relay received the notification (ISO 8601). */
  readonly receivedAt: string;
  /** The relay's accept order of the notification (RelayEvent.sequence), when it came through the relay. */
  readonly sequence?: number;
}

export interface Decision {
  readonly problemKey: string;
  readonly ruleId: string;
  /** In execution order; `[{kind: 'nothing'}]` when there is nothing to do. */
  readonly commands: readonly Command[];
  /** What to store after the commands succeeded (see `settleState`); null: store nothing, delete any record. */
  readonly next: PendingState | null;
  /** False when `next` equals what is stored: the adapter can skip the KVS write. */
  readonly stateChanged: boolean;
  readonly changes: readonly AlertChange[];
}

/** Alerts remembered per problem; beyond this, the oldest resolved ones are dropped. */
export const MAX_TRACKED_ALERTS = 500;
const MAX_PREVIOUS_ISSUES = 10;

export function decide(input: DecideInput): Decision {
  const { problem, rule, receivedAt } = input;
  const commands: Command[] = [];
  let issue = input.known?.issue ?? null;
  let prevAlerts: Readonly<Record<string, SeenAlert>> = input.known?.alerts ?? {};
  let previousIssueKeys = input.known?.previousIssueKeys ?? [];
  let firstSeen = input.known?.firstSeen;

  if (input.issueNotFound && issue) {
    commands.push({ kind: 'forget', problemKey: problem.key, issueKey: issue.key, reason: 'issue-not-found' });
    // Start over: nothing of the deleted issue can be linked or read.
    issue = null;
    prevAlerts = {};
    firstSeen = undefined;
  }

  const changes: AlertChange[] = problem.alerts.map((alert) => ({ kind: classify(alert, own(prevAlerts, alert.fingerprint)), alert, previous: own(prevAlerts, alert.fingerprint) }));
  const real = changes.filter((c) => isChange(c.kind));
  const merged: Record<string, SeenAlert> = { ...prevAlerts };
  for (const c of real) merged[c.alert.fingerprint] = seen(c.alert);
  const current = currentView(problem, merged);
  // An alert missing from this notification has left the group, unless what we know of it is newer than
  // anything in the notification (by Alertmanager's own times, shared by HA replicas): then the notification
  // is an older one delivered late, and the alert still counts as what we last saw. A notification the relay
  // accepted before the one that last changed this state (a retry or redelivery of an older event) says nothing
  // by leaving an alert out, whatever the alerts' times (HA Prometheus pairs with skewed clocks send alerts whose
  // startsAt says little about when they joined the group). A lagging HA replica's copy is accepted later, so this
  // never makes it count: for it, and for every alert present, Alertmanager's times decide.
  const acceptedBefore = isAcceptedBefore(input.sequence, receivedAt, input.known?.lastApplied);
  const absentStill = acceptedBefore ? absentFrom(problem.alerts, merged) : laterThan(problem.alerts, merged);
  const firingNow = current.alerts.some((a) => a.status === 'firing') || absentStill.some((a) => a.status === 'firing');
  const quietReason: NothingReason = problem.alerts.length === 0 ? 'no-alerts' : real.length === 0 && changes.some((c) => c.kind === 'stale') ? 'stale' : 'unchanged';

  const times = (first: string | undefined): ProblemTimes => ({ firstSeen: first ?? earliestStart(current.alerts) ?? receivedAt, lastSeen: receivedAt });
  const existing = (key: string): IssueRef => ({ kind: 'existing', key });
  let nextIssue: PendingState['issue'] = issue ? { ref: existing(issue.key), statusCategory: issue.statusCategory } : null;

  if (problem.alerts.length === 0) {
    commands.push({ kind: 'nothing', reason: 'no-alerts' });
  } else if (!issue) {
    const late = input.known ? changes.filter(isLateFiring) : [];
    if (firingNow) {
      firstSeen = earliestStart(current.alerts.filter((a) => a.status === 'firing')) ?? receivedAt;
      commands.push(createCommand(current, rule, times(firstSeen)));
      nextIssue = { ref: { kind: 'created' }, statusCategory: 'new' };
    } else if (late.length > 0) {
      // We saw these alerts only resolved, and now their firing arrives late (a retry, a redelivery, a reordered
      // or retried-by-hand delivery). Delivered in order it would have opened an issue that the resolve then
      // updated: do both now, so what Jira ends with does not depend on the order deliveries arrive in.
      const fired: Problem = { ...problem, alerts: problem.alerts.filter((a) => a.status === 'firing') };
      firstSeen = earliestStart(fired.alerts) ?? receivedAt;
      const created: IssueRef = { kind: 'created' };
      commands.push(createCommand(fired, rule, times(firstSeen)));
      const resolved: AlertChange[] = late.map((c) => ({ kind: 'resolved', alert: current.alerts.find((a) => a.fingerprint === c.alert.fingerprint) ?? c.alert, previous: seen(c.alert) }));
      commands.push({ kind: 'comment', issue: created, body: changeComment(current, resolved, times(firstSeen)) });
      nextIssue = { ref: created, statusCategory: 'new' };
      if (rule.resolve.policy === 'comment-and-transition') {
        commands.push({ kind: 'transition', issue: created, purpose: 'resolve', target: rule.resolve.transition });
        nextIssue = { ref: created, statusCategory: categoryAfter(rule.resolve.transition, 'done') };
      }
    } else {
      commands.push({ kind: 'nothing', reason: 'resolved-without-issue' });
    }
  } else {
    const ref = existing(issue.key);
    switch (issue.statusCategory) {
      case 'new':
      case 'indeterminate':
        if (real.length === 0) break;
        commands.push({ kind: 'comment', issue: ref, body: changeComment(current, real, times(firstSeen)) });
        if (!firingNow && rule.resolve.policy === 'comment-and-transition') {
          commands.push({ kind: 'transition', issue: ref, purpose: 'resolve', target: rule.resolve.transition });
          nextIssue = { ref, statusCategory: categoryAfter(rule.resolve.transition, 'done') };
        }
        break;
      case 'unknown':
        // Where the issue stands is unclear: say what happened, move nothing.
        if (real.length > 0) commands.push({ kind: 'comment', issue: ref, body: changeComment(current, real, times(firstSeen)) });
        break;
      case 'done':
        if (!firingNow || !real.some((c) => isFiringChange(c.kind))) break;
        if (rule.reFire.policy === 'reopen') {
          commands.push({ kind: 'transition', issue: ref, purpose: 'reopen', target: rule.reFire.transition });
          commands.push({ kind: 'comment', issue: ref, body: changeComment(current, real, times(firstSeen)) });
          nextIssue = { ref, statusCategory: categoryAfter(rule.reFire.transition, 'new') };
        } else {
          firstSeen = earliestStart(current.alerts.filter((a) => a.status === 'firing')) ?? receivedAt;
          commands.push(createCommand(current, rule, times(firstSeen), issue.key));
          commands.push({ kind: 'link', linkType: { name: rule.reFire.linkType }, outwardIssue: { kind: 'created' }, inwardIssue: ref });
          previousIssueKeys = [issue.key, ...previousIssueKeys.filter((k) => k !== issue?.key)].slice(0, MAX_PREVIOUS_ISSUES);
          nextIssue = { ref: { kind: 'created' }, statusCategory: 'new' };
        }
        break;
      default:
        assertNever(issue.statusCategory);
    }
    if (!commands.some((c) => c.kind !== 'forget')) commands.push({ kind: 'nothing', reason: issue.statusCategory === 'done' && real.length > 0 ? 'issue-done' : quietReason });
  }

  const acted = commands.some((c) => c.kind !== 'nothing');
  const stateChanged = acted || real.length > 0;
  // Resolved before any issue existed: the state is kept (issue null), so a late copy of the firing is known
  // for what it is. After a deleted issue (forget) nothing is kept, as before: that issue did report it.
  const keep = nextIssue !== null || (!input.issueNotFound && (real.length > 0 || input.known !== null));
  const next: PendingState | null = !keep
    ? null
    : {
          version: 1,
          problemKey: problem.key,
          issue: nextIssue,
          previousIssueKeys,
          alerts: capAlerts(merged, problem.alerts),
          firstSeen: firstSeen ?? earliestStart(current.alerts) ?? receivedAt,
          updatedAt: stateChanged ? receivedAt : (input.known?.updatedAt ?? receivedAt),
          ...lastAppliedAfter(input, stateChanged),
        };
  // With nothing to store, the only write is deleting a record that exists.
  return { problemKey: problem.key, ruleId: rule.id, commands, next, stateChanged: next === null ? input.known !== null : stateChanged, changes };
}

/** Plans a notification and decides every problem in it, reading known state from a map keyed by problem key. */
export function decideNotification(
  notification: NotificationInput,
  rules: CompiledRules | readonly Rule[],
  known: (problemKey: string) => { readonly state: ProblemState | null; readonly issueNotFound?: boolean },
  receivedAt: string,
  sequence?: number,
): Decision[] {
  return planNotification(notification, rules).problems.map(({ problem, rule }) => {
    const k = known(problem.key);
    return decide({ problem, rule, known: k.state, issueNotFound: k.issueNotFound ?? false, receivedAt, ...(sequence === undefined ? {} : { sequence }) });
  });
}

export function jiraCommands(d: Decision): JiraCommand[] {
  return d.commands.filter((c): c is JiraCommand => c.kind === 'create' || c.kind === 'comment' || c.kind === 'transition' || c.kind === 'link');
}

function createCommand(problem: Problem, rule: Rule, times: ProblemTimes, previousIssueKey?: string): CreateCommand {
  return {
    kind: 'create',
    problemKey: problem.key,
    body: {
      fields: issueFields(problem, rule, times, previousIssueKey),
      properties: [
        {
          key: PROBLEM_PROPERTY_KEY,
          value: { problemKey: problem.key, source: 'alertmanager', grouping: problem.grouping, identity: problem.source, ruleId: rule.id },
        },
      ],
    },
  };
}

/** The problem as we now believe it: a stale copy of an alert shows what we already saw instead. */
function currentView(problem: Problem, merged: Readonly<Record<string, SeenAlert>>): Problem {
  const alerts: ObservedAlert[] = problem.alerts.map((a) => {
    const s = own(merged, a.fingerprint);
    return s ? { ...a, status: s.status, startsAt: s.startsAt, endsAt: s.endsAt } : a;
  });
  return { ...problem, alerts };
}

/** Remembered alerts absent from the notification whose last observation is newer than all of it. */
function laterThan(inNotification: readonly ObservedAlert[], merged: Readonly<Record<string, SeenAlert>>): SeenAlert[] {
  let newest: string | undefined;
  for (const a of inNotification) {
    for (const t of a.status === 'resolved' && !isZeroTime(a.endsAt) ? [a.startsAt, a.endsAt] : [a.startsAt]) if (newest === undefined || compareInstants(t, newest) > 0) newest = t;
  }
  if (newest === undefined) return [];
  const present = new Set(inNotification.map((a) => a.fingerprint));
  const latest = newest;
  return Object.entries(merged)
    .filter(([fp, a]) => !present.has(fp) && compareInstants(a.status === 'resolved' && !isZeroTime(a.endsAt) ? a.endsAt : a.startsAt, latest) > 0)
    .map(([, a]) => a);
}

/** Remembered alerts absent from the notification. */
function absentFrom(inNotification: readonly ObservedAlert[], merged: Readonly<Record<string, SeenAlert>>): SeenAlert[] {
  const present = new Set(inNotification.map((a) => a.fingerprint));
  return Object.entries(merged)
    .filter(([fp]) => !present.has(fp))
    .map(([, a]) => a);
}

/**
 * Accepted by the relay before the notification that last changed the state: a lower sequence AND a receivedAt no
 * later (both, so a relay whose database was reset, which numbers from 1 again, is not taken for the past).
 */
function isAcceptedBefore(sequence: number | undefined, receivedAt: string, last: ProblemState['lastApplied']): boolean {
  return sequence !== undefined && last !== undefined && sequence < last.sequence && compareInstants(receivedAt, last.receivedAt) <= 0;
}

/** The state's lastApplied after this decision: moved forward only by a change (an unchanged repeat writes nothing). */
function lastAppliedAfter(input: DecideInput, stateChanged: boolean): Pick<ProblemState, 'lastApplied'> {
  const last = input.known?.lastApplied;
  if (!stateChanged || input.sequence === undefined || (last && last.sequence >= input.sequence)) return last ? { lastApplied: last } : {};
  return { lastApplied: { sequence: input.sequence, receivedAt: input.receivedAt } };
}

/** A firing copy of an activation (same startsAt) we already saw resolved: not news, unless no issue told it. */
function isLateFiring(c: AlertChange): boolean {
  return c.kind === 'stale' && c.alert.status === 'firing' && c.previous?.status === 'resolved' && compareInstants(c.alert.startsAt, c.previous.startsAt) === 0;
}

function categoryAfter(target: TransitionTarget, assumed: StatusCategory): StatusCategory {
  return target.by === 'statusCategory' ? target.category : assumed;
}

function earliestStart(alerts: readonly ObservedAlert[]): string | undefined {
  let best: string | undefined;
  for (const a of alerts) if (best === undefined || compareInstants(a.startsAt, best) < 0) best = a.startsAt;
  return best;
}

function capAlerts(merged: Record<string, SeenAlert>, inNotification: readonly ObservedAlert[]): Record<string, SeenAlert> {
  const keys = Object.keys(merged);
  if (keys.length <= MAX_TRACKED_ALERTS) return merged;
  const keep = new Set(inNotification.map((a) => a.fingerprint));
  const droppable = keys
    .filter((k) => !keep.has(k) && merged[k]?.status === 'resolved')
    .sort((a, b) => compareInstants((merged[a] as SeenAlert).startsAt, (merged[b] as SeenAlert).startsAt));
  const out = { ...merged };
  for (const k of droppable.slice(0, keys.length - MAX_TRACKED_ALERTS)) delete out[k];
  return out;
}

function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}
