/**
 * A consumer invocation that dies after its Jira change was stored and before its delivery-log line (a KVS 429 in
 * a storm: @forge/kvs throws, Forge retries the event): the retry finds its own change applied, changes nothing in
 * Jira, and its line still says what the delivery did ("commented KEY", "rolled into storm issue KEY"); another
 * event that changes nothing still reads "skipped". KVS is made to refuse by spending the installation's
 * 1,000 requests per second right after the chosen problem record is written (as in crash-after-create.test.ts).
 */
import { StorageKeys } from '../../../src/forge/constants';
import { describeOutcome, type DeliveryRecord } from '../../../src/forge/delivery/delivery-record';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';
import { hostStormRule, serviceGroupNotification } from './service-group';

jest.setTimeout(30_000);

let t: AlertHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Each delivery's line, by the relay event it is for. */
function lineOf(host: AlertHost, eventId: string): string | undefined {
  const page = host.host.kvs.query(StorageKeys.deliveryPrefix, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  const line = page.value.items.map((i) => i.value as DeliveryRecord).find((l) => l.eventId === eventId);
  return line && describeOutcome(line.outcome);
}

/** Once armed, the nth problem record written (markers aside) makes every later KVS request of this second refused (429). */
function crashAfterProblemWrite(host: AlertHost, nth: number): { arm: () => void; crashed: () => boolean } {
  let armed = false;
  let seen = 0;
  let crashed = false;
  const set = host.host.kvs.set.bind(host.host.kvs);
  host.host.kvs.set = (space, key, value, options) => {
    const result = set(space, key, value, options);
    // The `commenting` marker written just before a comment is not the change being stored (crash-after-comment.test.ts).
    const marker = typeof value === 'object' && value !== null && 'commenting' in value;
    if (armed && !crashed && key.startsWith(StorageKeys.problem('')) && !marker && ++seen === nth) {
      crashed = true;
      for (let i = 0; i < 1_000; i++) host.host.kvsQuota?.admit('read', 0);
    }
    return result;
  };
  return { arm: () => (armed = true), crashed: () => crashed };
}

describe('a consumer invocation that dies after its Jira change was stored', () => {
  it('a comment (the group grew): the retry comments nothing more and its line says commented', async () => {
    t = await startAlertHost({ fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 } });
    seedRules(t.host, fixtureRules());
    const crash = crashAfterProblemWrite(t, 1);
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    expect(issues(t.sim)).toHaveLength(1);
    const issue = issues(t.sim)[0]!;

    crash.arm();
    const grew = relayEvent(fixtureBody('03-checkout-group-grows.json'));
    await t.post([grew]);
    expect(crash.crashed()).toBe(true);
    expect(t.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    const comments = issue.comments.length;
    expect(comments).toBeGreaterThan(0);
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(issue.comments).toHaveLength(comments);
    expect(lineOf(t, grew.id)).toBe(`commented ${issue.key}`);

    // The same notification again, as another relay event: nothing to do, and its line says so.
    const again = relayEvent(fixtureBody('03-checkout-group-grows.json'));
    await t.post([again]);
    expect(issue.comments).toHaveLength(comments);
    expect(lineOf(t, again.id)).toMatch(/^skipped because /);
  });

  it('a roll into the storm issue, and a rolled group resolving: each retry changes nothing more and keeps its line', async () => {
    t = await startAlertHost({ fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 } });
    seedRules(t.host, [hostStormRule()]);
    const hour = 3_600_000;
    const w0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const at = (ms: number) => new Date(w0 + ms).toISOString();
    const notification = (group: number, status: 'firing' | 'resolved' = 'firing') => serviceGroupNotification({ alertname: 'HostStorm', group, status, startsAt: at(60_000), fingerprintBase: 0xc000 });
    // Rolling in writes the storm issue's record first, then the rolled problem's: crash after the second.
    const crash = crashAfterProblemWrite(t, 2);
    await t.post([relayEvent(notification(1), at(121_000))]);
    expect(issues(t.sim)).toHaveLength(1);

    crash.arm();
    const rolled = relayEvent(notification(2), at(122_000));
    await t.post([rolled]);
    expect(crash.crashed()).toBe(true);
    expect(t.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    const storm = issues(t.sim).find((i) => i.summary.startsWith('[Storm] Host storm'));
    expect(storm?.comments).toHaveLength(1);
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(issues(t.sim)).toHaveLength(2);
    expect(storm!.comments).toHaveLength(1);
    expect(lineOf(t, rolled.id)).toBe(`rolled into storm issue ${storm!.key}`);

    const again = relayEvent(notification(2), at(123_000));
    await t.post([again]);
    expect(storm!.comments).toHaveLength(1);
    expect(lineOf(t, again.id)).toMatch(/^skipped because /);

    // A third group rolls in; then the second resolves: one comment on the storm issue, which stays open.
    await t.post([relayEvent(notification(3), at(124_000))]);
    expect(storm!.comments).toHaveLength(2);
    const crashOnResolve = crashAfterProblemWrite(t, 1);
    crashOnResolve.arm();
    const resolved = relayEvent(notification(2, 'resolved'), at(125_000));
    await t.post([resolved]);
    expect(crashOnResolve.crashed()).toBe(true);
    expect(storm!.comments).toHaveLength(3);
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(storm!.comments).toHaveLength(3);
    expect(lineOf(t, resolved.id)).toBe(`commented on storm issue ${storm!.key}`);
  });
});
