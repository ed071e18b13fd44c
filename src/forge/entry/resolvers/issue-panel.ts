import { z } from 'zod';
import { StorageKeys } from '../../constants';
import { alertmanagerGroupUrl, silenceUrl } from '../../domain/alerts';
import { loadProblems, withMirror, writeMirror, type ProblemLinks } from '../../alerts/problem-store';
import type { Clock } from '../../ports/clock';
import { describeJiraFailure, type JiraPort, type JiraUserPort } from '../../ports/jira';
import type { KeyValueStore } from '../../ports/key-value-store';
import { requireProjectAdmin, type CallerContext } from './admin-check';
import type { IssueAlertGroup, ResolverResult } from './contract';

/**
 * The issue panel's data: the alert problem an issue was created for. The issue names its problem in the
 * `incident-bridge-problem` entity property (read as the user, so Jira decides whether they may see it);
 * the app's problem state holds the alerts as last seen.
 */
export interface IssuePanelDeps {
  readonly store: KeyValueStore;
  /** The issue's problem property, or null when it has none (not an alert issue). */
  readonly readProblemProperty: (issueKey: string) => Promise<unknown>;
}

/** The panel's actions also talk to Jira as the app (status, property) and check the caller's permission. */
export interface IssuePanelActionDeps extends IssuePanelDeps {
  readonly jira: Pick<JiraPort, 'getIssueStatus'>;
  readonly userJira: JiraUserPort;
  readonly clock: Clock;
  /** Removes the issue's problem property (as the app), so the creation guard no longer adopts the issue. */
  readonly deleteProblemProperty: (issueKey: string) => Promise<void>;
}

const propertySchema = z.object({
  problemKey: z.string().min(1).max(500),
  source: z.literal('alertmanager'),
  grouping: z.enum(['fingerprint', 'group']),
  identity: z.string().max(20_000),
  ruleId: z.string().max(64),
});
type ProblemPropertyValue = z.infer<typeof propertySchema>;

/** The issue comes from the module's context (Forge signs it), never from the payload. */
export function issueKeyOf(context: unknown): string | undefined {
  const c = (typeof context === 'object' && context !== null ? context : {}) as { extension?: { issue?: { key?: unknown } } };
  const key = c.extension?.issue?.key;
  return typeof key === 'string' && /^[A-Z][A-Z0-9_]+-\d+$/.test(key) ? key : undefined;
}

const NO_ISSUE = { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } } as const;

async function propertyOf(issueKey: string, deps: IssuePanelDeps): Promise<ProblemPropertyValue | null> {
  const raw = await deps.readProblemProperty(issueKey);
  if (raw === null || raw === undefined) return null;
  const property = propertySchema.safeParse(raw);
  return property.success ? property.data : null;
}

