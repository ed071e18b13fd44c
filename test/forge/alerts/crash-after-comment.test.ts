/**
 * A consumer invocation that dies AFTER Jira accepted its comment and BEFORE the problem record was saved (a KVS 429
 * in a storm: @forge/kvs throws, Forge retries the event): the record only holds the `commenting` marker written
 * just before the comment, so the retry looks the comment up by its `incident-bridge-alert` property (one page of
 * comments + one properties read) and does not comment again. KVS is made to refuse by spending the installation's
 * 1,000 requests per second right after the marker write (as in crash-after-change.test.ts): the comment (Jira)
 * still goes through, the save after it does not.
 */
import { ALERT_COMMENT_PROPERTY } from '../../../src/forge/domain/alerts';
import { StorageKeys } from '../../../src/forge/constants';
import { fixtureRules, issues, seedRules } from './support';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';

jest.setTimeout(30_000);

let t: AlertHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Once armed, the first problem record written with a `commenting` marker makes every later KVS request of this second refused. */
function crashAfterCommentingMarker(host: AlertHost): { arm: () => void; crashed: () => boolean } {
  let armed = false;
  let crashed = false;
  const set = host.host.kvs.set.bind(host.host.kvs);
  host.host.kvs.set = (space, key, value, options) => {
    const result = set(space, key, value, options);
    const marked = typeof value === 'object' && value !== null && 'commenting' in value;
    if (armed && !crashed && key.startsWith(StorageKeys.problem('')) && marked) {
      crashed = true;
      for (let i = 0; i < 1_000; i++) host.host.kvsQuota?.admit('read', 0);
    }
    return result;
  };
  return { arm: () => (armed = true), crashed: () => crashed };
}

function storedRecord(host: AlertHost): Record<string, unknown> {
  const page = host.host.kvs.query(StorageKeys.problem(''), 5, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  const item = page.value.items[0];
  if (!item) throw new Error('no problem record');
  return item.value as Record<string, unknown>;
}

describe('a consumer invocation that dies after its comment and before its record save', () => {
  it.each([
    ['the group grew', '03-checkout-group-grows.json'],
    ['one alert resolved', '04-checkout-one-resolved.json'],
  ])('%s: the retry finds the comment by its property and comments nothing more', async (_, fixture) => {
    const calls: string[] = [];
    t = await startAlertHost({
      fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 },
      jiraFront: (request) => {
        calls.push(`${request.method} ${new URL(request.url).pathname}`);
        return undefined;
      },
    });
    seedRules(t.host, fixtureRules());
    const crash = crashAfterCommentingMarker(t);
    await t.post([relayEvent(fixtureBody('01-checkout-first-firing.json'))]);
    expect(issues(t.sim)).toHaveLength(1);
    const issue = issues(t.sim)[0]!;
    const before = issue.comments.length;

    crash.arm();
    const event = relayEvent(fixtureBody(fixture));
    calls.length = 0;
    await t.post([event]);
    expect(crash.crashed()).toBe(true);
    expect(t.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    // Jira took the comment (with its property); the record still holds only the marker.
    expect(issue.comments).toHaveLength(before + 1);
    expect(issue.comments.at(-1)?.properties?.[ALERT_COMMENT_PROPERTY]).toEqual({ problemKey: expect.any(String), eventId: event.id });
    expect(storedRecord(t)).toMatchObject({ commenting: { eventId: event.id } });
    expect(calls.filter((c) => c.endsWith('/comment'))).toHaveLength(1);

    calls.length = 0;
    await t.advance(30_000);
    expect(t.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(issue.comments).toHaveLength(before + 1);
    // The retry: one page of comments, one properties read, no second POST of the comment.
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(0);
    expect(calls.filter((c) => c.startsWith('GET') && c.endsWith('/comment'))).toHaveLength(1);
    expect(calls.filter((c) => c.endsWith('/comment/list'))).toHaveLength(1);
    expect(storedRecord(t)).not.toHaveProperty('commenting');
  });
});
