/** The Forge host's KVS write counter (added for the alert benchmarks' "KVS writes per alert"). */
import { join } from 'node:path';
import { kvs } from '@forge/kvs';
import { createForgeHost, type ForgeHost } from '../../../src/sandbox/forge-host';
import * as app from '../../../src/forge/index';

let host: ForgeHost;
beforeEach(() => {
  host = createForgeHost({ manifestPath: join(__dirname, '../../../manifest.yml'), handlers: app, databasePath: ':memory:' });
});
afterEach(() => host.close());

it('counts successful sets, batch sets and deletes, not conflicts or reads', async () => {
  await kvs.set('a', 1);
  await kvs.set('once', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
  await kvs.set('once', 2, { keyPolicy: 'FAIL_IF_EXISTS' }).catch(() => undefined);
  await kvs.batchSet([{ key: 'b', value: 1 }, { key: 'c', value: 2 }]);
  await kvs.get('a');
  await kvs.delete('a');
  await kvs.delete('missing');
  expect(host.kvs.writes()).toBe(5);
});
