import { z } from 'zod';
import * as adf from './adf';
import type { AdfDoc } from './adf';
import type { Command, IssueRef } from './commands';
import { PROBLEM_PROPERTY_KEY } from './commands';
import { displayTime, issueFields, type IssueFields, type ProblemTimes } from './content';
import { decide, type Decision, type DecideInput } from './decide';
import type { Problem } from './problems';
import type { Rule } from './rules';
import type { ProblemState } from './state';

/**
 * Storm guard (rule field `stormGuard`): at most `maxNewIssues` NEW issues per rule per window; past that, a
 * new problem of the rule rolls into one storm issue of that rule and window, which lists it (one comment per
 * rolled problem); later notifications of a rolled problem comment on the storm issue, and when every rolled
 * problem has resolved the storm issue resolves by the rule's resolve policy.
 *
 * Windows are FIXED, aligned to the epoch: window = floor(receivedAt / windowMinutes). Why not sliding:
 * - the window an event belongs to is a function of the event alone (the relay's `receivedAt`, kept by
 *   retries and duplicate deliveries), so a redelivered, reordered or retried event lands in the same window
 *   and gets the same verdict: exactly-once without knowing the order events are processed in;
 * - "the storm issue of this rule and window" has one identity (rule id + window start), so concurrent
 *   consumers agree on which storm issue to create or to list a problem in;
 * - the count is one small record per rule and window (compare-and-set), not a log of admission times.
 * The price: a burst straddling a window boundary may open up to 2 × maxNewIssues issues within one window's
 * length (N at the end of one window, N at the start of the next), still bounded and never more than N per window.
 *
 * Pure: no I/O, no clock (time is the event's `receivedAt`).
 */
export type StormGuard = NonNullable<Rule['stormGuard']>;

/**
 * A window record names every problem it counted (12 hex of its 128-bit key, so a retried admission is
 * recognised) and fits one KVS value (240 KiB): 10,500 entries of at most 19 bytes.
 */
export const MAX_STORM_WINDOW_PROBLEMS = 10_500;

export const stormWindowSchema = z.object({
  /** Compare-and-set revision (incidents/record-cas.ts). */
  rev: z.number().int().optional(),
  ruleId: z.string(),
  windowStartMs: z.number().int(),
  /** Problems that got their own issue in this window (short ids), at most maxNewIssues. */
  admitted: z.array(z.string()),
  /** Problems rolled into the storm issue → whether each still fires. */
  rolled: z.record(z.string(), z.enum(['firing', 'resolved'])),
});
export type StormWindow = z.infer<typeof stormWindowSchema>;

export interface StormWindowRef {
  readonly ruleId: string;
  readonly windowStartMs: number;
}

/** The fixed window `receivedAt` falls in. */
export function stormWindowOf(ruleId: string, guard: StormGuard, receivedAt: string): StormWindowRef {
  const at = Date.parse(receivedAt);
  if (Number.isNaN(at)) throw new Error(`receivedAt is not a time: ${receivedAt}`);
  const length = guard.windowMinutes * 60_000;
  return { ruleId, windowStartMs: Math.floor(at / length) * length };
}

export function emptyStormWindow(ref: StormWindowRef): StormWindow {
  return { ruleId: ref.ruleId, windowStartMs: ref.windowStartMs, admitted: [], rolled: {} };
}

/** The storm issue's own problem key (its creation guard, record and entity property): `am:storm:<rule>:<ms>`. */
export function stormProblemKey(ref: StormWindowRef): string {
  return `am:storm:${ref.ruleId}:${ref.windowStartMs}`;
}

/** The id a window record keeps for a problem: the last 12 hex of its key (48 bits). */
export function stormShortId(problemKey: string): string {
  return problemKey.slice(-12);
}

export type Admission = 'own-issue' | 'rolled' | 'window-full';

/**
 * Whether a new problem gets its own issue or rolls into the storm issue. Idempotent: a problem already
 * counted gets its earlier verdict, the window unchanged (a retried or duplicated delivery).
 */
export function admitProblem(window: StormWindow, problemKey: string, guard: StormGuard): { readonly admission: Admission; readonly window: StormWindow; readonly changed: boolean } {
  const id = stormShortId(problemKey);
  if (window.admitted.includes(id)) return { admission: 'own-issue', window, changed: false };
  if (Object.prototype.hasOwnProperty.call(window.rolled, id)) {
    // Counted as rolled and new again (its storm issue was lost): it fires.
    const changed = window.rolled[id] !== 'firing';
    return { admission: 'rolled', window: changed ? { ...window, rolled: { ...window.rolled, [id]: 'firing' } } : window, changed };
  }
  if (window.admitted.length + Object.keys(window.rolled).length >= MAX_STORM_WINDOW_PROBLEMS) return { admission: 'window-full', window, changed: false };
  if (window.admitted.length < guard.maxNewIssues) return { admission: 'own-issue', window: { ...window, admitted: [...window.admitted, id] }, changed: true };
  return { admission: 'rolled', window: { ...window, rolled: { ...window.rolled, [id]: 'firing' } }, changed: true };
}

/**
 * A rolled problem now fires or has resolved. `allResolved` is true when this change resolved the last
 * firing rolled problem (the moment the storm issue resolves); `refired` when it fired while all were resolved.
 */
