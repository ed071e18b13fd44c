import * as adf from './adf';
import type { AdfBlock, AdfDoc, AdfInline } from './adf';
import type { AlertChange } from './changes';
import { isZeroTime } from './changes';
import { escapeValue, type Labels } from './matchers';
import { commonOf, type ObservedAlert, type Problem } from './problems';
import type { CustomFieldValue, Rule } from './rules';
import { renderTemplate, type TemplateContext } from './templates';

/**
 * What the Jira issue and its comments say: summary, description and comments in ADF, labels, priority,
 * components and custom fields, all computed from the problem, the rule and times passed in as data.
 */
export const SUMMARY_MAX = 255;
const LABEL_MAX = 255;
const MAX_ALERT_ROWS = 50;
const MAX_CELL_CHARS = 500;

export interface ProblemTimes {
  /** Earliest startsAt of the problem (ISO). */
  readonly firstSeen: string;
  /** When this notification was received (ISO, from the relay). */
  readonly lastSeen: string;
}

/** The fields of `POST /rest/api/3/issue` the rule sets; custom fields are merged in by id. */
export interface StandardIssueFields {
  readonly project: { readonly key: string };
  readonly issuetype: { readonly name: string } | { readonly id: string };
  readonly summary: string;
  readonly description: AdfDoc;
  readonly labels: readonly string[];
  readonly priority?: { readonly name: string };
  readonly components?: readonly { readonly name: string }[];
}
export type IssueFields = StandardIssueFields & { readonly [fieldId: string]: unknown };

// ---------------------------------------------------------------------------------------------------------
// Template context

