import type { Labels } from './matchers';
import { groupIdentity, problemKey, type Grouping } from './problem-key';
import { compileRules, selectRule, type CompiledRules, type Rule } from './rules';

/**
 * Splits an Alertmanager notification into "problems" (one Jira issue each): one per alert fingerprint or
 * one per Alertmanager group, as the matching rule says. Works on the parsed webhook body
 * (`AlertmanagerWebhook` from src/shared is assignable) and on looser bodies whose alert `status` was
 * extended: silenced or inhibited alerts (`suppressed`) never reach Jira.
 */
export interface AlertInput {
  readonly status: unknown;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
  readonly [extra: string]: unknown;
}

export interface NotificationInput {
  readonly groupKey: string;
  readonly receiver: string;
  readonly status: string;
  readonly groupLabels: Labels;
  readonly commonLabels: Labels;
  readonly commonAnnotations: Labels;
  readonly externalURL: string;
  readonly truncatedAlerts?: number | undefined;
  readonly alerts: readonly AlertInput[];
}

export type AlertStatus = 'firing' | 'resolved';

/** One alert as the domain sees it. */
export interface ObservedAlert {
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: string;
  /** `0001-01-01T00:00:00Z` while firing, as Alertmanager sends it. */
  readonly endsAt: string;
  readonly generatorURL: string;
}

export interface Problem {
  readonly key: string;
  readonly grouping: Grouping;
  /** Fingerprint or group identity (rule + group labels): the value behind the hashed key (in the issue entity property). */
  readonly source: string;
  /** Group problems: the key earlier versions derived from the groupKey, read once to carry their state over. */
  readonly legacyKey?: string;
  readonly alerts: readonly ObservedAlert[];
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly receiver: string;
  readonly externalURL: string;
}

export interface PlannedProblem {
  readonly problem: Problem;
  readonly rule: Rule;
}

export type SkippedAlert = { readonly fingerprint: string; readonly reason: 'suppressed' | 'unknown-status' | 'bad-fingerprint' | 'no-rule' };

export interface NotificationPlan {
  readonly problems: readonly PlannedProblem[];
  readonly skipped: readonly SkippedAlert[];
}

/**
 * Each alert picks its rule by its own labels (first matching active rule). Alerts whose rule groups by
 * fingerprint become one problem each; all alerts whose rule groups by group become one problem keyed by
 * the notification's groupKey, written by the earliest-ordered of their rules.
 */
export function planNotification(notification: NotificationInput, rules: CompiledRules | readonly Rule[]): NotificationPlan {
  const compiled = Array.isArray(rules) ? compileRules(rules) : (rules as CompiledRules);
  const skipped: SkippedAlert[] = [];
  const byFingerprint = new Map<string, PlannedProblem>();
  const grouped: { alert: ObservedAlert; rule: Rule }[] = [];
  for (const raw of notification.alerts) {
    // Fingerprints become object keys in the stored state: only plain hex-like ids (Alertmanager's are 16 hex).
    if (typeof raw.fingerprint !== 'string' || !/^[0-9A-Za-z]{1,64}$/.test(raw.fingerprint)) {
      skipped.push({ fingerprint: String(raw.fingerprint), reason: 'bad-fingerprint' });
      continue;
    }
    const state = alertState(raw);
    if (state === 'suppressed' || state === 'unknown') {
      skipped.push({ fingerprint: raw.fingerprint, reason: state === 'unknown' ? 'unknown-status' : 'suppressed' });
      continue;
    }
    const rule = selectRule(compiled, raw.labels);
    if (!rule) {
      skipped.push({ fingerprint: raw.fingerprint, reason: 'no-rule' });
      continue;
    }
    const alert = observe(raw, state);
    if (rule.grouping === 'fingerprint') {
      // A fingerprint appears once per notification; if a body repeats it, the later entry wins.
      byFingerprint.set(alert.fingerprint, { rule, problem: makeProblem(notification, 'fingerprint', alert.fingerprint, [alert]) });
    } else {
      grouped.push({ alert, rule });
    }
  }
  const problems: PlannedProblem[] = [...byFingerprint.values()];
  const first = grouped.reduce<Rule | undefined>((best, g) => (best === undefined || g.rule.order < best.order || (g.rule.order === best.order && g.rule.id < best.id) ? g.rule : best), undefined);
  if (first) {
    const alerts = dedupeByFingerprint(grouped.map((g) => g.alert));
    const problem = makeProblem(notification, 'group', groupIdentity(first.id, notification.groupLabels), alerts);
    problems.push({ rule: first, problem: { ...problem, legacyKey: problemKey({ grouping: 'group', source: notification.groupKey }) } });
  }
  return { problems, skipped };
}

/** `firing`, `resolved`, or `suppressed` (silenced/inhibited) from a webhook status or an API v2-like status object. */
export function alertState(alert: AlertInput): AlertStatus | 'suppressed' | 'unknown' {
  if (nonEmptyArray(alert['silencedBy']) || nonEmptyArray(alert['inhibitedBy'])) return 'suppressed';
  const s = alert.status;
  if (s === 'firing' || s === 'resolved') return s;
  if (s === 'suppressed') return 'suppressed';
  if (typeof s === 'object' && s !== null) {
    const o = s as Record<string, unknown>;
    if (o['state'] === 'suppressed' || nonEmptyArray(o['silencedBy']) || nonEmptyArray(o['inhibitedBy'])) return 'suppressed';
    if (o['state'] === 'active') return 'firing';
  }
  return 'unknown';
}

function observe(a: AlertInput, status: AlertStatus): ObservedAlert {
  return {
    fingerprint: a.fingerprint,
    status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
  };
}

function makeProblem(n: NotificationInput, grouping: Grouping, source: string, alerts: ObservedAlert[]): Problem {
  return {
    key: problemKey({ grouping, source }),
    grouping,
    source,
    alerts,
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    receiver: n.receiver,
    externalURL: n.externalURL,
  };
}

function dedupeByFingerprint(alerts: ObservedAlert[]): ObservedAlert[] {
  const m = new Map<string, ObservedAlert>();
  for (const a of alerts) m.set(a.fingerprint, a);
  return [...m.values()];
}

function nonEmptyArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** Labels every alert shares (Alertmanager's commonLabels, for one problem). */
export function commonOf(maps: readonly Labels[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((m) => Object.prototype.hasOwnProperty.call(m, k) && m[k] === v)) out[k] = v;
  return out;
}
