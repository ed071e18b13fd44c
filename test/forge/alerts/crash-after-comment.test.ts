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
import { describeOutcome } from '../../../src/forge/delivery/delivery-record';
import { adfToText } from '../../../src/sandbox/jira-sim/adf';
import { deliveryRecordsIn } from '../../support/sandbox-harness';
import { fixtureBody, relayEvent, startAlertHost, type AlertHost } from './host-harness';
import { hostStormRule, serviceGroupNotification } from './service-group';

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

/** The delivery-log line of a relay event. */
function lineOf(host: AlertHost, eventId: string): string | undefined {
  const line = deliveryRecordsIn(host.host.kvs).find((l) => l.eventId === eventId);
  return line && describeOutcome(line.outcome);
}

function storedRecords(host: AlertHost): Record<string, unknown>[] {
  const page = host.host.kvs.query(StorageKeys.problem(''), 20, undefined);
  if (!page.ok) throw new Error(page.failure.message);
  return page.value.items.map((i) => i.value as Record<string, unknown>);
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

/**
 * An alert host with the storm rule whose Jira front records every call and, once armed, lets the first comment POST
 * through and then refuses every KVS request of that second (the delivery dies between Jira's answer and its record
 * save). `failFirstComment` instead answers the first comment POST 500 (no comment made).
 */
async function startStormHost(options: { readonly fingerprintBase: number; readonly rateLimits?: false; readonly withSearch?: boolean; readonly failFirstComment?: boolean }) {
  const calls: string[] = [];
  let armed = false;
  let crashed = false;
  let failed = false;
  const host = await startAlertHost({
    fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 },
    ...(options.rateLimits === false ? { rateLimits: false } : {}),
    jiraFront: (request) => {
      const url = new URL(request.url);
      calls.push(`${request.method} ${url.pathname}${options.withSearch ? url.search : ''}`);
      const commentPost = request.method === 'POST' && url.pathname.endsWith('/comment');
      if (options.failFirstComment && commentPost && !failed) {
        failed = true;
        return Response.json({ errorMessages: ['Internal server error'] }, { status: 500 });
      }
      if (armed && !crashed && commentPost) {
        // Jira takes the comment; every KVS request of this second after it is refused (429).
        crashed = true;
        for (let i = 0; i < 1_000; i++) host.host.kvsQuota?.admit('read', 0);
      }
      return undefined;
    },
  });
  t = host;
  seedRules(host.host, [hostStormRule()]);
  const hour = 3_600_000;
  const w0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
  const at = (ms: number) => new Date(w0 + ms).toISOString();
  const notification = (group: number, status: 'firing' | 'resolved' = 'firing') =>
    serviceGroupNotification({ alertname: 'HostStorm', group, status, startsAt: at(60_000), fingerprintBase: options.fingerprintBase });
  return { host, calls, at, notification, arm: () => (armed = true), crashed: () => crashed, failed: () => failed };
}

/**
 * A new problem rolling into its window's storm issue (storm guard) has no record yet to hold the `commenting` marker
 * before its first "rolled into this storm" comment: the delivery writes its record with the marker first, so a retry
 * after a death between Jira's answer and the record save finds the comment by its property instead of posting a
 * second one. Here KVS is made to refuse as the comment POST goes out (Jira still takes it), whatever was written before.
 */
