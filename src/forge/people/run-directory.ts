/**
 * One user-directory run (queue job `user-directory`, queued daily by the scheduled trigger and by "Run now"):
 * pages every Jira user (`users/search`, 1000 per call) and every Impact person (`/users`, 100 per call),
 * matches them (domain `buildDirectory`, the admins' overrides applied), stores the result
 * (directory-store.ts), and brings the incident sync's pair store in line with it for the people that store
 * knows, so commander ⇄ assignee follows the directory. A failed read keeps the previous directory.
 */
import { asCheckedPairs, normalizeEmail, type JiraUser, type UserPairs } from '../domain/incidents';
import { buildDirectory, type DirectoryResult, type ImpactPerson } from '../domain/people';
import { loadUserPairs, saveUserMatches } from '../incidents/users';
import { describeImpactFailure } from '../ports/impact';
import { describeJiraFailure } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import type { ImpactDirectoryPort, JiraUserDirectoryPort } from '../ports/people';
import { DirectoryKeys, readOverrides, releaseDirectoryLease, takeDirectoryLease, writeDirectory, type DirectoryRun } from './directory-store';

export const JIRA_USERS_PAGE = 1000;
export const IMPACT_USERS_PAGE = 100;
/** Bounds of one run: 200,000 Jira users, 100,000 Impact people. */
const MAX_JIRA_PAGES = 200;
const MAX_IMPACT_PAGES = 1000;

export interface DirectoryRunDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraUserDirectoryPort;
  readonly impact: ImpactDirectoryPort;
  readonly logger: Logger;
  readonly now: () => number;
  /** Page sizes (tests use small ones to cross pages); default JIRA_USERS_PAGE and IMPACT_USERS_PAGE. */
  readonly pageSizes?: { readonly jira?: number; readonly impact?: number };
}

type Read<T> = { ok: true; items: T[]; pages: number } | { ok: false; message: string; pages: number };

async function allJiraUsers(jira: JiraUserDirectoryPort, size: number): Promise<Read<JiraUser>> {
  const items: JiraUser[] = [];
  for (let page = 0; page < MAX_JIRA_PAGES; page += 1) {
    const result = await jira.usersPage(page * size, size);
    if (!result.ok) return { ok: false, message: `Jira users/search failed: ${describeJiraFailure(result.failure)}`, pages: page + 1 };
    items.push(...result.value);
    // Jira may answer fewer than asked before the end (privacy filtering); only an empty page ends the list.
    if (result.value.length === 0) return { ok: true, items, pages: page + 1 };
  }
  return { ok: false, message: `more than ${MAX_JIRA_PAGES * size} Jira users: not read to the end`, pages: MAX_JIRA_PAGES };
}

async function allImpactPeople(impact: ImpactDirectoryPort, size: number): Promise<Read<ImpactPerson>> {
  const items: ImpactPerson[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    if (pages >= MAX_IMPACT_PAGES) return { ok: false, message: `more than ${MAX_IMPACT_PAGES * size} Impact people: not read to the end`, pages };
    const result = await impact.usersPage(offset, size);
    pages += 1;
    if (!result.ok) return { ok: false, message: `Impact /users failed: ${describeImpactFailure(result.failure)}`, pages };
    items.push(...result.value.items);
    offset = result.value.nextOffset;
  }
  return { ok: true, items, pages };
}

/** The pair store's verdicts replaced by the directory's for the people both know (bounded by the pair store). */
export function pairsFromDirectory(pairs: UserPairs, directory: DirectoryResult, nowMs: number): UserPairs {
  const known = new Set([...pairs.links, ...pairs.unmatched].map((p) => normalizeEmail(p.email)));
  const links = directory.matched.filter((m) => known.has(m.email)).map((m) => ({ email: m.email, name: m.name, accountId: m.account.accountId, by: m.by === 'display-name' ? ('display-name' as const) : ('email' as const) }));
  const unmatched = directory.unmatched
    .filter((u) => known.has(u.email))
    .map((u) => ({ email: u.email, name: u.name, reason: u.reason === 'ambiguous' || u.reason === 'account-contested' ? ('ambiguous' as const) : ('unmatched' as const), candidates: u.candidates.map((c) => c.accountId) }));
  return asCheckedPairs({ links, unmatched }, nowMs);
}

export async function runUserDirectory(deps: DirectoryRunDeps): Promise<DirectoryRun> {
  const startedAtMs = deps.now();
  const jira = await allJiraUsers(deps.jira, deps.pageSizes?.jira ?? JIRA_USERS_PAGE);
  const impact = await allImpactPeople(deps.impact, deps.pageSizes?.impact ?? IMPACT_USERS_PAGE);
  const finish = async (outcome: DirectoryRun['outcome'], message?: string): Promise<DirectoryRun> => {
    const run: DirectoryRun = { startedAtMs, finishedAtMs: deps.now(), outcome, ...(message ? { message } : {}), jiraPages: jira.pages, impactPages: impact.pages };
    await deps.store.set(DirectoryKeys.lastRun, run);
    deps.logger.info('user directory run', { ...run });
    return run;
  };
  if (!jira.ok) return finish('failed', jira.message);
  if (!impact.ok) return finish('failed', impact.message);
  if (!(await takeDirectoryLease(deps.store))) return finish('busy', 'another directory write was under way; run again');
  let result: DirectoryResult;
  try {
    // Read under the lease: an admin's decision made while Jira and Impact were read is applied too.
    result = buildDirectory(impact.items, jira.items, await readOverrides(deps.store));
    await writeDirectory(deps.store, result, { jiraUsers: jira.items.length, impactPeople: impact.items.length }, deps.now());
  } finally {
    await releaseDirectoryLease(deps.store);
  }
  const pairs = await loadUserPairs(deps.store);
  await saveUserMatches(deps.store, pairsFromDirectory(pairs, result, deps.now()), pairs);
  return finish('ok', `${result.matched.length} matched, ${result.unmatched.length} unmatched`);
}
