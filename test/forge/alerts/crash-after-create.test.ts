/**
 * A consumer invocation that dies after Jira created the issue (a KVS 429 in a storm: @forge/kvs throws, Forge
 * retries the event): the retry makes no second issue and the delivery's line still says "created KEY", whether
 * it died before the problem was stored (the retry finds its own creation marker and adopts the issue) or after
 * (the retry finds the record the delivery wrote). KVS is made to refuse by spending the installation's
 * 1,000 requests per second at the chosen moment; the host's clock then moves past the queue's error backoff.
 */
import { StorageKeys } from '../../../src/forge/constants';
import { describeOutcome, type DeliveryRecord } from '../../../src/forge/delivery/delivery-record';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

let t: AlertHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function lines(host: AlertHost): DeliveryRecord[] {
  const page = host.host.kvs.query(StorageKeys.deliveryPrefix, 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.map((i) => i.value as DeliveryRecord);
}

/** Every KVS request of this installation is refused (429) until the host's clock moves a second on. */
function spendKvsSecond(host: AlertHost): void {
  for (let i = 0; i < 1_000; i++) host.host.kvsQuota?.admit('read', 0);
}

async function runCrashedDelivery(crashAfter: (spend: () => void) => { readonly jiraFront?: (request: Request) => void; readonly onStart?: (host: AlertHost) => void }): Promise<AlertHost> {
  const started: { host?: AlertHost } = {};
  const hooks = crashAfter(() => started.host && spendKvsSecond(started.host));
  const host = await startAlertHost({
    fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 },
    jiraFront: (request) => {
      hooks.jiraFront?.(request);
      return undefined;
    },
  });
  started.host = host;
  hooks.onStart?.(host);
  seedRules(host.host, fixtureRules());
  await host.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
  return host;
}

describe('a consumer invocation that dies after the Jira create', () => {
  it('before the problem is stored: the retry adopts its own issue and its line says created', async () => {
    let created = false;
    t = await runCrashedDelivery((spend) => ({
      jiraFront: (request) => {
        // Jira has the issue once the simulator answers; the consumer's next KVS call (the status mirror) is refused.
        if (!created && request.method === 'POST' && new URL(request.url).pathname === '/rest/api/3/issue') {
          created = true;
          queueMicrotask(spend);
        }
      },
    }));
    expect(created).toBe(true);
    expect(t.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    expect(issues(t.sim)).toHaveLength(1);
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, done: 1, failed: 0 });
    expect(issues(t.sim)).toHaveLength(1);
    const key = issues(t.sim)[0]!.key;
    expect(lines(t).map((l) => describeOutcome(l.outcome))).toEqual([`created ${key}`]);
  });

  it('after the problem is stored: the retry finds the record its delivery wrote and its line says created', async () => {
    let crashed = false;
    t = await runCrashedDelivery((spend) => ({
      onStart: (host) => {
        // The problem record is written; the delivery log's first request (a query of the group's lines) is refused.
        const set = host.host.kvs.set.bind(host.host.kvs);
        host.host.kvs.set = (space, key, value, options) => {
          const result = set(space, key, value, options);
          if (!crashed && key.startsWith(StorageKeys.problem(''))) {
            crashed = true;
            spend();
          }
          return result;
        };
      },
    }));
    expect(crashed).toBe(true);
    expect(t.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, done: 1, failed: 0 });
    expect(issues(t.sim)).toHaveLength(1);
    const key = issues(t.sim)[0]!.key;
    expect(lines(t).map((l) => describeOutcome(l.outcome))).toEqual([`created ${key}`]);
  });
});
