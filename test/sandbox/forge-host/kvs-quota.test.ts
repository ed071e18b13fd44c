import { kvs, ForgeKvsAPIError } from '@forge/kvs';
import { KVS_QUOTA, KvsQuota, unitsOf } from '../../../src/sandbox/forge-host/kvs-quota';
import { makeHost, type TestHost } from './helpers';

describe('KVS quotas per installation through the real @forge/kvs', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(async () => {
    await t.host.close();
  });

  it('refuses the 4,001st write unit of a minute with 429 RATE_LIMIT_EXCEEDED, and admits again a minute later', async () => {
    // 1,000 requests/s also applies: spread the writes over 4 s of the injected clock.
    for (let i = 0; i < 4_000; i += 1) {
      if (i % 1_000 === 999) t.advance(1_000);
      await kvs.set(`k${i % 10}`, i);
    }
    const refused = await kvs.set('one-more', 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForgeKvsAPIError);
    expect(refused).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', responseDetails: { status: 429 } });
    // Reads have their own budget.
    expect(await kvs.get('k1')).toBe(3991);
    t.advance(60_000);
    await kvs.set('one-more', 1);
    expect(t.host.kvsQuota?.rejections()).toBe(1);
  });

  it('counts a write by its size in 10 KB units', async () => {
    expect(unitsOf(1)).toBe(1);
    expect(unitsOf(65 * 1024)).toBe(7);
    for (let i = 0; i < 571; i += 1) await kvs.set('big', 'x'.repeat(65 * 1024)); // 571 × 7 = 3,997 units
    await kvs.set('small', 1); // 3,998: one small write still fits, a 7-unit one does not
    await expect(kvs.set('big', 'x'.repeat(65 * 1024))).rejects.toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
  });

  it('refuses the 1,001st request within one second', () => {
    let now = 0;
    const quota = new KvsQuota(() => now);
    for (let i = 0; i < KVS_QUOTA.requestsPerSecond; i += 1) expect(quota.admit('read', 1)).toBe(true);
    expect(quota.admit('read', 1)).toBe(false);
    now += 1_000;
    expect(quota.admit('write', 1)).toBe(true);
  });

  it('can be turned off', async () => {
    await t.host.close();
    t = makeHost({ kvsQuota: false });
    expect(t.host.kvsQuota).toBeUndefined();
    for (let i = 0; i < 4_100; i += 1) await kvs.set('k', i);
  });
});