describe('a roll into the storm issue that dies after its comment and before its record save', () => {
  it.each([
    ['the first rolled problem (its delivery also creates the storm issue)', 1],
    ['a later rolled problem (the storm issue exists)', 2],
  ])('%s: the retry finds the roll-in comment by its property, posts nothing more and says rolled into storm issue', async (_, rolledBefore) => {
    const { host, calls, at, notification, arm, crashed } = await startStormHost({ fingerprintBase: 0xd000 });
    // Group 1 gets the rule's one new issue of the window; groups 2.. roll into the storm issue.
    await host.post([relayEvent(notification(1), at(121_000))]);
    for (let g = 2; g <= rolledBefore; g++) await host.post([relayEvent(notification(g), at(121_000 + g))]);
    const group = rolledBefore + 1;

    arm();
    calls.length = 0;
    const rolled = relayEvent(notification(group), at(122_000));
    await host.post([rolled]);
    expect(crashed()).toBe(true);
    expect(host.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'));
    expect(storm?.comments).toHaveLength(group - 1);
    expect(storm!.comments.at(-1)?.properties?.[ALERT_COMMENT_PROPERTY]).toEqual({ problemKey: expect.any(String), eventId: rolled.id });

    calls.length = 0;
    await host.advance(30_000);
    expect(host.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(issues(host.sim)).toHaveLength(2);
    expect(storm!.comments).toHaveLength(group - 1);
    // The retry: one page of comments, one properties read, no second POST of the comment.
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(0);
    expect(calls.filter((c) => c.startsWith('GET') && c.endsWith('/comment'))).toHaveLength(1);
    expect(calls.filter((c) => c.endsWith('/comment/list'))).toHaveLength(1);
    expect(lineOf(host, rolled.id)).toBe(`rolled into storm issue ${storm!.key}`);

    // The rolled problem lives on as usual: the same notification again is skipped, its resolve comments once.
    calls.length = 0;
    const again = relayEvent(notification(group), at(123_000));
    await host.post([again]);
    expect(calls).toEqual([]);
    expect(lineOf(host, again.id)).toMatch(/^skipped because /);
    const resolved = relayEvent(notification(group, 'resolved'), at(124_000));
    await host.post([resolved]);
    // The window counts it once: when it was the only rolled problem, its resolve ends the storm ("Storm over").
    const stormOver = group === 2;
    expect(storm!.comments).toHaveLength(group + (stormOver ? 1 : 0));
    expect(lineOf(host, resolved.id)).toBe(`commented on storm issue ${storm!.key}${stormOver ? ' (all its problems resolved: storm resolved)' : ''}`);
  });

  it('more than a page of comments lands on the storm issue before the retry: the lookup reads on until the marker time', async () => {
    // Jira takes at most 100 writes per issue per 30 s (rate-limit.ts), so 130 comments take over 30 s there, a
    // time Forge's backoff between retries reaches (up to 15 min); the host's first retry comes after 10 s, so
    // the per-issue limit is off here to fit them in before it.
    const { host, calls, at, notification, arm, crashed } = await startStormHost({ fingerprintBase: 0xd300, rateLimits: false, withSearch: true });
    await host.post([relayEvent(notification(1), at(121_000))]);
    arm();
    const rolled = relayEvent(notification(2), at(122_000));
    await host.post([rolled]);
    expect(crashed()).toBe(true);
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'))!;
    expect(storm.comments).toHaveLength(1);

    // People discuss the storm before the retry runs: 130 comments, newer than the app's (a page holds 100).
    const person = `Basic ${Buffer.from('oncall@example.com:token').toString('base64')}`;
    for (let i = 0; i < 130; i++) {
      const response = await host.sim.app.fetch(
        new Request(`http://jira.local/rest/api/3/issue/${storm.key}/comment`, {
          method: 'POST',
          headers: { authorization: person, 'content-type': 'application/json' },
          body: JSON.stringify({ body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `looking at it (${i})` }] }] } }),
        }),
      );
      expect(response.status).toBe(201);
    }

    calls.length = 0;
    await host.advance(30_000);
    expect(host.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(storm.comments).toHaveLength(131);
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(0);
    // Page 1 (100 people's comments, all since the marker), page 2 (30 more and the app's): a properties read each.
    expect(calls.filter((c) => c.startsWith('GET') && c.includes('/comment?'))).toHaveLength(2);
    expect(calls.filter((c) => c.includes('/comment/list'))).toHaveLength(2);
    expect(lineOf(host, rolled.id)).toBe(`rolled into storm issue ${storm.key}`);
  });

  it('no crash: rolling in costs its one comment POST and one KVS write more than before (the marker)', async () => {
    const calls: string[] = [];
    t = await startAlertHost({
      fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 },
      jiraFront: (request) => {
        calls.push(`${request.method} ${new URL(request.url).pathname}`);
        return undefined;
      },
    });
    const host = t;
    seedRules(host.host, [hostStormRule()]);
    const writes: string[] = [];
    const set = host.host.kvs.set.bind(host.host.kvs);
    host.host.kvs.set = (space, key, value, options) => {
      writes.push(key);
      return set(space, key, value, options);
    };
    const hour = 3_600_000;
    const w0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const at = (ms: number) => new Date(w0 + ms).toISOString();
    const notification = (group: number) => serviceGroupNotification({ alertname: 'HostStorm', group, startsAt: at(60_000), fingerprintBase: 0xd200 });
    await host.post([relayEvent(notification(1), at(121_000))]);
    await host.post([relayEvent(notification(2), at(122_000))]);
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'))!;

    calls.length = 0;
    writes.length = 0;
    await host.post([relayEvent(notification(3), at(123_000))]);
    expect(calls).toEqual([`POST /rest/api/3/issue/${storm.key}/comment`]);
    // The rolled problem's record: its `commenting` marker before the comment, the record after it (the window's
    // compare-and-set and the delivery log write the rest, as before).
    expect(writes.filter((k) => k.startsWith(StorageKeys.problem('')))).toHaveLength(2);
    expect(storedRecords(host).filter((r) => 'commenting' in r)).toEqual([]);
  });

  it('Jira answers 500 to the roll-in comment (none made): the retry finds its marker, no comment, and posts it once', async () => {
    const { host, calls, at, notification, failed } = await startStormHost({ fingerprintBase: 0xd100, failFirstComment: true });
    await host.post([relayEvent(notification(1), at(121_000))]);

    const rolled = relayEvent(notification(2), at(122_000));
    await host.post([rolled]);
    expect(failed()).toBe(true);
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'));
    expect(storm?.comments).toHaveLength(0);
    expect(host.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });

    calls.length = 0;
    await host.advance(30_000);
    expect(host.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(storm!.comments).toHaveLength(1);
    expect(storm!.comments[0]?.properties?.[ALERT_COMMENT_PROPERTY]).toEqual({ problemKey: expect.any(String), eventId: rolled.id });
    // The lookup found no comment at all on the storm issue (no properties to read), then the one POST.
    expect(calls.filter((c) => c.startsWith('GET') && c.endsWith('/comment'))).toHaveLength(1);
    expect(calls.filter((c) => c.endsWith('/comment/list'))).toHaveLength(0);
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(1);
    expect(lineOf(host, rolled.id)).toBe(`rolled into storm issue ${storm!.key}`);
  });
});

