import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkManifest, formatReport, installNetworkGuard, type CheckReport, type NetworkGuard } from '../../scripts/manifest-check';
import { makeApp, PROJECT_ROOT, type FixtureOptions } from './fixture-app';

// The first check compiles @forge/manifest's JSON schema several times (~20 s on 2 cores); later ones reuse it.
jest.setTimeout(120_000);

let guard: NetworkGuard;
const dirs: string[] = [];

async function check(options: FixtureOptions = {}): Promise<CheckReport> {
  const dir = makeApp(options);
  dirs.push(dir);
  return checkManifest({ appDir: dir });
}

const errors = (r: CheckReport) => r.findings.filter((f) => f.severity === 'error').map((f) => f.message);

function expectError(r: CheckReport, pattern: RegExp): void {
  expect(r.errorCount).toBeGreaterThan(0);
  expect(errors(r)).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
  expect(formatReport(r)).toMatch(/forge-validate: FAILED$/);
}

describe('offline manifest check', () => {
  // Installed for every check below; the last test asserts nothing tried to connect anywhere.
  beforeAll(() => {
    guard = installNetworkGuard();
  });

  afterAll(() => {
    guard.uninstall();
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it('passes a correct app with no findings at all, reading the bundled sources', async () => {
    const r = await check();
    expect(r.findings).toEqual([]);
    expect(r.lintedFiles).toEqual(['src/forge/index.ts', 'src/forge/jira.ts']);
    expect(formatReport(r)).toMatch(/forge-validate: OK$/);
  });

  it('fails on an unsupported runtime', async () => {
    expectError(await check({ editManifest: (m) => void (m.app.runtime.name = 'nodejs18.x') }), /nodejs20\.x/);
  });

  it('fails when a handler export is missing from src/forge/index.ts', async () => {
    const r = await check({ files: { 'src/forge/index.ts': 'export const ingestWebTrigger = 1;\nexport function processQueueEvent() {}\nexport { a as onIssueUpdated };\nconst a = 1;\nexport const runScheduledSync = 1;\nexport type resolver = string;\n' } });
    expectError(r, /does not export "resolver"/);
    expectError(r, /Cannot find exported function "resolver"/);
    expect(errors(r).join('\n')).not.toMatch(/onIssueUpdated|processQueueEvent|runScheduledSync|ingestWebTrigger/);
  });

  it('fails when a handler file is missing', async () => {
    const r = await check({ editManifest: (m) => void (m.modules.function[0]!.handler = 'forge/ingest.ingestWebTrigger') });
    expectError(r, /forge\/ingest\.ingestWebTrigger.*does not exist/);
  });

  it('fails on a missing resource path', async () => {
    expectError(await check({ editManifest: (m) => void (m.resources[0]!.path = 'static/nowhere') }), /static\/nowhere/);
  });

  it('fails on a Custom UI resource directory without index.html', async () => {
    expectError(await check({ files: { 'static/settings/index.html': null, 'static/settings/app.js': '1' } }), /missing index\.html.*static\/settings/);
  });

  it('fails when the issue panel icon file is missing', async () => {
    expectError(await check({ files: { 'static/panel/icon.svg': null } }), /icon "resource:panel-ui;icon\.svg".*does not exist/);
  });

  it('fails when the code calls a Jira write API and write:jira-work is absent', async () => {
    const r = await check({ editManifest: (m) => void (m.permissions.scopes = ['read:jira-work', 'storage:app']) });
    expectError(r, /POST \/rest\/api\/3\/issue\/\{issueIdOrKey\}\/comment requires "write:jira-work"/);
  });

  it('fails when a Jira read call in an imported module lacks read:jira-work', async () => {
    const r = await check({ editManifest: (m) => void (m.permissions.scopes = ['write:jira-work', 'storage:app']) });
    expectError(r, /src\/forge\/jira\.ts:2 .*GET \/rest\/api\/3\/issue\/\{issueIdOrKey\} requires "read:jira-work"/);
  });

  it('fails when @forge/kvs is used without storage:app', async () => {
    const r = await check({ editManifest: (m) => void (m.permissions.scopes = ['read:jira-work', 'write:jira-work']) });
    expectError(r, /uses @forge\/kvs, which needs scope "storage:app"/);
  });

  it('fails on an unknown scope', async () => {
    expectError(await check({ editManifest: (m) => m.permissions.scopes.push('write:jira-everything') }), /write:jira-everything/);
  });

  it('warns about a declared scope no call needs (least privilege)', async () => {
    const r = await check({ editManifest: (m) => m.permissions.scopes.push('manage:jira-project') });
    expect(r.errorCount).toBe(0);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/scope "manage:jira-project" is declared but no call/)]);
  });

  it('fails on a function key no module uses', async () => {
    const r = await check({ editManifest: (m) => m.modules.function.push({ key: 'orphan-fn', handler: 'forge/index.resolver' }) });
    expectError(r, /function "orphan-fn" is not used by any module/);
  });

  it('fails on a module pointing at a missing function', async () => {
    expectError(await check({ editManifest: (m) => void (m.modules.webtrigger[0]!.function = 'missing-fn') }), /missing-fn/);
  });

  it('fails on egress backend given as a plain string (deprecated)', async () => {
    const r = await check({ editManifest: (m) => void (m.permissions.external = { fetch: { backend: ['https://relay.example.com'] } }) });
    expectError(r, /deprecated|egress/i);
  });

  it('accepts egress backend in the {address} form', async () => {
    const r = await check({ editManifest: (m) => void (m.permissions.external = { fetch: { backend: [{ address: 'https://relay.example.com' }] } }) });
    expect(r.errorCount).toBe(0);
  });

  it('applies the FunctionTimeout rule: a web trigger function may not set a long timeout', async () => {
    const r = await check({ editManifest: (m) => void (m.modules.function[0]!.timeoutSeconds = 300) });
    expectError(r, /ingest-fn/);
    expect(r.findings.find((f) => /ingest-fn/.test(f.message))?.source).toBe('FunctionTimeoutLinter');
  });

  it('applies the FunctionTimeout rule: a long-timeout consumer function shared with a UI module', async () => {
    const r = await check({ editManifest: (m) => void (m.modules['jira:issuePanel'][0]!.resolver.function = 'consumer-fn') });
    expectError(r, /consumer-fn/);
  });

  it('passes on the real project (manifest.yml, src/forge, static/)', async () => {
    const r = await checkManifest({ appDir: PROJECT_ROOT });
    expect(errors(r)).toEqual([]);
    expect(r.lintedFiles).toContain('src/forge/index.ts');
    expect(r.jiraSpec).toMatch(/pinned spec|committed extract/);
  });

  it('made no outbound connection during any of the checks above', () => {
    expect(guard.attempts).toEqual([]);
  });
});

describe('network guard', () => {
  it('blocks and records fetch and http connections to a live loopback server', async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => void connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = installNetworkGuard();
    try {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) => http.get(`http://127.0.0.1:${port}/`, resolve).on('error', reject)),
      ).rejects.toThrow(/offline/);
      expect(probe.attempts.filter((a) => a.includes(`127.0.0.1:${port}`)).length).toBeGreaterThanOrEqual(2);
    } finally {
      probe.uninstall();
    }
    // Uninstalled: the same server is reachable again, and it never saw the blocked attempts.
    expect(connections).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
