import { Invoker } from '../../../src/sandbox/forge-host/invoker';
import { InvocationLog } from '../../../src/sandbox/forge-host/invocation-log';
import { loadManifest } from '../../../src/sandbox/forge-host/manifest';
import { InvocationContext } from '../../../src/sandbox/forge-host/runtime-context';
import * as fixtureApp from './fixtures/app';
import { FIXTURE_MANIFEST } from './helpers';

function invoker(limits = {}): Invoker {
  return new Invoker({ manifest: loadManifest(FIXTURE_MANIFEST), handlers: fixtureApp, context: new InvocationContext(), log: new InvocationLog(), clock: () => 0, monotonicNow: () => 0, limits });
}

describe('invocation time limits', () => {
  it.each([
    ['webhook-fn', 'webtrigger', 55_000],
    ['issue-fn', 'trigger', 25_000],
    ['resolver-fn', 'resolver', 25_000],
    ['consumer-fn', 'consumer', 120_000], // timeoutSeconds applies: used only by a consumer
    ['sched-fn', 'scheduledTrigger', 300_000],
  ] as const)('%s as %s gets %i ms', (fn, kind, ms) => {
    expect(invoker().limitFor(fn, kind)).toBe(ms);
  });

  it('falls back to 55 s for async use of a function that other modules share', () => {
    expect(invoker().limitFor('webhook-fn', 'consumer')).toBe(55_000);
  });

  it('honours overrides', () => {
    expect(invoker({ defaultMs: 5, webTriggerMs: 6, asyncMs: 7 }).limitFor('consumer-fn', 'consumer')).toBe(7);
    expect(invoker({ defaultMs: 5 }).limitFor('issue-fn', 'trigger')).toBe(5);
  });
});
