/** Short 429s waited out in place, for any port whose methods answer a JiraResult (here the incident sync's). */
import { briefRateLimitWaits, type BriefWaitOptions } from '../../../src/forge/adapters/jira-brief-waits';
import { createJiraIncidentPort } from '../../../src/forge/adapters/jira-incidents-rest';
import type { JiraResult } from '../../../src/forge/ports/jira';
import type { JiraIncidentPort } from '../../../src/forge/ports/jira-incidents';

const limited = (seconds: number): JiraResult<never> => ({ ok: false, failure: { kind: 'rate-limited', retryAfterSeconds: seconds, reason: 'jira-burst-based' } });
const ok = <T>(value: T): JiraResult<T> => ({ ok: true, value });

/** An incident port whose every method answers from one script and logs its name and arguments. */
function scriptedPort(script: JiraResult<unknown>[]): { port: JiraIncidentPort; calls: string[] } {
  const calls: string[] = [];
  let i = 0;
  const answer =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
      return script[Math.min(i++, script.length - 1)]!;
    };
  const names: (keyof JiraIncidentPort)[] = [
    'createIssue',
    'editIssue',
    'getIssueStatus',
    'getTransitions',
    'transitionIssue',
    'assignIssue',
    'getLinkTypes',
    'linkIssues',
    'getProjectStatuses',
    'searchUsers',
    'getUser',
  ];
  return { port: Object.fromEntries(names.map((n) => [n, answer(n)])) as unknown as JiraIncidentPort, calls };
}

/** Sleep that only advances a fake clock: no test here waits for real. */
function fakeTime(random = () => 0): BriefWaitOptions & { slept: number[]; now: () => number } {
  let now = 0;
  const slept: number[] = [];
  return {
    maxWaitSeconds: 2,
    budgetSeconds: 20,
    random,
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('brief waits for the incident sync’s Jira port', () => {
  it('wraps every method of the real incident adapter, and nothing else', () => {
    const real = createJiraIncidentPort({ now: () => 0 });
    expect(Object.keys(briefRateLimitWaits(fakeTime()).wrap(real)).sort()).toEqual(Object.keys(real).sort());
  });

  it('waits out a short 429 on any method and passes the arguments through unchanged', async () => {
    const time = fakeTime(() => 0.5);
    const { port, calls } = scriptedPort([limited(1), limited(2), ok(undefined)]);
    const jira = briefRateLimitWaits(time).wrap(port);
    expect(await jira.assignIssue('OPS-7', 'acc-1')).toEqual(ok(undefined));
    expect(calls).toEqual(['assignIssue("OPS-7","acc-1")', 'assignIssue("OPS-7","acc-1")', 'assignIssue("OPS-7","acc-1")']);
    // Retry-After in ms plus up to 250 ms of jitter (random 0.5 → 125 ms).
    expect(time.slept).toEqual([1125, 2125]);
    expect(time.now()).toBe(3250);
  });

  it('hands a long Retry-After, and other failures, straight back', async () => {
    const time = fakeTime();
    const long = scriptedPort([limited(30)]);
    expect(await briefRateLimitWaits(time).wrap(long.port).searchUsers('bob')).toEqual(limited(30));
    const down = scriptedPort([{ ok: false, failure: { kind: 'unavailable', status: 503, message: 'down' } }]);
    expect(await briefRateLimitWaits(time).wrap(down.port).editIssue('OPS-1', {})).toMatchObject({ ok: false, failure: { kind: 'unavailable' } });
    expect(long.calls).toHaveLength(1);
    expect(down.calls).toHaveLength(1);
    expect(time.slept).toEqual([]);
  });

  it('shares one budget between the ports of one invocation (alert and incident)', async () => {
    const time = { ...fakeTime(), budgetSeconds: 3 };
    const waits = briefRateLimitWaits(time);
    const incidents = waits.wrap(scriptedPort([limited(2), ok(undefined)]).port);
    const other = scriptedPort([limited(2)]);
    const alerts = waits.wrap(other.port);
    expect((await incidents.transitionIssue('OPS-1', '21')).ok).toBe(true);
    // 2 s of the 3 s are spent: the next 2 s wait does not fit, the 429 goes back to the caller.
    expect(await alerts.getTransitions('OPS-1')).toEqual(limited(2));
    expect(other.calls).toHaveLength(1);
    expect(time.slept).toEqual([2000]);
  });

  it('gives up when a storm outlasts the budget', async () => {
    const time = { ...fakeTime(), budgetSeconds: 5 };
    const storm = scriptedPort([limited(2)]);
    expect(await briefRateLimitWaits(time).wrap(storm.port).createIssue({}, [])).toEqual(limited(2));
    expect(storm.calls).toHaveLength(3);
    expect(time.slept).toEqual([2000, 2000]);
  });
});
