/**
 * Issue 14, item 2, end to end through the sandbox: a poison event stored anyway (as by an older relay without
 * the input limits) is refused by the real web trigger, dead-lettered by the relay, and the relay's signed
 * dead-letter notice makes it appear in the app's Delivery log (failed deliveries and the log, through the real
 * resolvers on the local Forge host) with the relay's reason; the app's Retry answers that it must be re-queued
 * on the relay; the relay's admin route lists it and re-queues it (still poison: dead-lettered again, one record).
 */
import type { FailedDeliveryPage, RecentDeliveries, ResolverResult } from '../../src/forge/entry/resolvers/contract';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { ALERTMANAGER_TOKEN, postAlertmanager, sandboxPerTest, settle } from '../support/sandbox-harness';
import { alertmanagerGroup } from '../relay/large-group';

jest.setTimeout(120_000);

const ADMIN = 'e2e-admin-token-0123456789';
const sandboxes = sandboxPerTest();

async function settingsResolver<T>(sandbox: Sandbox, functionKey: string, payload: Record<string, unknown> = {}): Promise<T> {
  const response = await sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.alice.accountId },
      body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
    }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { ok: boolean; result: T };
  expect(body.ok).toBe(true);
  return body.result;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const admin = (sandbox: Sandbox, path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.urls.relay}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

describe('a relay dead letter in the app’s Delivery log', () => {
  it('is listed as failed with the relay’s reason, Retry points at the relay, and the admin route re-queues it', async () => {
    const { sandbox } = await sandboxes.start({
      env: { ALERTMANAGER_TOKENS: ALERTMANAGER_TOKEN, RELAY_SIGNING_KEYS: 'e2e:e2e-signing-secret-0123456789', RELAY_POLL_INTERVAL_MS: '200', RELAY_ADMIN_TOKENS: ADMIN },
    });
    const deep = '{"x":'.repeat(6000) + '1' + '}'.repeat(6000);
    const poisonBody = alertmanagerGroup(1, { seed: 'poison' }).replace(/}$/, `,"extra":${deep}}`);
    const groupKey = (JSON.parse(alertmanagerGroup(1, { seed: 'poison' })) as { groupKey: string }).groupKey;
    const poison = await sandbox.relay.outbox.accept({ source: 'alertmanager', receivedMs: Date.now(), groupKey, bodyJson: poisonBody, dedup: { key: 'poison', windowMs: 1000 } });
    const after = await postAlertmanager(sandbox.urls.relay, alertmanagerGroup(1, { seed: 'after' }));
    expect(after.status).toBe(202);
    const afterId = ((await after.json()) as { id: string }).id;
    await settle(sandbox, 60_000);

    const [dead] = await sandbox.relay.outbox.failed(10);
    expect(dead).toMatchObject({ id: poison.id, groupKey, sizeBytes: Buffer.byteLength(poisonBody) });
    const consumed = new Set(sandbox.forge.queue.completedEvents().flatMap((job) => (job.body as { events?: { id: string }[] }).events?.map((e) => e.id) ?? []));
    expect(consumed.has(afterId)).toBe(true);
    expect(consumed.has(poison.id)).toBe(false);

    // The relay's notice reaches the app: a failed delivery with the relay's reason, size and the requeue command.
    const failed = await eventually(
      () => settingsResolver<FailedDeliveryPage>(sandbox, 'listFailedDeliveries'),
      (page) => page.items.some((item) => item.eventId === poison.id),
    );
    const item = failed.items.find((i) => i.eventId === poison.id)!;
    expect(item).toMatchObject({
      eventId: poison.id,
      groupKey,
      failureKind: 'relay-dead-letter',
      relayDeadLetter: { source: 'alertmanager', sequence: dead!.sequence, sizeBytes: Buffer.byteLength(poisonBody), requeue: `npm run relay -- requeue ${poison.id}` },
    });
    expect(item.reason).toContain(`${Buffer.byteLength(poisonBody)} bytes, alertmanager event ${poison.id}`);
    expect(item.reason).toContain(dead!.reason);
    expect(item.reason).toMatch(/unqueueable_event.*body nests deeper than 64 levels/);

    const log = await settingsResolver<RecentDeliveries>(sandbox, 'listRecentDeliveries', { outcome: 'failed' });
    const line = log.items.find((l) => l.eventId === poison.id);
    expect(line).toMatchObject({ source: 'alertmanager', groupKey, outcome: 'failed', detail: expect.stringContaining('dead-lettered by the relay') });
    expect(line?.detail).toContain('body nests deeper than 64 levels');

    // The app cannot retry what it never had: Retry says where to re-send it, and changes nothing.
    const retried = await settingsResolver<ResolverResult<{ eventId: string }>>(sandbox, 'retryFailedDelivery', { key: item.key });
    expect(retried).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringContaining(`npm run relay -- requeue ${poison.id}`) } });
    expect((await settingsResolver<FailedDeliveryPage>(sandbox, 'listFailedDeliveries')).items.filter((i) => i.eventId === poison.id)).toHaveLength(1);

    // The operator's admin route lists it (no body) and re-queues it.
    expect((await fetch(`${sandbox.urls.relay}/admin/dead-letters`)).status).toBe(401);
    const listed = await admin(sandbox, '/admin/dead-letters');
    expect(listed.status).toBe(200);
    const listedText = await listed.text();
    expect(listedText).not.toContain('"x":{"x"');
    expect(JSON.parse(listedText)).toEqual({ total: 1, deadLetters: [dead] });
    const requeued = await admin(sandbox, '/admin/dead-letters/requeue', { method: 'POST', body: JSON.stringify({ ids: [poison.id] }) });
    expect(await requeued.json()).toEqual({ requeued: 1, notFound: [] });

    // Still poison: the relay forwards it, the web trigger refuses it again, it is dead-lettered again and the app
    // is told again; the notice lands on the same record (idempotent by event id).
    const again = await eventually(
      () => sandbox.relay.outbox.failed(10),
      (rows) => rows.length === 1 && rows[0]!.failedAt !== dead!.failedAt,
    );
    expect(again[0]?.id).toBe(poison.id);
    const refreshed = await eventually(
      () => settingsResolver<FailedDeliveryPage>(sandbox, 'listFailedDeliveries'),
      (page) => page.items.some((i) => i.eventId === poison.id && i.relayDeadLetter?.deadLetteredAt === again[0]!.failedAt),
    );
    expect(refreshed.items.filter((i) => i.eventId === poison.id)).toHaveLength(1);
  });
});
