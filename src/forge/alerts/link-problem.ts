import { StorageKeys } from '../constants';
import {
  decideAlertLink,
  groupIdentity,
  isOpenProblem,
  matchesAlertSearch,
  problemKey as problemKeyOf,
  type AlertGroupCandidate,
  type AlertGroupHit,
  type AlertGroupSearch,
  type AlertLinkRequest,
  type ExistingIssueLink,
  type LinkRefusal,
  type ProblemProperty,
  type ProblemState,
  type Rule,
} from '../domain/alerts';
import type { IssueStatus } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
export type { AlertLinkRequest };
import { loadProblems, saveProblem, withMirror, writeMirror, type LoadedProblem, type ProblemOrigin, type ProblemRecord } from './problem-store';

/**
 * "Link by hand" of an existing issue to an open alert problem (issue 16, row 37): the search the panel offers
 * and the link itself. Decisions are domain/alerts/link-issue.ts; this reads and writes KVS and the property.
 */

/** KVS answers at most 20 entries a query: a search reads this many pages of problems at most. */
export const SEARCH_SCAN_PAGES = 10;
const PAGE = 20;

/**
 * The property `decide`'s create writes, for a problem stored before records kept their origin: a group problem's
 * identity is its rule + group labels (found by hashing each rule's id), a fingerprint problem's its one alert.
 */
export function originOf(record: ProblemRecord, rules: readonly Pick<Rule, 'id'>[]): ProblemOrigin | null {
  if (record.origin) return record.origin;
  const key = record.state.problemKey;
  const links = record.links;
  if (!links) return null;
  if (key.startsWith('am:grp:')) {
    for (const rule of rules) {
      const identity = groupIdentity(rule.id, links.groupLabels);
      if (problemKeyOf({ grouping: 'group', source: identity }) === key) return { ruleId: rule.id, grouping: 'group', identity };
    }
    return null;
  }
  const fingerprint = Object.keys(links.alerts).find((fp) => problemKeyOf({ grouping: 'fingerprint', source: fp }) === key);
  return fingerprint ? { ruleId: '', grouping: 'fingerprint', identity: fingerprint } : null;
}

function candidateOf(record: ProblemRecord, origin: ProblemOrigin | null): AlertGroupCandidate {
  return {
    problemKey: record.state.problemKey,
    ruleId: origin?.ruleId || null,
    grouping: origin?.grouping ?? (record.state.problemKey.startsWith('am:fp:') ? 'fingerprint' : 'group'),
    groupLabels: record.links?.groupLabels ?? {},
    alertLabels: Object.values(record.links?.alerts ?? {}).map((a) => a.labels),
  };
}

/** Open problems (an alert firing as last seen) matching `query` by rule id or labels, newest first. */
export async function searchOpenProblems(store: KeyValueStore, rules: readonly Pick<Rule, 'id'>[], query: string, limit: number): Promise<AlertGroupSearch> {
  const hits: AlertGroupHit[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (let page = 0; page < SEARCH_SCAN_PAGES; page += 1) {
    const listed = await store.listByPrefix<unknown>(StorageKeys.problem(''), { limit: PAGE, cursor });
    const keys = listed.results.map((r) => r.key.slice(StorageKeys.problem('').length));
    const loaded = keys.length > 0 ? await loadProblems(store, keys) : new Map<string, LoadedProblem>();
    for (const { record, mirror } of loaded.values()) {
      if (!record || !isOpenProblem(record.state)) continue;
      const origin = originOf(record, rules);
      const candidate = candidateOf(record, origin);
      if (!matchesAlertSearch(candidate, query)) continue;
      const state = withMirror(record.state, mirror);
      const firing = Object.entries(state.alerts).filter(([, a]) => a.status === 'firing');
      hits.push({
        problemKey: candidate.problemKey,
        ruleId: candidate.ruleId,
        grouping: candidate.grouping,
        groupLabels: candidate.groupLabels,
        firing: firing.length,
        alertNames: [...new Set(firing.map(([fp]) => record.links?.alerts[fp]?.labels['alertname']).filter((n): n is string => !!n))].slice(0, 5),
        issueKey: state.issue?.key ?? null,
        issueDone: state.issue?.statusCategory === 'done',
        lastSeen: state.updatedAt,
      });
    }
    cursor = listed.nextCursor;
    if (!cursor) break;
    if (page === SEARCH_SCAN_PAGES - 1) truncated = true;
  }
  hits.sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.problemKey.localeCompare(b.problemKey)));
  return { hits: hits.slice(0, limit), truncated: truncated || hits.length > limit };
}