/** "HighErrorRate · instance=checkout-1:8080": alertname plus the labels the group does not share. */
function alertName(labels: Readonly<Record<string, string>> | undefined, groupLabels: Readonly<Record<string, string>>): string | null {
  if (!labels) return null;
  const own = Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && !Object.prototype.hasOwnProperty.call(groupLabels, k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .slice(0, 3)
    .map(([k, v]) => `${k}=${v}`);
  return [labels['alertname'], ...own].filter((x): x is string => !!x).join(' · ') || null;
}

const httpUrl = (url: string | undefined): string | null => (url && /^https?:\/\//i.test(url) ? url : null);

export async function getIssueAlertGroup(issueKey: string | undefined, deps: IssuePanelDeps): Promise<ResolverResult<IssueAlertGroup | null>> {
  if (!issueKey) return NO_ISSUE;
  const property = await propertyOf(issueKey, deps);
  if (!property) return { ok: true, value: null };
  const loaded = (await loadProblems(deps.store, [property.problemKey])).get(property.problemKey);
  const record = loaded?.record;
  const state = record ? withMirror(record.state, loaded.mirror) : undefined;
  const links: ProblemLinks | undefined = record?.links;
  const groupLabels = links?.groupLabels ?? {};
  const alerts = Object.entries(state?.alerts ?? {})
    .map(([fingerprint, seen]) => {
      const known = links?.alerts[fingerprint];
      return {
        fingerprint,
        status: seen.status,
        startsAt: seen.startsAt,
        endsAt: seen.endsAt,
        name: alertName(known?.labels, groupLabels),
        generatorUrl: httpUrl(known?.generatorURL),
        silenceUrl: links && known ? silenceUrl(links.externalURL, known.labels) : null,
      };
    })
    .sort((a, b) => (a.status === b.status ? a.fingerprint.localeCompare(b.fingerprint) : a.status === 'firing' ? -1 : 1));
  // A group is silenced by its group labels; a single alert by its own labels.
  const only = property.grouping === 'fingerprint' ? links?.alerts[property.identity] : undefined;
  return {
    ok: true,
    value: {
      issueKey,
      problemKey: property.problemKey,
      grouping: property.grouping,
      identity: property.identity,
      ruleId: property.ruleId,
      currentIssueKey: state?.issue?.key ?? null,
      statusCategory: state?.issue?.statusCategory ?? null,
      previousIssueKeys: state?.previousIssueKeys ?? [],
      firstSeen: state?.firstSeen ?? null,
      lastSeen: state?.updatedAt ?? null,
      alerts,
      alertmanagerUrl: links ? alertmanagerGroupUrl(links.externalURL, links.groupLabels, links.receiver) : null,
      silenceUrl: links ? silenceUrl(links.externalURL, only ? only.labels : links.groupLabels) : null,
    },
  };
}

/** "Resync now": asks Jira (as the app) for the issue's status and stores it in the mirror the consumer reads. */
export async function resyncIssueAlertGroup(issueKey: string | undefined, deps: IssuePanelActionDeps): Promise<ResolverResult<IssueAlertGroup | null>> {
  if (!issueKey) return NO_ISSUE;
  const property = await propertyOf(issueKey, deps);
  if (!property) return { ok: true, value: null };
  const record = (await loadProblems(deps.store, [property.problemKey])).get(property.problemKey)?.record;
  const trackedKey = record?.state.issue?.key;
  if (record && trackedKey) {
    const status = await deps.jira.getIssueStatus(trackedKey);
    if (!status.ok) return { ok: false, error: { code: status.failure.kind === 'not-found' ? 'not-found' : 'jira-error', message: describeJiraFailure(status.failure) } };
    const issue = status.value;
    await writeMirror(deps.store, issue.id, { issueKey: issue.key, statusName: issue.status.name, statusCategory: issue.status.category, updatedAt: new Date(deps.clock.now()).toISOString(), statusId: issue.status.id });
    if (record.issueId !== issue.id) await deps.store.set(StorageKeys.problem(property.problemKey), { ...record, issueId: issue.id });
  }
  return getIssueAlertGroup(issueKey, deps);
}

/**
 * "Unlink": the app forgets that this issue tracks the problem. Its problem record (when it points here),
 * status mirror and creation marker go, and so does the issue's property, so a new alert opens a new issue.
 */
export async function unlinkIssueAlertGroup(issueKey: string | undefined, caller: CallerContext, deps: IssuePanelActionDeps): Promise<ResolverResult<{ problemKey: string }>> {
  if (!issueKey) return NO_ISSUE;
  const property = await propertyOf(issueKey, deps);
  if (!property) return { ok: false, error: { code: 'not-found', message: `${issueKey} is not linked to an alert` } };
  const denied = await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, [issueKey.split('-')[0] ?? '']);
  if (denied) return { ok: false, error: denied };
  const record = (await loadProblems(deps.store, [property.problemKey])).get(property.problemKey)?.record;
  if (record && (record.state.issue === null || record.state.issue.key === issueKey)) {
    if (record.issueId) await deps.store.delete(StorageKeys.issueStatus(record.issueId));
    await deps.store.delete(StorageKeys.problem(property.problemKey));
    await deps.store.delete(StorageKeys.creating(property.problemKey));
  }
  await deps.deleteProblemProperty(issueKey);
  // A link by hand still queued must not store the link after this (its job finds no pending request).
  await deps.store.delete(StorageKeys.alertLink(issueKey));
  return { ok: true, value: { problemKey: property.problemKey } };
}
