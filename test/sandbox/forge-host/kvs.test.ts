import { kvs, WhereConditions, ForgeKvsAPIError, Filter, FilterConditions } from '@forge/kvs';
import { makeHost, type TestHost } from './helpers';

describe('forge host KVS through the real @forge/kvs', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(async () => {
    await t.host.close();
  });

  it('round-trips values, returns undefined for missing keys and deletes', async () => {
    await kvs.set('alpha', { n: 1, nested: { list: [1, 2] } });
    expect(await kvs.get('alpha')).toEqual({ n: 1, nested: { list: [1, 2] } });
    expect(await kvs.get('missing')).toBeUndefined();
    await kvs.delete('alpha');
    await kvs.delete('alpha'); // deleting a missing key is not an error
    expect(await kvs.get('alpha')).toBeUndefined();
    expect(t.host.kvs.count({ kind: 'kv' })).toBe(0);
  });

  it('expires values by the injected clock', async () => {
    await kvs.set('ttl-key', 'v', { ttl: { value: 30, unit: 'SECONDS' } });
    const withMeta = await kvs.get('ttl-key', { metadataFields: ['EXPIRE_TIME' as never] });
    expect(withMeta).toMatchObject({ key: 'ttl-key', value: 'v', expireTime: new Date(t.now() + 30_000).toISOString() });
    t.advance(29_999);
    expect(await kvs.get('ttl-key')).toBe('v');
    t.advance(1);
    expect(await kvs.get('ttl-key')).toBeUndefined();
  });

  it('surfaces FAIL_IF_EXISTS conflicts as ForgeKvsAPIError with status 409', async () => {
    await kvs.set('once', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
    const error: unknown = await kvs.set('once', 2, { keyPolicy: 'FAIL_IF_EXISTS' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeKvsAPIError);
    expect((error as ForgeKvsAPIError).responseDetails.status).toBe(409);
    expect((error as ForgeKvsAPIError).code).toBe('KEY_CONFLICT');
    expect(await kvs.get('once')).toBe(1);
  });

  it('returns previous and latest values on request', async () => {
    await kvs.set('rv', 'first');
    const previous = await kvs.set('rv', 'second', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' });
    expect(previous).toEqual({ key: 'rv', value: 'first' });
    const latest = await kvs.set('rv', 'third', { keyPolicy: 'OVERRIDE', returnValue: 'LATEST' });
    expect(latest).toEqual({ key: 'rv', value: 'third' });
  });

  it('pages a beginsWith query with cursors and skips other prefixes', async () => {
    for (let i = 0; i < 25; i += 1) await kvs.set(`evt:${String(i).padStart(2, '0')}`, i);
    await kvs.set('other:1', 'x');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      let q = kvs.query().where('key', WhereConditions.beginsWith('evt:')).limit(10);
      if (cursor) q = q.cursor(cursor);
      const page = await q.getMany();
      seen.push(...page.results.map((r) => r.key));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `evt:${String(i).padStart(2, '0')}`));
  });

  it('rejects query limits above 20 and invalid keys the way the service does', async () => {
    await expect(kvs.query().where('key', WhereConditions.beginsWith('a')).limit(21).getMany()).rejects.toMatchObject({ code: 'LIST_QUERY_LIMIT_EXCEEDED' });
    await expect(kvs.set('bad/key', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(kvs.set('   ', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(kvs.set('k'.repeat(501), 1)).rejects.toMatchObject({ code: 'KEY_TOO_LONG' });
    await expect(kvs.set('big', 'x'.repeat(240 * 1024))).rejects.toMatchObject({ code: 'MAX_SIZE' });
    await kvs.set('k'.repeat(500), 1);
  });

  it('keeps secrets apart from plain keys', async () => {
    await kvs.setSecret('token', { secret: 's3cr3t' });
    expect(await kvs.getSecret('token')).toEqual({ secret: 's3cr3t' });
    expect(await kvs.get('token')).toBeUndefined();
    await kvs.deleteSecret('token');
    expect(await kvs.getSecret('token')).toBeUndefined();
  });

  it('supports batch operations, custom entities and conditional transactions', async () => {
    const batch = await kvs.batchSet([
      { key: 'b1', value: 1 },
      { key: 'bad/key', value: 2 },
    ]);
    expect(batch.successfulKeys).toEqual([{ key: 'b1' }]);
    expect(batch.failedKeys[0]).toMatchObject({ key: 'bad/key', error: { code: 'INVALID_KEY' } });
    await kvs.entity<{ v: number }>('counter').set('c', { v: 1 });
    expect(await kvs.entity<{ v: number }>('counter').get('c')).toEqual({ v: 1 });
    const cond = (v: number) => ({ entityName: 'counter', conditions: new Filter<{ v: number }>().and('v', FilterConditions.equalTo(v)) });
    await kvs.transact().set('c', { v: 2 }, cond(1)).execute();
    await expect(kvs.transact().set('c', { v: 3 }, cond(1)).execute()).rejects.toMatchObject({ code: 'CONDITIONAL_CHECK_FAILED' });
    expect(await kvs.entity<{ v: number }>('counter').get('c')).toEqual({ v: 2 });
  });

  it('persists to a SQLite file across host instances', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'forge-host-')), 'host.db');
    await t.host.close();
    t = makeHost({ databasePath: file });
    await kvs.set('durable', { ok: true });
    await t.host.close();
    t = makeHost({ databasePath: file });
    expect(await kvs.get('durable')).toEqual({ ok: true });
  });
});