export function templateContext(problem: Problem): TemplateContext {
  const firing = problem.alerts.filter((a) => a.status === 'firing');
  return {
    status: firing.length > 0 ? 'firing' : 'resolved',
    labels: commonOf(problem.alerts.map((a) => a.labels)),
    annotations: commonOf(problem.alerts.map((a) => a.annotations)),
    groupLabels: problem.groupLabels,
    fingerprint: problem.grouping === 'fingerprint' ? problem.source : problem.alerts.map((a) => a.fingerprint).join(', '),
    groupKey: problem.groupKey,
    receiver: problem.receiver,
    externalURL: problem.externalURL,
    alertCount: problem.alerts.length,
    firingCount: firing.length,
    resolvedCount: problem.alerts.length - firing.length,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Fields

export function issueFields(problem: Problem, rule: Rule, times: ProblemTimes, previousIssueKey?: string): IssueFields {
  const ctx = templateContext(problem);
  const labels = jiraLabels(rule, ctx);
  const priority = priorityFor(rule, ctx);
  const components = uniq(rule.components.map((c) => renderTemplate(c, ctx).trim()).filter((c) => c !== '')).map((name) => ({ name }));
  const custom: Record<string, CustomFieldValue> = {};
  for (const [id, value] of Object.entries(rule.customFields)) custom[id] = renderJson(value, ctx);
  const standard: StandardIssueFields = {
    project: { key: rule.target.projectKey },
    issuetype: /^\d+$/.test(rule.target.issueType) ? { id: rule.target.issueType } : { name: rule.target.issueType },
    summary: truncateSummary(renderTemplate(rule.summaryTemplate, ctx)),
    description: describeProblem(problem, renderTemplate(rule.descriptionTemplate, ctx), times, previousIssueKey),
    labels,
    ...(priority ? { priority: { name: priority } } : {}),
    ...(components.length > 0 ? { components } : {}),
  };
  return { ...custom, ...standard };
}

function priorityFor(rule: Rule, ctx: TemplateContext): string | undefined {
  if (!rule.priority) return undefined;
  const labels = ctx['labels'] as Labels;
  const value = Object.prototype.hasOwnProperty.call(labels, rule.priority.label) ? labels[rule.priority.label] : undefined;
  const mapping = rule.priority.mapping;
  if (value !== undefined) {
    if (Object.prototype.hasOwnProperty.call(mapping, value)) return mapping[value];
    const lower = Object.keys(mapping).find((k) => k.toLowerCase() === value.toLowerCase());
    if (lower !== undefined) return mapping[lower];
  }
  return rule.priority.default;
}

function jiraLabels(rule: Rule, ctx: TemplateContext): string[] {
  const labels = ctx['labels'] as Labels;
  const out: string[] = [];
  for (const t of rule.labels) out.push(renderTemplate(t, ctx));
  const copyAll = rule.copyLabels.includes('*');
  const names = copyAll ? Object.keys(labels).sort() : rule.copyLabels;
  for (const name of names) {
    const v = labels[name];
    if (v !== undefined && Object.prototype.hasOwnProperty.call(labels, name)) out.push(`${name}_${v}`);
  }
  return uniq(out.map(sanitizeJiraLabel).filter((l): l is string => l !== null));
}

/** Jira labels cannot hold spaces: runs of anything but letters, digits, `_` and `-` become `_` (the seed's `[^\w-]+`). */
export function sanitizeJiraLabel(raw: string): string | null {
  const s = cutUtf16(raw.replace(/[^\p{L}\p{N}\p{M}_-]+/gu, '_'), LABEL_MAX);
  return /^_*$/.test(s) ? null : s;
}

function renderJson(value: CustomFieldValue, ctx: TemplateContext): CustomFieldValue {
  if (typeof value === 'string') return renderTemplate(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, ctx));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, CustomFieldValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderJson(v, ctx);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Summary

/**
 * One line (Jira refuses line breaks in summaries), at most 255 UTF-16 units (what Jira counts), cut on a
 * word boundary with `…`; a single over-long word is cut hard, never inside a surrogate pair.
 */
export function truncateSummary(raw: string, max = SUMMARY_MAX): string {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (s === '') return 'Alert';
  if (s.length <= max) return s;
  const hard = cutUtf16(s, max - 1);
  const space = hard.lastIndexOf(' ');
  // Keep at least half the budget: a boundary near the start would throw most of the summary away.
  const cut = space >= Math.floor(max / 2) ? hard.slice(0, space) : hard;
  return `${cut.trimEnd()}…`;
}

function cutUtf16(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // do not split a surrogate pair
  return s.slice(0, end);
}

// ---------------------------------------------------------------------------------------------------------
// Description

export function describeProblem(problem: Problem, intro: string, times: ProblemTimes, previousIssueKey?: string): AdfDoc {
  const ctx = templateContext(problem);
  const labels = ctx['labels'] as Labels;
  const annotations = ctx['annotations'] as Labels;
  const firing = problem.alerts.filter((a) => a.status === 'firing').length;
  const facts: [string, AdfInline[]][] = [
    ['Status', adf.strong(firing > 0 ? 'FIRING' : 'RESOLVED')],
    [problem.grouping === 'fingerprint' ? 'Fingerprint' : 'Alertmanager group', adf.code(problem.grouping === 'fingerprint' ? problem.source : problem.groupKey)],
    ['Alerts', adf.text(`${firing} firing, ${problem.alerts.length - firing} resolved`)],
    ['First seen', adf.text(displayTime(times.firstSeen))],
    ['Last seen', adf.text(displayTime(times.lastSeen))],
  ];
  if (previousIssueKey) facts.push(['Previous issue', adf.text(previousIssueKey)]);
  const blocks: (AdfBlock | null)[] = [
    ...(intro.trim() === '' ? [] : [adf.multiline(cell(intro.trim(), 4000))]),
    adf.table(['Field', 'Value'], facts.map(([k, v]) => [adf.text(k), v])),
    linksParagraph(problem, annotations),
    adf.heading(3, 'Labels'),
    adf.table(['Label', 'Value'], sortedEntries(labels).map(([k, v]) => [adf.code(k), adf.text(cell(v))])) ?? adf.paragraph(adf.text('(none)')),
  ];
  const ann = sortedEntries(annotations).filter(([k]) => k !== 'runbook_url');
  if (ann.length > 0) blocks.push(adf.heading(3, 'Annotations'), adf.table(['Annotation', 'Value'], ann.map(([k, v]) => [adf.code(k), annotationCell(v)])));
  if (problem.alerts.length > 1) blocks.push(adf.heading(3, 'Alerts'), alertsTable(problem));
  if (problem.alerts.length > MAX_ALERT_ROWS) blocks.push(notListed(problem.alerts.length - MAX_ALERT_ROWS));
  blocks.push(adf.paragraph(adf.text('Created by Incident Bridge from Alertmanager. Later changes arrive as comments; edits here are kept.', [{ type: 'em' }])));
  return adf.doc(blocks);
}

function linksParagraph(problem: Problem, annotations: Labels): AdfBlock | null {
  const generator = problem.alerts.find((a) => adf.isHttpUrl(a.generatorURL))?.generatorURL;
  const runbook = annotations['runbook_url'] ?? problem.alerts.map((a) => a.annotations['runbook_url']).find((u) => u !== undefined);
  const parts: AdfInline[][] = [];
  if (generator) parts.push(adf.link('Source (Prometheus)', generator));
  if (runbook && adf.isHttpUrl(runbook)) parts.push(adf.link('Runbook', runbook));
  const group = alertmanagerGroupUrl(problem.externalURL, problem.groupLabels, problem.receiver);
  if (group) parts.push(adf.link('Alertmanager group', group));
  const silence = silenceUrl(problem.externalURL, silenceLabels(problem));
  if (silence) parts.push(adf.link('Silence', silence));
  if (parts.length === 0) return null;
  const inline: AdfInline[] = [];
  parts.forEach((p, i) => {
    if (i > 0) inline.push(...adf.text(' · '));
    inline.push(...p);
  });
  return adf.paragraph(inline);
}

/**
 * Jira refuses description and comment text over 32,767 characters; a group of thousands of alerts cannot be
 * listed whole. Rule: the first MAX_ALERT_ROWS alerts (in the notification's order) are listed, then a count of
 * the rest; the app's record (and the issue panel) keeps every alert.
 */
function notListed(count: number): AdfBlock {
  return adf.paragraph(adf.text(`… and ${count} more alert${count === 1 ? '' : 's'} not listed here (the Incident Bridge panel lists every alert).`, [{ type: 'em' }]));
}

function alertsTable(problem: Problem): AdfBlock | null {
  const common = commonOf(problem.alerts.map((a) => a.labels));
  const rows = problem.alerts.slice(0, MAX_ALERT_ROWS).map((a) => [
    adf.code(a.fingerprint),
    adf.text(a.status),
    adf.text(cell(distinguishing(a, common))),
    adf.text(displayTime(a.startsAt)),
    adf.isHttpUrl(a.generatorURL) ? adf.link('source', a.generatorURL) : adf.text('-'),
  ]);
  return adf.table(['Fingerprint', 'Status', 'Labels', 'Started', 'Source'], rows);
}

// ---------------------------------------------------------------------------------------------------------
// Comments

/** A comment describing what changed (new, firing again, resolved) and where the problem stands now. */
export function changeComment(problem: Problem, changes: readonly AlertChange[], times: ProblemTimes): AdfDoc {
  const common = commonOf(problem.alerts.map((a) => a.labels));
  const firingNow = problem.alerts.filter((a) => a.status === 'firing').length;
  const headline = firingNow > 0 ? (changes.some((c) => c.kind === 'fired-again' || c.kind === 'new') ? 'Alert firing' : 'Alert partly resolved') : 'Alert resolved';
  const items = changes.map((c) => {
    const who = distinguishing(c.alert, common);
    switch (c.kind) {
      case 'new':
        return [...adf.strong('Firing: '), ...adf.text(`${who} since ${displayTime(c.alert.startsAt)}`)];
      case 'fired-again':
        return [...adf.strong('Firing again: '), ...adf.text(`${who} since ${displayTime(c.alert.startsAt)}`)];
      case 'resolved':
        return [...adf.strong('Resolved: '), ...adf.text(`${who}${isZeroTime(c.alert.endsAt) ? '' : ` at ${displayTime(c.alert.endsAt)}`}`)];
      case 'unchanged':
      case 'stale':
        return [];
      default:
        return assertNever(c.kind);
    }
  }).filter((i) => i.length > 0);
  return adf.doc([
    adf.paragraph(adf.strong(`${headline}: `), adf.text(`${firingNow} firing, ${problem.alerts.length - firingNow} resolved (as of ${displayTime(times.lastSeen)}).`)),
    adf.bulletList(items.slice(0, MAX_ALERT_ROWS)),
    ...(items.length > MAX_ALERT_ROWS ? [notListed(items.length - MAX_ALERT_ROWS)] : []),
    linksParagraph(problem, commonOf(problem.alerts.map((a) => a.annotations))),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Alertmanager links

/** `<externalURL>/#/silences/new?filter=…` as Alertmanager's UI builds it: `{a="b", c="d"}`, URI-encoded. */
export function silenceUrl(externalURL: string, labels: Labels): string | null {
  const base = baseUrl(externalURL);
  const entries = sortedEntries(labels);
  if (!base || entries.length === 0) return null;
  return `${base}/#/silences/new?filter=${encodeURIComponent(filterOf(entries))}`;
}

/** The Alertmanager UI's alert list, filtered to the group. */
export function alertmanagerGroupUrl(externalURL: string, groupLabels: Labels, receiver: string): string | null {
  const base = baseUrl(externalURL);
  const entries = sortedEntries(groupLabels);
  if (!base || entries.length === 0) return null;
  return `${base}/#/alerts?filter=${encodeURIComponent(filterOf(entries))}&receiver=${encodeURIComponent(receiver)}`;
}

function silenceLabels(problem: Problem): Labels {
  // One alert: silence exactly it. A group: silence what defines the group.
  if (problem.grouping === 'fingerprint' && problem.alerts[0]) return problem.alerts[0].labels;
  return Object.keys(problem.groupLabels).length > 0 ? problem.groupLabels : commonOf(problem.alerts.map((a) => a.labels));
}

function filterOf(entries: readonly [string, string][]): string {
  return `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(', ')}}`;
}

function baseUrl(externalURL: string): string | null {
  const trimmed = externalURL.trim().replace(/\/+$/, '');
  return adf.isHttpUrl(trimmed) ? trimmed : null;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** Labels that tell this alert apart from the others in its problem (`instance=checkout-8c1a:8080`). */
function distinguishing(a: ObservedAlert, common: Labels): string {
  const own = sortedEntries(a.labels).filter(([k]) => !Object.prototype.hasOwnProperty.call(common, k));
  const alertname = a.labels['alertname'];
  if (own.length === 0) return alertname ? `${alertname} (${a.fingerprint})` : a.fingerprint;
  return own.map(([k, v]) => `${k}=${v}`).join(', ');
}

function annotationCell(v: string): AdfInline[] {
  return adf.isHttpUrl(v) ? adf.link(v, v) : adf.text(cell(v));
}

/** `2026-11-23T06:14:47.099134493Z` → `2026-11-23 06:14:47 UTC`; anything else as given. */
export function displayTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/i.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function cell(v: string, max = MAX_CELL_CHARS): string {
  return v.length > max ? `${cutUtf16(v, max - 1)}…` : v;
}

function sortedEntries(labels: Labels): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}
