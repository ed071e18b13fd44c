/**
 * Issue 14, item 2: one poison event must never stop the others. The relay's input limits refuse the 6,000-deep
 * body at the door (400); an event that got into the outbox anyway (stored by a relay without those limits) is
 * refused by the real web trigger with 422 naming it, isolated by the forwarder, kept as a dead letter with the
 * reason, and every event behind it reaches the consumer. `requeue` puts it back for an operator.
 */
import { postAlertmanager, sandboxPerTest, settle } from '../support/sandbox-harness';
import { alertmanagerGroup } from '../relay/large-group';
import { runOutboxCommand } from '../../src/relay/cli';

jest.setTimeout(120_000);

const sandboxes = sandboxPerTest();
const EVENTS = 1000;

describe('poison isolation through the real web trigger', () => {
  it('refuses the poison at the relay; a stored poison event is dead-lettered and every event after it reaches the consumer', async () => {
    const env = await sandboxes.start();
    const { sandbox } = env;
    const deep = '{"x":'.repeat(6000) + '1' + '}'.repeat(6000);
    const poisonBody = alertmanagerGroup(1, { seed: 'poison' }).replace(/}$/, `,"extra":${deep}}`);
    const refused = await postAlertmanager(sandbox.urls.relay, poisonBody);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('json-too-deep');

    // As if an older relay had accepted it: straight into the outbox, ahead of everything else.
    const groupKey = (JSON.parse(alertmanagerGroup(1, { seed: 'poison' })) as { groupKey: string }).groupKey;
    const poison = await sandbox.relay.outbox.accept({ source: 'alertmanager', receivedMs: Date.now(), groupKey, bodyJson: poisonBody, dedup: { key: 'poison', windowMs: 1000 } });
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const res = await postAlertmanager(sandbox.urls.relay, alertmanagerGroup(1, { seed: `after${i}` }));
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await settle(sandbox, 90_000);

    const consumed = new Set(sandbox.forge.queue.completedEvents().flatMap((job) => (job.body as { events?: { id: string }[] }).events?.map((e) => e.id) ?? []));
    expect(ids.filter((id) => !consumed.has(id))).toEqual([]);
    expect(consumed.has(poison.id)).toBe(false);
    const [dead] = await sandbox.relay.outbox.failed(10);
    expect(dead).toMatchObject({ id: poison.id, source: 'alertmanager', groupKey, sizeBytes: Buffer.byteLength(poisonBody) });
    expect(dead?.reason).toMatch(new RegExp(`^http-422: .*unqueueable_event.*${poison.id} \\(body nests deeper than 64 levels\\)`));

    const out: string[] = [];
    expect(await runOutboxCommand('requeue', [poison.id], sandbox.relay.outbox, { out: (l) => out.push(l), err: () => undefined })).toBe(0);
    expect(out).toEqual(['requeued 1 dead letter(s)']);
    expect((await sandbox.relay.outbox.stats()).pending).toBe(1);
  });
});
