/**
 * One search result → the record the app keeps. A value of the wrong shape is reported for that issue
 * only (the caller records it and goes on); everything else about the page still syncs.
 */
import { z } from 'zod';
import type { SiteFields } from './fields';

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done' | 'unknown';

export interface SprintRef {
  readonly id: number;
  readonly name: string;
  readonly state: string;
}

export interface SyncedIssue {
  readonly id: string;
  readonly key: string;
  readonly summary: string;
  readonly issueType: string;
  readonly status: string;
  readonly statusCategory: StatusCategoryKey;
  readonly assigneeAccountId: string | null;
  readonly priority: string | null;
  readonly storyPoints: number | null;
  readonly sprint: SprintRef | null;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly resolvedMs: number | null;
  /** First entry into an In Progress (indeterminate) status, from the changelog. */
  readonly inProgressMs: number | null;
  readonly cycleTimeHours: number | null;
  /** Alert rule id when the bridge created the issue (its `incident-bridge-problem` property). */
  readonly bridgeRuleId: string | null;
}

/**
 * `needsFullHistory`: Jira cut this issue's embedded changelog (search results carry only the newest
 * entries), no complete status history was given, so `inProgressMs` may be late or missing.
 */
export type MappedIssue =
  | { readonly ok: true; readonly issue: SyncedIssue; readonly needsFullHistory: boolean; readonly statusId: string }
  | { readonly ok: false; readonly issueId: string; readonly issueKey: string; readonly error: string };

/** One status move from an issue's history (from the embedded changelog or a changelog endpoint). */
export interface StatusChange {
  readonly atMs: number;
  readonly toStatusId: string;
}

