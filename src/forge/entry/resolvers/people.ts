/**
 * User directory and incident response-time resolvers (contract-people.ts). Reads are open to anyone who can
 * open the settings page; runs, searches and manual decisions need the settings admin check.
 */
import { z } from 'zod';
import type { AccountRef, MatchedPerson, UnmatchedPerson } from '../../domain/people';
import { describeJiraFailure, type JiraUserPort } from '../../ports/jira';
import type { JiraIncidentPort } from '../../ports/jira-incidents';
import type { JiraUserSearchPort } from '../../ports/jira-projects';
import type { JobQueue } from '../../ports/job-queue';
import type { KeyValueStore } from '../../ports/key-value-store';
import { DirectoryKeys, listTotal, readListPage, type DirectoryHead, type DirectoryRun } from '../../people/directory-store';
import { readResponseTimes } from '../../people/incident-metrics';
import { applyManualChange, forgetManualDecision as forgetDecision } from '../../people/manual-match';
import { INCIDENT_METRICS_JOB, USER_DIRECTORY_JOB } from '../scheduled/people';
import { requireSettingsAdmin, type CallerContext } from './admin-check';
import type { ResolverResult } from './contract';
import type { DirectoryPage, IncidentResponseView } from './contract-people';
import { invalidZodInput } from './resolver-errors';

export interface PeopleResolverDeps {
  readonly store: KeyValueStore;
  readonly userJira: JiraUserPort;
  readonly queue: JobQueue;
  readonly userSearch: JiraUserSearchPort;
  /** GET /rest/api/3/user as the app: a manual match names an account that exists. */
  readonly accounts: Pick<JiraIncidentPort, 'getUser'>;
  readonly now: () => number;
}

const pageSchema = z.strictObject({ list: z.enum(['matched', 'unmatched']), offset: z.number().int().min(0).max(1_000_000).optional(), limit: z.number().int().min(1).max(100).optional() });
const emailSchema = z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'an email address');
const accountIdSchema = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9:_-]+$/, 'a Jira accountId');

export async function getUserDirectory(input: unknown, deps: PeopleResolverDeps): Promise<ResolverResult<DirectoryPage>> {
  const parsed = pageSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { list, offset = 0, limit = 25 } = parsed.data;
  const found = await deps.store.getMany<unknown>([DirectoryKeys.head, DirectoryKeys.lastRun]);
  const head = found.get(DirectoryKeys.head) as DirectoryHead | undefined;
  const lastRun = (found.get(DirectoryKeys.lastRun) as DirectoryRun | undefined) ?? null;
  const base = {
    computedAtMs: head?.computedAtMs ?? null,
    changedAtMs: head?.changedAtMs ?? null,
    jiraUsers: head?.jiraUsers ?? 0,
    impactPeople: head?.impactPeople ?? 0,
    matchedTotal: head ? listTotal(head, 'matched') : 0,
    unmatchedTotal: head ? listTotal(head, 'unmatched') : 0,
    lastRun,
    offset,
    limit,
  };
  const entries = head?.version === 1 ? (await readListPage(deps.store, head, list, offset, limit)).entries : [];
  return { ok: true, value: list === 'matched' ? { ...base, list, entries: entries as MatchedPerson[] } : { ...base, list, entries: entries as UnmatchedPerson[] } };
}

export async function runUserDirectoryNow(caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<{ queued: true }>> {
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  await deps.queue.push([USER_DIRECTORY_JOB]);
  return { ok: true, value: { queued: true } };
}

export async function searchJiraAccounts(input: unknown, caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<AccountRef[]>> {
  const parsed = z.strictObject({ query: z.string().trim().min(1).max(100) }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const found = await deps.userSearch.searchUsers(parsed.data.query, 0, 20);
  if (!found.ok) return { ok: false, error: { code: 'jira-error', message: describeJiraFailure(found.failure) } };
  const people = found.value.filter((u) => u.active !== false && (u.accountType === undefined || u.accountType === 'atlassian'));
  return { ok: true, value: people.map((u) => ({ accountId: u.accountId, displayName: u.displayName })) };
}

export async function matchUser(input: unknown, caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<MatchedPerson | UnmatchedPerson>> {
  const parsed = z.strictObject({ email: emailSchema, accountId: accountIdSchema }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const account = await deps.accounts.getUser(parsed.data.accountId);
  if (!account.ok) {
    return account.failure.kind === 'not-found'
      ? { ok: false, error: { code: 'not-found', message: `Jira has no account ${parsed.data.accountId}` } }
      : { ok: false, error: { code: 'jira-error', message: describeJiraFailure(account.failure) } };
  }
  if (account.value.active === false || (account.value.accountType !== undefined && account.value.accountType !== 'atlassian')) {
    return { ok: false, error: { code: 'invalid-input', message: `${account.value.displayName} is not an active person's account (${account.value.accountType ?? 'inactive'})` } };
  }
  return outcome(await applyManualChange(deps.store, { kind: 'match', email: parsed.data.email, account: { accountId: account.value.accountId, displayName: account.value.displayName } }, caller.accountId ?? 'unknown', deps.now()));
}

export async function unmatchUser(input: unknown, caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<MatchedPerson | UnmatchedPerson>> {
  const parsed = z.strictObject({ email: emailSchema }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  return outcome(await applyManualChange(deps.store, { kind: 'unmatch', email: parsed.data.email }, caller.accountId ?? 'unknown', deps.now()));
}

/** Forgets an admin's match or unmatch and queues a directory run, which matches the person automatically again. */
export async function forgetManualDecision(input: unknown, caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<{ forgotten: 'match' | 'unmatch'; queued: true }>> {
  const parsed = z.strictObject({ email: emailSchema }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const forgotten = await forgetDecision(deps.store, parsed.data.email);
  if (!forgotten.ok) return { ok: false, error: { code: forgotten.code, message: forgotten.message } };
  await deps.queue.push([USER_DIRECTORY_JOB]);
  return { ok: true, value: { forgotten: forgotten.was, queued: true } };
}

function outcome(result: Awaited<ReturnType<typeof applyManualChange>>): ResolverResult<MatchedPerson | UnmatchedPerson> {
  return result.ok ? { ok: true, value: result.entry } : { ok: false, error: { code: result.code, message: result.message } };
}

export async function getIncidentResponseTimes(deps: PeopleResolverDeps): Promise<ResolverResult<IncidentResponseView>> {
  return { ok: true, value: (await readResponseTimes(deps.store)) ?? null };
}

export async function recomputeIncidentResponseTimes(caller: CallerContext, deps: PeopleResolverDeps): Promise<ResolverResult<{ queued: true }>> {
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  await deps.queue.push([INCIDENT_METRICS_JOB]);
  return { ok: true, value: { queued: true } };
}
