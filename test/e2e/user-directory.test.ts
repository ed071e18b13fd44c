/**
 * The user directory through the whole sandbox (Forge host → app → Jira and Impact simulators over HTTP): the
 * scheduled trigger queues a run that pages Jira's `users/search` (1000 per call, past the first page) and
 * Impact's `/users` (100 per call, past the first page); people match by email, then by display name where Jira
 * hides the email, never ambiguously; an admin's manual match and unmatch show at once and survive a second
 * run; the incident sync assigns a commander by the directory's manual match.
 */
import type { DirectoryPage, MatchedPerson, ResolverResult, UnmatchedPerson } from '../../src/forge/entry/resolvers/contract';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import { impactSandboxForSuite } from '../support/impact-sandbox';

jest.setTimeout(90_000);

const suite = impactSandboxForSuite();

async function control(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
  return res.json();
}

/** A settings resolver as `user`, answering its ResolverResult (the harness's helper throws on failure). */
async function resolver<T>(functionKey: string, payload: Record<string, unknown>, user: keyof typeof SANDBOX_USERS = 'alice'): Promise<ResolverResult<T>> {
  const response = await suite.sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
    }),
  );
  const json = (await response.json()) as { ok: boolean; result?: ResolverResult<T>; error?: { message: string } };
  if (!json.ok || !json.result) throw new Error(`resolver ${functionKey} failed: ${json.error?.message}`);
  return json.result;
}

async function wholeList<L extends 'matched' | 'unmatched'>(list: L): Promise<(L extends 'matched' ? MatchedPerson : UnmatchedPerson)[]> {
  const out: (MatchedPerson | UnmatchedPerson)[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await resolver<DirectoryPage>('getUserDirectory', { list, offset, limit: 100 });
    if (!page.ok) throw new Error(page.error.message);
    out.push(...page.value.entries);
    if (page.value.entries.length < 100) return out as never;
  }
}

const FILLER_JIRA = 1_050;
const FILLER_IMPACT = 130;
let cursor = 0;

beforeAll(async () => {
  const jira = suite.sandbox.urls.jira;
  const impact = suite.sandbox.urls.impact!;
  // People with a story, over HTTP: an email Jira shows in another case, a hidden email, two namesakes, nobody.
  await control(jira, 'POST', '/_sim/users', { accountId: 'acc-ann', displayName: 'Ann Lee', emailAddress: 'Ann.Lee@Example.com' });
  await control(jira, 'POST', '/_sim/users', { accountId: 'acc-sam-1', displayName: 'Sam Park', emailAddress: 'sam.one@corp.test', hideEmail: true });
  await control(jira, 'POST', '/_sim/users', { accountId: 'acc-sam-2', displayName: 'Sam Park', emailAddress: 'sam.two@corp.test', hideEmail: true });
  await control(impact, 'POST', '/_sim/users', { email: 'ann.lee@example.com', name: 'Ann L.' });
  await control(impact, 'POST', '/_sim/users', { email: 'sam@example.com', name: 'Sam Park' });
  await control(impact, 'POST', '/_sim/users', { email: 'zoe@example.com', name: 'Zoe Nobody' });
  // Enough people to need several pages on both sides (seeded in process: a thousand HTTP calls prove nothing more).
  for (let i = 0; i < FILLER_JIRA; i += 1) {
    const n = String(i).padStart(4, '0');
    suite.jira.seed.addUser({ accountId: `acc-f${n}`, displayName: `Filler ${n}`, emailAddress: `filler${n}@example.com` });
  }
  for (let i = 0; i < FILLER_IMPACT; i += 1) {
    const n = String(i).padStart(4, '0');
    suite.impact.admin.addUser({ email: `filler${n}@example.com`, name: `Filler ${n}` });
  }
  cursor = ((await control(jira, 'GET', '/_sim/calls/cursor')) as { cursor: number }).cursor;
  await suite.sandbox.forge.runScheduledTrigger('people-directory');
  await suite.settleAll();
});

it('pages every Jira user and every Impact person, and matches by email then name, never ambiguously', async () => {
  const calls = (await control(suite.sandbox.urls.jira, 'GET', `/_sim/calls?after=${cursor}&route=${encodeURIComponent('/rest/api/3/users/search')}`)) as { calls: { path: string; status: number; actorIsApp: boolean }[] };
  // 1,058 users: startAt 0 (1000), 1000 (58), 2000 (none: the end). The call log keeps paths without queries.
  expect(calls.calls).toHaveLength(3);
  expect(calls.calls.every((c) => c.status === 200 && c.actorIsApp)).toBe(true);
  const impactCalls = suite.impact.callLog.entries().filter((e) => e.route === '/api/v1/users');
  expect(impactCalls).toHaveLength(2);

  const first = await resolver<DirectoryPage>('getUserDirectory', { list: 'matched', limit: 10 });
  if (!first.ok) throw new Error(first.error.message);
  expect(first.value).toMatchObject({ jiraUsers: 5 + 3 + FILLER_JIRA, impactPeople: 4 + 3 + FILLER_IMPACT, matchedTotal: 4 + 1 + FILLER_IMPACT, unmatchedTotal: 2, lastRun: { outcome: 'ok' } });
  expect(first.value.entries).toHaveLength(10);

  const matched = await wholeList('matched');
  expect(matched).toHaveLength(4 + 1 + FILLER_IMPACT);
  expect(matched.find((m) => m.email === 'ann.lee@example.com')).toMatchObject({ account: { accountId: 'acc-ann' }, by: 'email' });
  expect(matched.find((m) => m.email === 'carol@example.com')).toMatchObject({ account: { accountId: SANDBOX_USERS.carol.accountId }, by: 'display-name' });
  const unmatched = await wholeList('unmatched');
  expect(unmatched.map((u) => [u.email, u.reason])).toEqual([['sam@example.com', 'ambiguous'], ['zoe@example.com', 'no-account']]);
  expect(unmatched[0]?.candidates.map((c) => c.accountId).sort()).toEqual(['acc-sam-1', 'acc-sam-2']);
});

