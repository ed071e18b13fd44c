/**
 * Jira's hourly quota spent (429, RateLimit-Reason jira-quota-global-based, Retry-After until the reset): the
 * app pauses all Jira work at once and delays its jobs; after an hour of it every event is applied, none failed.
 */
import { StorageKeys } from '../../../src/forge/constants';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(60_000);

let t: AlertHost;
afterEach(async () => {
  jest.restoreAllMocks();
  await t.close();
});

/**
 * An hour passes for everyone: the app's own clock (Date.now, as in a Forge function) and the host's. The
 * harness's `advance` moves only the host's clock, and the pause is an instant on the app's clock.
 */
function passingTime(): (ms: number) => Promise<void> {
  const realNow = Date.now.bind(Date);
  let shift = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
  return async (ms) => {
    shift += ms;
    await t.advance(0);
  };
}

const HOUR = 3_600_000;

it('an hour of quota exhaustion ends with every notification applied and none failed, with few refused calls', async () => {
  let quotaUntil = 0;
  let refused = 0;
  t = await startAlertHost({
    jiraFront: (request, now) => {
      if (now >= quotaUntil || request.headers.get('x-forge-sim-actor') !== 'app') return undefined;
      refused += 1;
      return new Response(JSON.stringify({ errorMessages: ['Rate limit exceeded.'] }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil((quotaUntil - now) / 1000)), 'ratelimit-reason': 'jira-quota-global-based' },
      });
    },
  });
  seedRules(t.host, fixtureRules());
  const pass = passingTime();
  const start = Date.now();
  quotaUntil = start + HOUR;
  const shards = Array.from({ length: 8 }, (_, n) => ({ ...fixtureBody('01-checkout-first-firing.json'), groupKey: `{}:{shard="${n}"}`, groupLabels: { alertname: 'HighErrorRate', shard: String(n) } }));
  await t.post(shards.map((b) => relayEvent(b)));
  await t.post([relayEvent(fixtureBody('02-disk-first-firing.json'))]);
  expect(issues(t.sim)).toHaveLength(0);
  for (let minutes = 0; minutes < 80; minutes += 5) await pass(5 * 60_000);
  expect(issues(t.sim)).toHaveLength(9);
  expect(t.host.queue.stats().failed).toBe(0);
  const failed = t.host.kvs.query(StorageKeys.failedDeliveryPrefix, 20, undefined);
  expect(failed.ok && failed.value.items).toEqual([]);
  // The jobs running when the quota ran out met it (4 workers); after the pause was noted, no job asked Jira
  // until the reset: not one refused call per job and retry.
  expect(refused).toBeLessThanOrEqual(4);
  expect(t.host.invocations.counters().byOutcome['retry-requested'] ?? 0).toBe(0);
});
