/** Jira response mapping (the closed failure union) and the in-invocation wait for short burst 429s. */
import { failureOf, jiraMessages, retryAfterSeconds } from '../../../src/forge/adapters/jira-response';
import { briefRateLimitWaits } from '../../../src/forge/adapters/jira-brief-waits';
import { problemKeyJql } from '../../../src/forge/adapters/jira-rest';
import type { JiraPort, JiraResult } from '../../../src/forge/ports/jira';

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });

describe('Jira response mapping', () => {
  it('maps statuses to the four failure kinds with Jira’s own words', async () => {
    expect(await failureOf(response(429, { errorMessages: ['Rate limit exceeded.'] }, { 'Retry-After': '3', 'RateLimit-Reason': 'jira-burst-based' }), 0)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 3, reason: 'jira-burst-based' });
    expect(await failureOf(response(503, { errorMessages: ['down'] }), 0)).toEqual({ kind: 'unavailable', status: 503, message: 'down' });
    expect(await failureOf(response(503, '', { 'Retry-After': '7' }), 0)).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
    expect(await failureOf(response(404, { errorMessages: ['Issue does not exist'] }), 0)).toEqual({ kind: 'not-found', message: 'Issue does not exist' });
    expect(await failureOf(response(400, { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } }), 0)).toEqual({ kind: 'rejected', status: 400, jiraMessages: ['project: Specify a valid project ID or key'] });
    expect(await failureOf(response(403, 'plain text'), 0)).toEqual({ kind: 'rejected', status: 403, jiraMessages: ['plain text'] });
  });

  it('reads Retry-After as seconds or an HTTP date, at least 1 s, default 10 s', () => {
    expect(retryAfterSeconds('0', 0)).toBe(1);
    expect(retryAfterSeconds('2.2', 0)).toBe(3);
    expect(retryAfterSeconds(new Date(30_000).toUTCString(), 0)).toBe(30);
    expect(retryAfterSeconds(null, 0)).toBe(10);
    expect(retryAfterSeconds('soon', 0)).toBe(10);
    expect(jiraMessages('{"errorMessages":["a"],"errors":{"f":"b"}}')).toEqual(['a', 'f: b']);
  });

  it('quotes the problem key in the entity-property JQL', () => {
    expect(problemKeyJql('am:fp:ab"c')).toBe('issue.property[incident-bridge-problem].problemKey = "am:fp:ab\\"c" ORDER BY created DESC');
  });
});

describe('brief waits for burst 429s', () => {
  const limited = (seconds: number): JiraResult<{ id: string }> => ({ ok: false, failure: { kind: 'rate-limited', retryAfterSeconds: seconds, reason: 'jira-burst-based' } });

  function portAnswering(answers: JiraResult<{ id: string }>[]): { port: JiraPort; calls: () => number } {
    let calls = 0;
    const next = async () => answers[Math.min(calls++, answers.length - 1)]!;
    const port = { addComment: next } as unknown as JiraPort;
    return { port, calls: () => calls };
  }

  it('waits a short Retry-After in place and tries again', async () => {
    const slept: number[] = [];
    const { port, calls } = portAnswering([limited(1), { ok: true, value: { id: '1' } }]);
    const wrapped = briefRateLimitWaits({ maxWaitSeconds: 2, budgetSeconds: 20, sleep: async (ms) => void slept.push(ms), random: () => 0 }).wrap(port);
    expect(await wrapped.addComment('OPS-1', { type: 'doc', version: 1, content: [] })).toEqual({ ok: true, value: { id: '1' } });
    expect(calls()).toBe(2);
    expect(slept).toEqual([1000]);
  });

  it('hands long waits, and anything past the budget, back to the caller', async () => {
    const long = portAnswering([limited(30)]);
    const noSleep = { maxWaitSeconds: 2, budgetSeconds: 3, sleep: async () => undefined, random: () => 0 };
    expect(await briefRateLimitWaits(noSleep).wrap(long.port).addComment('OPS-1', { type: 'doc', version: 1, content: [] })).toEqual(limited(30));
    expect(long.calls()).toBe(1);
    const storm = portAnswering([limited(1)]);
    expect(await briefRateLimitWaits(noSleep).wrap(storm.port).addComment('OPS-1', { type: 'doc', version: 1, content: [] })).toEqual(limited(1));
    expect(storm.calls()).toBe(4);
  });
});