/**
 * A group whose resolve was applied first and whose older firing arrives late (Forge reorders) and rolls in: the
 * storm issue gets two comments of one delivery, both with its property (rolled in, then resolved). The second must
 * not look up the first: the marker this attempt wrote itself means nothing was posted before. A retry after the
 * first went through and the second failed skips as many as the lookup found, in order, and posts the rest.
 */
describe('a late firing rolling in: two comments of one delivery on the storm issue', () => {
  async function start(front: (method: string, path: string) => Response | undefined) {
    const calls: string[] = [];
    t = await startAlertHost({
      fidelity: { mode: 'deterministic', timeFactor: 0.001, seed: 5 },
      jiraFront: (request) => {
        const path = new URL(request.url).pathname;
        calls.push(`${request.method} ${path}`);
        return front(request.method, path);
      },
    });
    const host = t;
    seedRules(host.host, [hostStormRule()]);
    const hour = 3_600_000;
    const w0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const at = (ms: number) => new Date(w0 + ms).toISOString();
    const notification = (group: number, status: 'firing' | 'resolved' = 'firing') => serviceGroupNotification({ alertname: 'HostStorm', group, status, startsAt: at(60_000), fingerprintBase: 0xd400 });
    await host.post([relayEvent(notification(1), at(121_000))]);
    await host.post([relayEvent(notification(2), at(122_000))]);
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'))!;
    // Group 3: the relay accepted its firing, then its resolve; the resolve is applied first (no issue, nothing to do).
    const firing = relayEvent(notification(3), at(123_000));
    await host.post([relayEvent(notification(3, 'resolved'), at(124_000))]);
    const texts = () => storm.comments.map((c) => adfToText(c.body));
    return { host, calls, storm, firing, texts };
  }

  it('no failure: both comments posted, no lookup', async () => {
    const { host, calls, storm, firing, texts } = await start(() => undefined);
    calls.length = 0;
    await host.post([firing]);
    expect(calls).toEqual([`POST /rest/api/3/issue/${storm.key}/comment`, `POST /rest/api/3/issue/${storm.key}/comment`]);
    expect(texts().slice(1).map((x) => x.slice(0, 24))).toEqual(['Rolled into this storm: ', 'Alert resolved: 0 firing']);
    expect(lineOf(host, firing.id)).toBe(`rolled into storm issue ${storm.key}`);
  });

  it('Jira fails the second comment (500): the retry finds the first, posts only the second', async () => {
    let armed = false;
    let posts = 0;
    const { host, calls, storm, firing, texts } = await start((method, path) => {
      if (!armed || method !== 'POST' || !path.endsWith('/comment')) return undefined;
      posts += 1;
      return posts === 2 ? Response.json({ errorMessages: ['Internal server error'] }, { status: 500 }) : undefined;
    });
    armed = true;
    await host.post([firing]);
    expect(host.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    expect(texts()).toHaveLength(2);

    calls.length = 0;
    await host.advance(30_000);
    expect(host.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(texts().slice(1).map((x) => x.slice(0, 24))).toEqual(['Rolled into this storm: ', 'Alert resolved: 0 firing']);
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('GET') && c.endsWith('/comment'))).toHaveLength(1);
    expect(calls.filter((c) => c.endsWith('/comment/list'))).toHaveLength(1);
    expect(lineOf(host, firing.id)).toBe(`rolled into storm issue ${storm.key}`);
  });
});

