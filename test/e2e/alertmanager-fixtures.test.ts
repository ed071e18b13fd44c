/**
 * Every captured Alertmanager body, through the whole sandbox: relay (auth, validation, outbox) →
 * forwarder → Forge web trigger → queue → consumer. Each must reach the consumer exactly once, also
 * when forwarding fails and when a body is delivered twice.
 */
import { alertmanagerSequence, consumerDeliveryCounts, consumerRecords, loggedDeliveries, postAlertmanager, replayClock, sandboxPerTest, settle, type TestSandbox } from '../support/sandbox-harness';

jest.setTimeout(60_000);

const sandboxes = sandboxPerTest();

async function postSequence(relayUrl: string, setTime: (offsetMs: number) => void, times = 1): Promise<string[]> {
  const sequence = alertmanagerSequence();
  const first = sequence[0]!.receivedAt;
  const ids: string[] = [];
  for (const delivery of sequence) {
    setTime(delivery.receivedAt - first);
    for (let i = 0; i < times; i += 1) {
      const response = await postAlertmanager(relayUrl, delivery.body);
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; duplicate: boolean };
      expect(body.duplicate).toBe(i > 0);
      if (i === 0) ids.push(body.id);
      else expect(body.id).toBe(ids[ids.length - 1]);
    }
  }
  return ids;
}

function expectEachConsumedOnce(test: TestSandbox, ids: string[]): void {
  const counts = consumerDeliveryCounts(test.sandbox);
  expect([...counts.keys()].sort()).toEqual([...ids].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  // One delivery-log entry per event (unchanged repeats fold into one line with a count), none for anything else.
  const logged = loggedDeliveries(test.sandbox);
  expect(logged.total).toBe(ids.length);
  expect(new Set(logged.knownIds).size).toBe(logged.knownIds.length);
  for (const id of logged.knownIds) expect(ids).toContain(id);
}

describe('Alertmanager fixtures through the sandbox', () => {
  it('delivers every fixture body to the consumer exactly once', async () => {
    const time = replayClock();
    const env = await sandboxes.start({ relayClock: time.clock });
    const ids = await postSequence(env.sandbox.urls.relay, time.at);
    expect(ids).toHaveLength(7);
    await settle(env.sandbox);
    expectEachConsumedOnce(env, ids);
    // 02 and 05 are byte-identical, 15 s apart: a repeat notification, not a duplicate.
    const records = consumerRecords(env.sandbox);
    expect(new Set(records.map((r) => r.groupKey)).size).toBe(2);
  });

  it('still delivers exactly once when the same body is delivered twice', async () => {
    const time = replayClock();
    const env = await sandboxes.start({ relayClock: time.clock });
    const ids = await postSequence(env.sandbox.urls.relay, time.at, 2);
    await settle(env.sandbox);
    expectEachConsumedOnce(env, ids);
  });

  it('delivers exactly once when the first forwarding attempt never reaches the web trigger', async () => {
    let calls = 0;
    const failingFirst: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed: connect ECONNREFUSED');
      return fetch(input, init);
    };
    const time = replayClock();
    const env = await sandboxes.start({ relayClock: time.clock, relayFetch: failingFirst });
    const ids = await postSequence(env.sandbox.urls.relay, time.at);
    await settle(env.sandbox);
    expect(calls).toBeGreaterThan(1);
    expectEachConsumedOnce(env, ids);
  });

  it('delivers exactly once when the web trigger queued a batch but its answer was lost', async () => {
    let calls = 0;
    const loseFirstAnswer: typeof fetch = async (input, init) => {
      calls += 1;
      const response = await fetch(input, init);
      if (calls === 1) {
        expect(response.status).toBe(202);
        throw new TypeError('fetch failed: socket hang up');
      }
      return response;
    };
    const time = replayClock();
    const env = await sandboxes.start({ relayClock: time.clock, relayFetch: loseFirstAnswer });
    const ids = await postSequence(env.sandbox.urls.relay, time.at);
    await settle(env.sandbox);
    expect(calls).toBeGreaterThan(1);
    expectEachConsumedOnce(env, ids);
  });
});
