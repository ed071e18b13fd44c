/**
 * The delivery-log resolvers through the local Forge host's Custom UI endpoint, with the real app and the
 * Jira simulator: who may retry a failed delivery (Administer Projects where the delivery goes, asked of Jira
 * as the user), bad input answered as `invalid-input` rather than an HTTP 500, and retention by KVS TTL.
 */
import type { FailedDeliveryPage, RecentDeliveries, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import { fixtureRules, issues, seedRules } from '../alerts/support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from '../alerts/host-harness';

jest.setTimeout(30_000);

const ALICE = '5b10a2844c20165700ede21a'; // administers every project
const BOB = '5b10ac8d82e05b22cc7d4ef5'; // administers OPS only
const DAVE = '60e5a86ab7c1a0006a3f9b12'; // administers nothing
const DAY = 86_400_000;

let t: AlertHost;
beforeEach(async () => {
  t = await startAlertHost();
});
afterEach(() => t.close());

/** A resolver call as the settings page of `pageProject` makes it; answers the HTTP status and the body. */
async function call<T>(functionKey: string, payload: unknown, accountId: string | undefined, pageProject = 'OPS'): Promise<{ status: number; body: { ok: boolean; result?: T; error?: { message: string } } }> {
  const response = await t.host.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accountId ? { 'x-forge-account-id': accountId } : {}) },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: pageProject } } }),
    }),
  );
  return { status: response.status, body: (await response.json()) as { ok: boolean; result?: T } };
}

async function result<T>(functionKey: string, payload: unknown, accountId: string | undefined, pageProject = 'OPS'): Promise<T> {
  const r = await call<T>(functionKey, payload, accountId, pageProject);
  expect(r).toMatchObject({ status: 200, body: { ok: true } });
  return r.body.result as T;
}

/** One Alertmanager notification the rules send to `projectKey` as an issue type that project lacks: Jira refuses it (400), so it fails at once. */
async function failedDeliveryTargeting(projectKey: string): Promise<string> {
  seedRules(t.host, fixtureRules({ checkout: { target: { projectKey, issueType: 'Epic' } } }));
  await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  const page = await result<FailedDeliveryPage>('listFailedDeliveries', {}, DAVE);
  expect(page.items).toHaveLength(1);
  expect(page.items[0]).toMatchObject({ failureKind: 'rejected', projectKeys: [projectKey] });
  return page.items[0]!.key;
}

describe('retrying a failed delivery', () => {
  it('needs Administer Projects in the project the delivery targets, not in the page’s project', async () => {
    const key = await failedDeliveryTargeting('PM');
    // Bob administers OPS (the page's project) but not PM, where the delivery goes.
    expect(await result<ResolverResult<unknown>>('retryFailedDelivery', { key }, BOB, 'OPS')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('PM') } });
    expect(await result<ResolverResult<unknown>>('retryFailedDelivery', { key }, DAVE, 'PM')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('PM') } });
    expect(await result<ResolverResult<unknown>>('retryFailedDelivery', { key }, undefined, 'PM')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await result<FailedDeliveryPage>('listFailedDeliveries', {}, DAVE)).items).toHaveLength(1);
    // Alice administers PM: the retry is queued (and fails again, still visible, since PM has no Epic type).
    expect(await result<ResolverResult<{ eventId: string }>>('retryFailedDelivery', { key }, ALICE, 'OPS')).toMatchObject({ ok: true });
    await t.host.queue.drain();
    expect((await result<FailedDeliveryPage>('listFailedDeliveries', {}, DAVE)).items).toHaveLength(1);
  });

  it('lets an administrator of the target project retry from another project’s page, and not a non-admin', async () => {
    const key = await failedDeliveryTargeting('OPS');
    expect(await result<ResolverResult<unknown>>('retryFailedDelivery', { key }, DAVE, 'OPS')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('OPS') } });
    seedRules(t.host, fixtureRules());
    expect(await result<ResolverResult<{ eventId: string }>>('retryFailedDelivery', { key }, BOB, 'PM')).toMatchObject({ ok: true });
    await t.host.queue.drain();
    expect(issues(t.sim)).toHaveLength(1);
    expect((await result<FailedDeliveryPage>('listFailedDeliveries', {}, DAVE)).items).toHaveLength(0);
  });

  it('works out the target of a failed delivery recorded before targets were kept, from the rules', async () => {
    const key = await failedDeliveryTargeting('PM');
    const stored = t.host.kvs.get({ kind: 'kv' }, key);
    if (!stored.ok) throw new Error(stored.failure.message);
    const { projectKeys: _dropped, ...legacy } = stored.value.value as { projectKeys?: string[] };
    t.host.kvs.set({ kind: 'kv' }, key, legacy);
    expect(await result<ResolverResult<unknown>>('retryFailedDelivery', { key }, BOB, 'OPS')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('PM') } });
  });
});

describe('delivery-log read resolvers', () => {
  it('answer invalid-input with HTTP 200 for bad input instead of HTTP 500', async () => {
    for (const functionKey of ['listRecentDeliveries', 'listFailedDeliveries']) {
      for (const payload of [{ limit: 1e9 }, { limit: 'all' }, { cursor: 42 }, { cursor: 'x'.repeat(100_000) }, { nope: true }]) {
        const r = await call<RecentDeliveries>(functionKey, payload, DAVE);
        expect({ functionKey, payload: JSON.stringify(payload).slice(0, 40), status: r.status, ok: r.body.ok }).toEqual({ functionKey, payload: JSON.stringify(payload).slice(0, 40), status: 200, ok: true });
        expect(r.body.result).toMatchObject({ ok: false, error: { code: 'invalid-input' }, items: [], nextCursor: null });
      }
    }
  });

  it('lists newest first, with targets and issue keys, and lines expire after the retention period', async () => {
    seedRules(t.host, fixtureRules());
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'), new Date(Date.now() - 1000).toISOString())]);
    await t.post([relayEvent(fixtureBody('03-checkout-group-grows.json'))]);
    const page = await result<RecentDeliveries>('listRecentDeliveries', {}, DAVE);
    expect(page).toMatchObject({ ok: true, retentionDays: 30, prevCursor: null, nextCursor: null });
    expect(page.items.map((d) => d.detail)).toEqual([expect.stringMatching(/^commented OPS-1/), 'created OPS-1']);
    expect(page.items[1]).toMatchObject({ projectKeys: ['OPS'], issueKeys: ['OPS-1'], count: 1 });
    expect((await result<RecentDeliveries>('listRecentDeliveries', { issueKey: 'OPS-1', outcome: 'applied' }, DAVE)).items).toHaveLength(2);
    expect((await result<RecentDeliveries>('listRecentDeliveries', { projectKey: 'PM' }, DAVE)).items).toHaveLength(0);
    await t.advance(29 * DAY);
    expect((await result<RecentDeliveries>('listRecentDeliveries', {}, DAVE)).items).toHaveLength(2);
    await t.advance(2 * DAY);
    expect((await result<RecentDeliveries>('listRecentDeliveries', {}, DAVE)).items).toHaveLength(0);
    expect((await result<RecentDeliveries>('listRecentDeliveries', { issueKey: 'OPS-1' }, DAVE)).items).toHaveLength(0);
  });
});
