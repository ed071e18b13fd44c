/** The queue retry of a job that failed on Impact: the same delays and reasons as a Jira failure's. */
import { impactRetryRequest, retryRequest } from '../../../src/forge/delivery/retry-policy';
import { incidentGroupKey } from '../../../src/shared/impact';

const fixed = (value: number) => () => value;

test('an Impact rate limit honours Retry-After like Jira\'s and asks for an upstream-rate-limited retry', () => {
  const retry = impactRetryRequest({ kind: 'rate-limited', retryAfterSeconds: 30 }, 2, fixed(0));
  expect(retry).toEqual({ retryAfterSeconds: 30, reason: 'upstream-rate-limited', retryData: { done: [] } });
  expect(retry).toEqual(retryRequest({ kind: 'rate-limited', retryAfterSeconds: 30, reason: undefined }, 2, new Set(), fixed(0)));
  expect(impactRetryRequest({ kind: 'rate-limited', retryAfterSeconds: 30 }, 2, fixed(0.999)).retryAfterSeconds).toBe(40);
});

test('an Impact outage backs off exponentially like a Jira outage', () => {
  const delays = [0, 1, 2, 3].map((n) => impactRetryRequest({ kind: 'unavailable', status: 503, message: 'down' }, n, fixed(0)));
  expect(delays.map((d) => d.retryAfterSeconds)).toEqual([3, 5, 10, 20]);
  expect(delays.every((d) => d.reason === 'retry' && d.retryData.done.length === 0)).toBe(true);
  expect(delays[3]).toEqual(retryRequest({ kind: 'unavailable', status: undefined, message: '' }, 3, new Set(), fixed(0)));
});

test('an incident\'s lane is the relay\'s group key of its Impact webhooks', () => {
  expect(incidentGroupKey('INC-900')).toBe('impact:INC-900');
});