/** Jira timestamps (`2026-11-23T06:14:48.106+0000`) → ms; the offset is read, never assumed. */
export function parseJiraTime(value: string): number | undefined {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

const jiraTime = z.string().transform((s, ctx) => {
  const ms = parseJiraTime(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a Jira timestamp: ${s.slice(0, 40)}` });
    return z.NEVER;
  }
  return ms;
});

const statusSchema = z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }).loose().optional() }).loose();
const historySchema = z.object({ created: jiraTime, items: z.array(z.object({ field: z.string(), fieldId: z.string().optional(), to: z.string().nullish() }).loose()) }).loose();
const sprintSchema = z.object({ id: z.number(), name: z.string(), state: z.string() }).loose();

const issueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z.record(z.string(), z.unknown()),
    changelog: z.object({ histories: z.array(historySchema), startAt: z.number().optional(), total: z.number().optional() }).loose().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const baseFieldsSchema = z
  .object({
    summary: z.string().nullish(),
    issuetype: z.object({ name: z.string() }).loose().nullish(),
    status: statusSchema,
    assignee: z.object({ accountId: z.string() }).loose().nullish(),
    priority: z.object({ name: z.string() }).loose().nullish(),
    created: jiraTime,
    updated: jiraTime,
    resolutiondate: jiraTime.nullish(),
  })
  .loose();

export const BRIDGE_PROPERTY_KEY = 'incident-bridge-problem';
const bridgePropertySchema = z.object({ ruleId: z.string() }).loose();

export function categoryKey(key: string | undefined): StatusCategoryKey {
  return key === 'new' || key === 'indeterminate' || key === 'done' ? key : 'unknown';
}

/** A changelog history as both the embedded changelog and the bulk changelog endpoint give it (times in ms). */
export interface ChangelogHistory {
  readonly created: number;
  readonly items?: readonly { readonly field: string; readonly fieldId?: string | undefined; readonly to?: string | null | undefined }[] | undefined;
}

/** The status moves of changelog histories, in their order (`fieldId` when Jira gives it, else `field`). */
export function statusChangesOf(histories: readonly ChangelogHistory[]): StatusChange[] {
  return histories.flatMap((h) => (h.items ?? []).flatMap((item) => ((item.fieldId ?? item.field) === 'status' && item.to ? [{ atMs: h.created, toStatusId: item.to }] : [])));
}

/** Earliest moment the status became one whose category is indeterminate (any order of changes). */
export function firstInProgress(changes: Iterable<StatusChange>, categoryOf: (statusId: string) => StatusCategoryKey): number | null {
  let first: number | null = null;
  for (const c of changes) {
    if (categoryOf(c.toStatusId) === 'indeterminate' && (first === null || c.atMs < first)) first = c.atMs;
  }
  return first;
}

/**
 * Did Jira leave histories out of the embedded changelog? Search results carry at most the newest 40
 * (older ones are dropped) while `total` still counts them all; `startAt > 0` also means a cut.
 * Without `total` nothing can be told, so the changelog is taken as whole.
 */
export function isChangelogTruncated(changelog: { readonly histories: readonly unknown[]; readonly startAt?: number | undefined; readonly total?: number | undefined } | undefined): boolean {
  if (!changelog) return false;
  return (changelog.startAt ?? 0) > 0 || (changelog.total !== undefined && changelog.total > changelog.histories.length);
}

export function cycleTimeHours(inProgressMs: number | null, resolvedMs: number | null): number | null {
  if (inProgressMs === null || resolvedMs === null || resolvedMs < inProgressMs) return null;
  return Math.round(((resolvedMs - inProgressMs) / 3_600_000) * 100) / 100;
}

function firstMessage(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  return `${prefix}${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid'}`;
}

/**
 * Maps a search result. `statusCategories` maps status ids to categories for the changelog (the current
 * status's own category is added from the issue itself). `fullStatusHistory`, when given, is the issue's
 * complete status history (fetched because its embedded changelog was cut); the embedded entries are
 * still read, so a change made between the two reads is not lost.
 */
export function mapIssue(raw: unknown, site: SiteFields, statusCategories: ReadonlyMap<string, StatusCategoryKey>, fullStatusHistory?: readonly StatusChange[]): MappedIssue {
  const mapped = mapEmbedded(raw, site, statusCategories);
  if (!mapped.ok || fullStatusHistory === undefined) return mapped;
  return withFullStatusHistory(mapped, statusCategories, fullStatusHistory);
}

/**
 * A mapped issue with its complete status history added (fetched because its embedded changelog was cut):
 * only `inProgressMs` and the cycle time change, so the issue is not parsed again. The embedded moves
 * already counted stay counted, so a change made between the two reads is not lost.
 */
export function withFullStatusHistory(
  mapped: Extract<MappedIssue, { ok: true }>,
  statusCategories: ReadonlyMap<string, StatusCategoryKey>,
  fullStatusHistory: readonly StatusChange[],
): Extract<MappedIssue, { ok: true }> {
  const { issue, statusId } = mapped;
  const fromFull = firstInProgress(fullStatusHistory, categoryOfFor(statusId, issue.statusCategory, statusCategories));
  const inProgressMs = issue.inProgressMs === null || (fromFull !== null && fromFull < issue.inProgressMs) ? fromFull : issue.inProgressMs;
  return { ok: true, needsFullHistory: false, statusId, issue: { ...issue, inProgressMs, cycleTimeHours: cycleTimeHours(inProgressMs, issue.resolvedMs) } };
}

/** Status id → category; the current status's own category (from the issue) wins over the project list. */
function categoryOfFor(currentId: string, currentCategory: StatusCategoryKey, statusCategories: ReadonlyMap<string, StatusCategoryKey>): (statusId: string) => StatusCategoryKey {
  return (statusId) => (statusId === currentId ? currentCategory : (statusCategories.get(statusId) ?? 'unknown'));
}

function mapEmbedded(raw: unknown, site: SiteFields, statusCategories: ReadonlyMap<string, StatusCategoryKey>): MappedIssue {
  const shell = issueSchema.safeParse(raw);
  if (!shell.success) {
    const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    return { ok: false, issueId: String(obj['id'] ?? '?'), issueKey: String(obj['key'] ?? '?'), error: firstMessage(shell.error, 'issue: ') };
  }
  const { id, key, fields, changelog, properties } = shell.data;
  const fail = (error: string): MappedIssue => ({ ok: false, issueId: id, issueKey: key, error });
  const base = baseFieldsSchema.safeParse(fields);
  if (!base.success) return fail(firstMessage(base.error, 'fields.'));
  const f = base.data;

  let storyPoints: number | null = null;
  if (site.storyPoints) {
    const value = fields[site.storyPoints];
    if (value !== null && value !== undefined) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`fields.${site.storyPoints} (story points): expected a number, got ${JSON.stringify(value)?.slice(0, 40)}`);
      storyPoints = value;
    }
  }
  let sprint: SprintRef | null = null;
  if (site.sprint) {
    const value = fields[site.sprint];
    if (value !== null && value !== undefined) {
      const parsed = z.array(sprintSchema).safeParse(value);
      if (!parsed.success) return fail(firstMessage(parsed.error, `fields.${site.sprint} (sprint): `));
      // The last sprint is the one the issue is in now (earlier ones are sprints it rolled over from).
      const last = parsed.data[parsed.data.length - 1];
      sprint = last ? { id: last.id, name: last.name, state: last.state } : null;
    }
  }
  const currentCategory = categoryKey(f.status.statusCategory?.key);
  const inProgressMs = firstInProgress(statusChangesOf(changelog?.histories ?? []), categoryOfFor(f.status.id, currentCategory, statusCategories));
  const resolvedMs = f.resolutiondate ?? null;
  const bridge = bridgePropertySchema.safeParse(properties?.[BRIDGE_PROPERTY_KEY]);
  return {
    ok: true,
    needsFullHistory: isChangelogTruncated(changelog),
    statusId: f.status.id,
    issue: {
      id,
      key,
      summary: (f.summary ?? '').slice(0, 255),
      issueType: f.issuetype?.name ?? '',
      status: f.status.name,
      statusCategory: currentCategory,
      assigneeAccountId: f.assignee?.accountId ?? null,
      priority: f.priority?.name ?? null,
      storyPoints,
      sprint,
      createdMs: f.created,
      updatedMs: f.updated,
      resolvedMs,
      inProgressMs,
      cycleTimeHours: cycleTimeHours(inProgressMs, resolvedMs),
      bridgeRuleId: bridge.success ? bridge.data.ruleId : null,
    },
  };
}
