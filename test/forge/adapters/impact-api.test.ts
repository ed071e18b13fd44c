/**
 * The app's Impact API adapter against the Impact simulator (in process, through the real Hono app): a
 * conditional write sends If-Match and a stale one comes back as a typed conflict naming Impact's version.
 */
import { createImpactApiPort } from '../../../src/forge/adapters/impact-api';
import { SecretKeys } from '../../../src/forge/constants';
import { describeImpactFailure, isRetryableImpactFailure } from '../../../src/forge/ports/impact';
import { testSim } from '../../sandbox/impact-sim/helpers';
import { BRIDGE_TOKEN, JANE } from '../../sandbox/impact-sim/helpers';
import { InMemoryStore } from '../../support/in-memory-store';

async function setup() {
  const sim = testSim();
  const secrets = new InMemoryStore();
  await secrets.setSecret(SecretKeys.impactApi, { baseUrl: 'http://impact.test', token: BRIDGE_TOKEN });
  const sent: Headers[] = [];
  const port = createImpactApiPort({
    secrets,
    env: {},
    clock: { now: () => 0 },
    fetch: async (url, init) => {
      sent.push(new Headers(init.headers));
      return sim.app.request(url, init);
    },
  });
  const id = sim.admin.createIncident({ title: 'Checkout 502s', priority: 2, commander: JANE }).incident.id;
  return { sim, port, id, sent };
}

describe('Impact API adapter: versions and conditional writes', () => {
  it('reads the version and writes on it with If-Match', async () => {
    const { port, id, sent } = await setup();
    const read = await port.getIncident(id);
    if (!read.ok) throw new Error(describeImpactFailure(read.failure));
    expect(read.value.version).toBe(1);
    const written = await port.updateIncident(id, { origin: 'incident-bridge', changes: { priority: 1 } }, { ifVersion: read.value.version });
    expect(written).toMatchObject({ ok: true, value: { priority: 1, version: 2 } });
    expect(sent.at(-1)?.get('if-match')).toBe('"1"');
    // Without ifVersion no precondition is sent (unconditional, as before).
    await port.updateIncident(id, { origin: 'incident-bridge', changes: { priority: 3 } });
    expect(sent.at(-1)?.has('if-match')).toBe(false);
  });

  it('surfaces a stale write as a typed, non-retryable conflict with the current version, and Impact keeps the newer value', async () => {
    const { sim, port, id } = await setup();
    sim.admin.updateIncident(id, { priority: 4, actor: JANE });
    const result = await port.updateIncident(id, { origin: 'incident-bridge', changes: { priority: 1 } }, { ifVersion: 1 });
    expect(result).toEqual({ ok: false, failure: { kind: 'conflict', currentVersion: 2, message: 'incident INC-1 is at version 2; If-Match named "1"' } });
    if (result.ok) throw new Error('expected a conflict');
    expect(isRetryableImpactFailure(result.failure)).toBe(false);
    expect(describeImpactFailure(result.failure)).toContain('version 2');
    expect(sim.store.get(id)?.priority).toBe(4);
  });

  it('keeps a 409 without current_version a refusal', async () => {
    const { sim, port, id } = await setup();
    sim.faults.inject('PATCH /api/v1/incidents/*', { kind: 'status', status: 409, body: { error: { code: 'conflict', message: 'incident is closed' } } });
    const result = await port.updateIncident(id, { origin: 'incident-bridge', changes: { priority: 1 } }, { ifVersion: 1 });
    expect(result).toEqual({ ok: false, failure: { kind: 'rejected', status: 409, code: 'conflict', messages: ['incident is closed'] } });
  });
});