/**
 * Forge does not deliver a group's events in order: a newer notification of the group can be applied between a
 * crashed roll-in and its retry. The newer one (here: the group resolved) finds no issue and changes nothing in
 * Jira, but saves the record; it keeps the crashed delivery's marker, so the retry (now a late firing: rolled in,
 * then resolved) still finds its roll-in comment and posts only the resolve.
 */
describe('a crashed roll-in, then a newer notification of the group applied before its retry', () => {
  it('the retry finds its roll-in comment and posts only what is new', async () => {
    const { host, calls, at, notification, arm, crashed } = await startStormHost({ fingerprintBase: 0xd500 });
    await host.post([relayEvent(notification(1), at(121_000))]);
    await host.post([relayEvent(notification(2), at(122_000))]);
    const storm = issues(host.sim).find((i) => i.summary.startsWith('[Storm] Host storm'))!;
    const texts = () => storm.comments.map((c) => adfToText(c.body));

    arm();
    const firing = relayEvent(notification(3), at(123_000));
    await host.post([firing]);
    expect(crashed()).toBe(true);
    expect(host.host.queue.stats()).toMatchObject({ delayed: 1, retries: 1 });
    expect(texts().filter((x) => x.includes('svc-3'))).toHaveLength(1);

    // A second later (KVS answers again; the retry is due in 10 s), the group's resolve is applied first.
    await host.advance(1_500);
    const resolved = relayEvent(notification(3, 'resolved'), at(124_000));
    await host.post([resolved]);
    expect(lineOf(host, resolved.id)).toMatch(/^skipped because /);

    calls.length = 0;
    await host.advance(30_000);
    expect(host.host.queue.stats()).toMatchObject({ ready: 0, delayed: 0, failed: 0 });
    expect(texts().filter((x) => x.startsWith('Rolled into this storm: ') && x.includes('svc-3'))).toHaveLength(1);
    expect(texts().at(-1)?.slice(0, 24)).toBe('Alert resolved: 0 firing');
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/comment'))).toHaveLength(1);
    expect(lineOf(host, firing.id)).toBe(`rolled into storm issue ${storm.key}`);
  });
});
