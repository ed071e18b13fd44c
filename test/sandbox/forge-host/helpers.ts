import { join } from 'node:path';
import { Hono } from 'hono';
import { createForgeHost, type ForgeHost, type ForgeHostOptions } from '../../../src/sandbox/forge-host';
import * as fixtureApp from './fixtures/app';

export const FIXTURE_MANIFEST = join(__dirname, 'fixtures', 'manifest.yml');

export interface TestHost {
  readonly host: ForgeHost;
  readonly advance: (ms: number) => void;
  readonly now: () => number;
}

export function makeHost(overrides: Partial<ForgeHostOptions> = {}): TestHost {
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  fixtureApp.probe.reset();
  const host = createForgeHost({
    manifestPath: FIXTURE_MANIFEST,
    handlers: fixtureApp,
    databasePath: ':memory:',
    clock: () => now,
    appAccountId: 'app-account-1',
    defaultUserAccountId: 'user-default',
    ...overrides,
  });
  return { host, advance: (ms) => void (now += ms), now: () => now };
}

/** A tiny in-process Jira: echoes who called and what. */
export function fakeJira(): { app: Hono; calls: { method: string; path: string; actor: string | undefined }[] } {
  const calls: { method: string; path: string; actor: string | undefined }[] = [];
  const app = new Hono();
  app.all('*', (c) => {
    const actor = c.req.header('x-forge-sim-actor');
    calls.push({ method: c.req.method, path: c.req.path, actor });
    return c.json({ method: c.req.method, path: c.req.path, actor });
  });
  return { app, calls };
}