it('keeps manual matches and unmatches across a second run; only admins make them', async () => {
  const refused = await resolver('matchUser', { email: 'sam@example.com', accountId: 'acc-sam-2' }, 'dave');
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await resolver('matchUser', { email: 'not-an-email' }, 'alice')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

  expect(await resolver('matchUser', { email: 'Sam@Example.com', accountId: 'acc-sam-2' })).toMatchObject({ ok: true, value: { email: 'sam@example.com', by: 'manual', account: { accountId: 'acc-sam-2', displayName: 'Sam Park' } } });
  expect(await resolver('unmatchUser', { email: 'ann.lee@example.com' })).toMatchObject({ ok: true, value: { reason: 'manual' } });
  // One account, one person.
  expect(await resolver('matchUser', { email: 'zoe@example.com', accountId: 'acc-sam-2' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

  const shownAtOnce = await wholeList('unmatched');
  expect(shownAtOnce.map((u) => [u.email, u.reason])).toEqual([['ann.lee@example.com', 'manual'], ['zoe@example.com', 'no-account']]);

  expect(await resolver('runUserDirectoryNow', {})).toEqual({ ok: true, value: { queued: true } });
  await suite.settleAll();
  const page = await resolver<DirectoryPage>('getUserDirectory', { list: 'unmatched' });
  if (!page.ok) throw new Error(page.error.message);
  expect(page.value.computedAtMs).toBeGreaterThan(0);
  expect((page.value.entries as UnmatchedPerson[]).map((u) => [u.email, u.reason])).toEqual([['ann.lee@example.com', 'manual'], ['zoe@example.com', 'no-account']]);
  const matched = await wholeList('matched');
  expect(matched.find((m) => m.email === 'sam@example.com')).toMatchObject({ account: { accountId: 'acc-sam-2' }, by: 'manual' });
  expect(matched.find((m) => m.email === 'ann.lee@example.com')).toBeUndefined();
});

it('assigns an Impact commander by the directory: the manual match, and nobody for a manual unmatch', async () => {
  const sam = suite.impact.admin.createIncident({ title: 'Directory says Sam', priority: 2, commander: { email: 'sam@example.com', name: 'Sam Park' } }).incident.id;
  const ann = suite.impact.admin.createIncident({ title: 'Directory says not Ann', priority: 2, commander: { email: 'ann.lee@example.com', name: 'Ann L.' } }).incident.id;
  await suite.until(() => suite.kvsValue(`incident:${sam}`) !== undefined && suite.kvsValue(`incident:${ann}`) !== undefined, 'both incident issues');
  const assignee = (key: string) => suite.jira.state.findIssue(key)?.assigneeId ?? null;
  expect(assignee(suite.issueKeyOf(sam))).toBe('acc-sam-2');
  expect(assignee(suite.issueKeyOf(ann))).toBeNull();
});

it('forgets a manual decision only for admins; the queued run then matches the person automatically again', async () => {
  expect(await resolver('forgetManualDecision', { email: 'ann.lee@example.com' }, 'dave')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await resolver('forgetManualDecision', { email: 'ann.lee@example.com', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  // Zoe was never decided by hand: nothing to forget.
  expect(await resolver('forgetManualDecision', { email: 'zoe@example.com' })).toMatchObject({ ok: false, error: { code: 'not-found' } });

  expect(await resolver('forgetManualDecision', { email: 'Ann.Lee@Example.com' })).toEqual({ ok: true, value: { forgotten: 'unmatch', queued: true } });
  expect(await resolver('forgetManualDecision', { email: 'sam@example.com' })).toEqual({ ok: true, value: { forgotten: 'match', queued: true } });
  await suite.settleAll();

  const matched = await wholeList('matched');
  expect(matched.find((m) => m.email === 'ann.lee@example.com')).toMatchObject({ account: { accountId: 'acc-ann' }, by: 'email' });
  expect(matched.find((m) => m.email === 'sam@example.com')).toBeUndefined();
  const unmatched = await wholeList('unmatched');
  expect(unmatched.map((u) => [u.email, u.reason])).toEqual([['sam@example.com', 'ambiguous'], ['zoe@example.com', 'no-account']]);
  // Forgotten means forgotten: a second forget finds nothing.
  expect(await resolver('forgetManualDecision', { email: 'ann.lee@example.com' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
});