export interface LinkProblemDeps {
  readonly store: KeyValueStore;
  /** Writes the issue's `incident-bridge-problem` property as the app. */
  readonly setProblemProperty: (issueKey: string, value: ProblemProperty) => Promise<void>;
  /** Removes it again when the link cannot be stored after all. */
  readonly deleteProblemProperty: (issueKey: string) => Promise<void>;
}

/** A finished request is kept a day: long enough for the panel that asked. */
const LINK_REQUEST_TTL_SECONDS = 24 * 3600;

export type LinkProblemResult =
  | { readonly ok: true; readonly problemKey: string; readonly previousIssueKey: string | null; readonly outcome: 'linked' }
  /** Checked and prepared: the record is written by a job in the group's queue lane (`groupKey`). */
  | { readonly ok: true; readonly problemKey: string; readonly previousIssueKey: string | null; readonly outcome: 'queued'; readonly groupKey: string; readonly request: AlertLinkRequest }
  | { readonly ok: false; readonly error: LinkRefusal };

async function loadState(store: KeyValueStore, problemKey: string): Promise<{ record: ProblemRecord | undefined; state: ProblemState | null }> {
  const loaded = (await loadProblems(store, [problemKey])).get(problemKey);
  const record = loaded?.record;
  return { record, state: record ? withMirror(record.state, loaded.mirror) : null };
}

/**
 * Links `issue` (as Jira reports it now, read as the app) to the problem, as Unlink undoes it: the decision on the
 * record as stored, then the property (a Jira refusal leaves KVS untouched; it is also what the reinstall-safe
 * lookup finds) and the status mirror. The consumer writes problem records without compare-and-set, inside the
 * group's queue lane, so the record itself is written there too (`applyAlertLink`, queued by the caller with the
 * answer's `groupKey`); only a record stored before records named their group is written here directly.
 */
export async function linkProblem(issue: IssueStatus, existing: ExistingIssueLink | null, problemKey: string, rules: readonly Pick<Rule, 'id'>[], now: string, requestId: string, deps: LinkProblemDeps): Promise<LinkProblemResult> {
  const { record, state } = await loadState(deps.store, problemKey);
  const decision = decideAlertLink({ issue: { key: issue.key, statusCategory: issue.status.category }, existing, problemKey, problem: state, now });
  if (!decision.ok) return decision;
  if (!record) return { ok: false, error: { code: 'not-found', message: `no alert group ${problemKey} is tracked by the app` } };
  if (record.pending) return { ok: false, error: { code: 'conflict', message: 'a notification of that alert group is half applied (Jira will be retried); try again in a minute' } };
  const origin = originOf(record, rules);
  if (!origin) return { ok: false, error: { code: 'conflict', message: `the app cannot tell which rule alert group ${problemKey} came from (stored by an older version); wait for its next notification and try again` } };
  const property: ProblemProperty = { problemKey, source: 'alertmanager', grouping: origin.grouping, identity: origin.identity, ruleId: origin.ruleId };
  await deps.setProblemProperty(issue.key, property);
  await writeMirror(deps.store, issue.id, { issueKey: issue.key, statusName: issue.status.name, statusCategory: issue.status.category, updatedAt: now, statusId: issue.status.id });
  const previousIssueKey = record.state.issue?.key ?? null;
  if (origin.groupKey) {
    const request: AlertLinkRequest = { requestId, problemKey, requestedAt: now, outcome: 'pending', detail: null };
    await deps.store.set(StorageKeys.alertLink(issue.key), request, { ttlSeconds: LINK_REQUEST_TTL_SECONDS });
    return { ok: true, problemKey, previousIssueKey, outcome: 'queued', groupKey: origin.groupKey, request };
  }
  const applied = await storeLink(issue, problemKey, origin, now, deps);
  return applied.ok ? { ok: true, problemKey, previousIssueKey, outcome: 'linked' } : applied;
}