export function markRolled(window: StormWindow, problemKey: string, firing: boolean): { readonly window: StormWindow; readonly changed: boolean; readonly allResolved: boolean; readonly refired: boolean } {
  const id = stormShortId(problemKey);
  const status = firing ? 'firing' : 'resolved';
  const before = window.rolled[id];
  if (before === status || before === undefined) return { window, changed: false, allResolved: false, refired: false };
  const wasAllResolved = Object.values(window.rolled).every((s) => s === 'resolved');
  const rolled = { ...window.rolled, [id]: status } as Record<string, 'firing' | 'resolved'>;
  const isAllResolved = Object.values(rolled).every((s) => s === 'resolved');
  return { window: { ...window, rolled }, changed: true, allResolved: isAllResolved && !wasAllResolved, refired: wasAllResolved && !isAllResolved };
}

/** `POST /rest/api/3/issue` body of the storm issue: the rule's target, a storm summary, what it gathers. */
export function stormIssueBody(rule: Rule, guard: StormGuard, ref: StormWindowRef, first: Problem, times: ProblemTimes): { readonly fields: IssueFields; readonly properties: readonly [{ readonly key: typeof PROBLEM_PROPERTY_KEY; readonly value: { readonly problemKey: string; readonly source: 'alertmanager'; readonly grouping: 'group'; readonly identity: string; readonly ruleId: string } }] } {
  // The rule's fields (project, type, priority, labels, components, custom fields) as the first rolled problem fills them.
  const base = issueFields(first, rule, times);
  const start = new Date(ref.windowStartMs).toISOString();
  const end = new Date(ref.windowStartMs + guard.windowMinutes * 60_000).toISOString();
  const description: AdfDoc = adf.doc([
    adf.paragraph(
      adf.strong('Alert storm: '),
      adf.text(`rule "${rule.name}" opened ${guard.maxNewIssues} new issue${guard.maxNewIssues === 1 ? '' : 's'} in the window ${displayTime(start)} – ${displayTime(end)} (storm guard: at most ${guard.maxNewIssues} per ${guard.windowMinutes} min).`),
    ),
    adf.paragraph(adf.text('Every further new problem of the rule in this window is listed here, one comment each; their later changes are commented here too. This issue resolves when all of them have resolved.')),
  ]);
  return {
    fields: { ...base, summary: truncate(`[Storm] ${rule.name}: more than ${guard.maxNewIssues} new issues in ${guard.windowMinutes} min (from ${displayTime(start)})`), description },
    properties: [{ key: PROBLEM_PROPERTY_KEY, value: { problemKey: stormProblemKey(ref), source: 'alertmanager', grouping: 'group', identity: `storm ${rule.id} ${start}`, ruleId: rule.id } }],
  };
}

/**
 * The decision for a problem in (or rolling into) a storm issue: what `decide` would do with the storm
 * issue as the problem's issue, where a `create` becomes a "rolled in" comment on the storm issue that names
 * the problem (its would-be summary) and its alerts, and the rule's resolve transition is left to the storm
 * issue as a whole (`stormResolveCommands`). Answers `escape: true` when the problem must leave the storm
 * issue (it is Done and the problem fires again, or it was deleted): the caller decides it as a new problem.
 */
export function decideRolled(input: DecideInput, stormIssueKey: string, ref: StormWindowRef): { readonly escape: true } | { readonly escape: false; readonly decision: Decision } {
  const rule: Rule = { ...input.rule, resolve: { policy: 'comment' } };
  const known = input.known ? withoutStorm(input.known) : null;
  const first = !known?.issue;
  const d = decide({ ...input, rule, known });
  const storm: IssueRef = { kind: 'existing', key: stormIssueKey };
  if (!first) {
    if (d.commands.some((c) => c.kind === 'create' || c.kind === 'forget')) return { escape: true };
    const next = d.next ? { ...d.next, storm: { ruleId: ref.ruleId, windowStartMs: ref.windowStartMs } } : null;
    return { escape: false, decision: { ...d, next } };
  }
  // Rolling in: `decide` without an issue creates (and may comment + resolve a late firing); say it on the storm issue.
  const commands: Command[] = d.commands.flatMap((c): Command[] => {
    switch (c.kind) {
      case 'create':
        return [{ kind: 'comment', issue: storm, body: rolledInComment(c.body.fields.summary, c.body.fields.description, input.problem.key) }];
      case 'comment':
        return [{ ...c, issue: storm }];
      case 'transition':
      case 'link':
        return [];
      default:
        return [c];
    }
  });
  const next = d.next ? { ...d.next, issue: { ref: storm, statusCategory: 'new' as const }, storm: { ruleId: ref.ruleId, windowStartMs: ref.windowStartMs } } : null;
  return { escape: false, decision: { ...d, commands, next, stateChanged: true } };
}

/** The storm issue resolves as the rule says, once every rolled problem has: a comment, and its transition if any. */
export function stormResolveCommands(rule: Rule, stormIssueKey: string, rolledCount: number): Command[] {
  const issue: IssueRef = { kind: 'existing', key: stormIssueKey };
  const body = adf.doc([adf.paragraph(adf.strong('Storm over: '), adf.text(`all ${rolledCount} problem${rolledCount === 1 ? '' : 's'} rolled into this issue have resolved.`))]);
  const commands: Command[] = [{ kind: 'comment', issue, body }];
  if (rule.resolve.policy === 'comment-and-transition') commands.push({ kind: 'transition', issue, purpose: 'resolve', target: rule.resolve.transition });
  return commands;
}

function rolledInComment(summary: string, description: AdfDoc, problemKey: string): AdfDoc {
  return adf.doc([adf.paragraph(adf.strong('Rolled into this storm: '), adf.text(summary), adf.text(' ('), adf.code(problemKey), adf.text(')')), ...description.content]);
}

function withoutStorm(state: ProblemState): ProblemState {
  const copy = { ...state };
  delete copy.storm;
  return copy;
}

function truncate(s: string): string {
  return s.length <= 255 ? s : `${s.slice(0, 254)}…`;
}
