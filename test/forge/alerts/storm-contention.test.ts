/**
 * The storm guard under contention on the local Forge host: 51 new groups of one rule reach 24 consumers at once
 * (Forge delivery, fixed seed, KVS quotas on). Every admission is a compare-and-set on the rule's window record;
 * the losers must wait their turn, not spin: a spinning loser used up its attempts while one winner was between
 * claim and write and answered busy until its delivery's retries ran out (a failed delivery: the 51st problem
 * never reached its storm issue), and the spin flooded KVS past its 1,000 requests per second, whose 429 after a
 * claim kept the claim for its TTL and stopped every admission of the rule.
 */
import { storedRuleSchema } from '../../../src/forge/domain/alerts';
import { describeOutcome } from '../../../src/forge/delivery/delivery-record';
import { issues, seedRules } from './support';
import { relayEvent, startAlertHost, type AlertHost } from './host-harness';
import { deliveryRecordsIn } from '../../support/sandbox-harness';
import { serviceGroupNotification } from './service-group';

jest.setTimeout(120_000);

let t: AlertHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3_600_000;
const W0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const at = (ms: number) => new Date(W0 + ms).toISOString();

const notification = (group: number) => serviceGroupNotification({ alertname: 'Contention', group, fingerprintBase: 0xc000, startsAt: at(60_000) });

describe('storm guard under contention on the Forge host', () => {
  it('51 new groups at 24 concurrent consumers: 50 own issues + 1 storm issue, no failed delivery', async () => {
    t = await startAlertHost({ workers: 24, fidelity: { mode: 'forge', timeFactor: 0.02, chaos: null, latency: null, seed: 1337 } });
    seedRules(t.host, [
      storedRuleSchema.parse({
        id: 'contention',
        name: 'Contention',
        order: 10,
        target: { projectKey: 'OPS', issueType: 'Incident' },
        matchers: ['alertname="Contention"'],
        stormGuard: { maxNewIssues: 50, windowMinutes: 60 },
      }),
    ]);
    // As the relay forwards them: batches of at most 50 events, the second before the first is consumed.
    const events = Array.from({ length: 51 }, (_, g) => relayEvent(notification(g), at(120_000 + g)));
    const posted = await Promise.all([t.post(events.slice(0, 26)), t.post(events.slice(26))]);
    expect(posted.map((r) => r.status)).toEqual([202, 202]);
    // Busy deliveries come back after their retryAfter (on the host's clock): run them until none is left.
    for (let i = 0; i < 40 && t.host.queue.stats().delayed + t.host.queue.stats().ready > 0; i++) await t.advance(5_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, running: 0, failed: 0 });

    const all = issues(t.sim);
    expect(all.filter((i) => i.summary.startsWith('[Storm]'))).toHaveLength(1);
    expect(all.filter((i) => !i.summary.startsWith('[Storm]'))).toHaveLength(50);
    const lines = deliveryRecordsIn(t.host.kvs).map((r) => describeOutcome(r.outcome));
    expect(lines.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('rolled into storm issue'))).toHaveLength(1);
  });
});