/**
 * The record's half, in the group's lane: decided again on the record as it is now (a notification may have given
 * the group an open issue, or resolved it, since the panel asked); a refusal takes the property and mirror back.
 */
async function storeLink(issue: IssueStatus, problemKey: string, origin: ProblemOrigin, now: string, deps: Pick<LinkProblemDeps, 'store' | 'deleteProblemProperty'>): Promise<{ ok: true } | { ok: false; error: LinkRefusal }> {
  const { record, state } = await loadState(deps.store, problemKey);
  const decision = decideAlertLink({ issue: { key: issue.key, statusCategory: issue.status.category }, existing: null, problemKey, problem: state, now });
  const refusal: LinkRefusal | null = !decision.ok
    ? decision.error
    : !record
      ? { code: 'not-found', message: `no alert group ${problemKey} is tracked by the app` }
      : record.pending
        ? { code: 'conflict', message: 'a notification of that alert group is half applied; try again in a minute' }
        : null;
  if (refusal || !decision.ok || !record) {
    await deps.store.delete(StorageKeys.issueStatus(issue.id));
    await deps.deleteProblemProperty(issue.key);
    return { ok: false, error: refusal ?? { code: 'conflict', message: 'the alert group changed' } };
  }
  await saveProblem(deps.store, { ...record, state: decision.state, issueId: issue.id, origin: { ...origin, ...record.origin } });
  return { ok: true };
}

/** The queued half of a link by hand (job `alert-link`): stores the link, or takes it back, and says so to the panel. */
export async function applyAlertLink(job: { readonly problemKey: string; readonly issue: IssueStatus; readonly requestId: string }, rules: readonly Pick<Rule, 'id'>[], now: string, deps: Pick<LinkProblemDeps, 'store' | 'deleteProblemProperty'>): Promise<AlertLinkRequest['outcome']> {
  const request = await deps.store.get<AlertLinkRequest>(StorageKeys.alertLink(job.issue.key));
  // Unlinked (or linked again) since: this job is not the panel's newest request.
  if (!request || request.requestId !== job.requestId || request.outcome !== 'pending') return 'refused';
  const { record } = await loadState(deps.store, job.problemKey);
  const origin = record ? originOf(record, rules) : null;
  const stored = origin ? await storeLink(job.issue, job.problemKey, origin, now, deps) : { ok: false as const, error: { code: 'not-found' as const, message: `no alert group ${job.problemKey} is tracked by the app any more` } };
  if (!origin) {
    await deps.store.delete(StorageKeys.issueStatus(job.issue.id));
    await deps.deleteProblemProperty(job.issue.key);
  }
  const done: AlertLinkRequest = { ...request, outcome: stored.ok ? 'linked' : 'refused', detail: stored.ok ? null : stored.error.message };
  await deps.store.set(StorageKeys.alertLink(job.issue.key), done, { ttlSeconds: LINK_REQUEST_TTL_SECONDS });
  return done.outcome;
}

export async function loadAlertLinkRequest(store: KeyValueStore, issueKey: string): Promise<AlertLinkRequest | undefined> {
  return store.get<AlertLinkRequest>(StorageKeys.alertLink(issueKey));
}
