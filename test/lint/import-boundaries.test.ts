/**
 * The import boundaries of eslint.config.mjs fire where they must, at every depth, and stay quiet on the
 * imports the layout allows. Each probe is linted in memory with the repo's config as if it lived at the given
 * path (ESLint's Node API, lintText with a filePath); no file is written.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface ProbeResult {
  readonly restricted: string[];
  readonly fatal: string[];
}

/** Lints every probe in one child process (./lint-probes.mjs); each probe imports one specifier. */
function lintProbes(probes: readonly Probe[]): ProbeResult[] {
  const input = probes.map(([file, specifier]) => ({ filePath: join(ROOT, file), code: `import { probe } from '${specifier}';\nexport const used = probe;\n` }));
  const output = execFileSync(process.execPath, [join(__dirname, 'lint-probes.mjs')], { cwd: ROOT, input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(output) as ProbeResult[];
}

type Probe = readonly [file: string, specifier: string];

const mustFire: Record<string, readonly Probe[]> = {
  'domain imports no adapters': [
    ['src/forge/domain/x.ts', '../adapters/jira-rest'],
    ['src/forge/domain/alerts/x.ts', '../../adapters/jira-rest'],
    ['src/forge/domain/alerts/deep/x.ts', '../../../adapters/jira-rest'],
  ],
  'domain imports no entry/': [
    ['src/forge/domain/x.ts', '../entry/consumer/alert-events'],
    ['src/forge/domain/incidents/x.ts', '../../entry/trigger/issue-updated'],
  ],
  'domain imports no ports, wiring or delivery log': [
    ['src/forge/domain/x.ts', '../ports/logger'],
    ['src/forge/domain/projects/x.ts', '../../ports/clock'],
    ['src/forge/domain/projects/x.ts', '../../wiring/platform'],
    ['src/forge/domain/alerts/x.ts', '../../delivery/delivery-log'],
  ],
  'domain imports no @forge/* and no node builtins': [
    ['src/forge/domain/alerts/x.ts', '@forge/api'],
    ['src/forge/domain/alerts/x.ts', '@forge/kvs'],
    ['src/forge/domain/alerts/x.ts', 'node:crypto'],
    ['src/forge/domain/alerts/x.ts', 'fs'],
    ['src/forge/domain/alerts/x.ts', 'fs/promises'],
    ['src/forge/domain/x.ts', 'http'],
  ],
  'nothing in src/forge but index.ts imports entry/': [
    ['src/forge/constants.ts', './entry/resolvers/contract'],
    ['src/forge/alerts/x.ts', '../entry/trigger/issue-updated'],
    ['src/forge/adapters/x.ts', '../entry/resolvers/incident-panel'],
    ['src/forge/incidents/deep/x.ts', '../../entry/consumer/retry-policy'],
    ['src/forge/wiring/x.ts', '../entry/resolvers/resolver-map'],
    ['src/forge/projects/x.ts', '../index'],
    ['src/forge/projects/x.ts', '..'],
  ],
  '@forge/* only in adapters/ and index.ts': [
    ['src/forge/projects/x.ts', '@forge/api'],
    ['src/forge/incidents/x.ts', '@forge/api'],
    ['src/forge/entry/resolvers/x.ts', '@forge/resolver'],
    ['src/forge/wiring/x.ts', '@forge/events'],
    ['src/forge/constants.ts', '@forge/kvs'],
    ['src/relay/x.ts', '@forge/api'],
    ['src/relay/routes/x.ts', '@forge/api'],
    ['src/shared/impact/x.ts', '@forge/api'],
    ['src/sandbox/forge-host/x.ts', '@forge/api'],
  ],
  'src/relay imports nothing from src/forge': [
    ['src/relay/x.ts', '../forge/constants'],
    ['src/relay/routes/x.ts', '../../forge/domain/alerts'],
    ['src/relay/outbox/deep/x.ts', '../../../forge/index'],
  ],
  'src/forge and src/relay import nothing from src/sandbox': [
    ['src/relay/x.ts', '../sandbox/jira-sim'],
    ['src/relay/routes/x.ts', '../../sandbox/impact-sim'],
    ['src/forge/index.ts', '../sandbox/sandbox'],
    ['src/forge/alerts/x.ts', '../../sandbox/jira-sim'],
    ['src/forge/adapters/x.ts', '../../sandbox/forge-host/host'],
    ['src/forge/domain/alerts/x.ts', '../../../sandbox/jira-sim'],
    ['src/forge/entry/consumer/x.ts', '../../../sandbox/jira-sim'],
  ],
  'src/forge and src/shared import nothing from src/relay': [
    ['src/forge/incidents/x.ts', '../../relay/config'],
    ['src/shared/x.ts', '../relay/config'],
    ['src/shared/impact/x.ts', '../../forge/constants'],
  ],
};

const allowed: readonly Probe[] = [
  ['src/forge/index.ts', './entry/consumer/process-queue-event'],
  ['src/forge/index.ts', '@forge/resolver'],
  ['src/forge/adapters/x.ts', '@forge/api'],
  ['src/forge/adapters/x.ts', '../ports/jira'],
  ['src/forge/entry/resolvers/x.ts', './admin-check'],
  ['src/forge/entry/resolvers/x.ts', '../consumer/process-queue-event'],
  ['src/forge/entry/consumer/x.ts', '../../alerts/apply-notification'],
  ['src/forge/alerts/x.ts', '../domain/alerts'],
  ['src/forge/alerts/x.ts', '../ports/jira'],
  ['src/forge/incidents/x.ts', '../delivery/delivery-log'],
  ['src/forge/wiring/x.ts', '../adapters/jira-rest'],
  ['src/forge/wiring/x.ts', 'node:crypto'],
  ['src/forge/domain/incidents/x.ts', '../alerts'],
  ['src/forge/domain/incidents/x.ts', '../../../shared/impact/incident'],
  ['src/forge/domain/alerts/x.ts', 'zod'],
  ['src/forge/domain/connection/x.ts', './relay-activity'],
  ['src/relay/x.ts', '../shared/relay-envelope'],
  ['src/relay/routes/x.ts', 'node:crypto'],
  ['src/sandbox/x.ts', '../forge/index'],
  ['src/sandbox/x.ts', '../relay/config'],
  ['static/shared/x.ts', '@forge/bridge'],
];

describe('import boundaries (eslint.config.mjs)', () => {
  const firing = Object.entries(mustFire).flatMap(([rule, probes]) => probes.map((probe) => ({ rule, probe })));
  let results: ProbeResult[] = [];
  beforeAll(() => {
    results = lintProbes([...firing.map((f) => f.probe), ...allowed]);
  });

  it('parses every probe', () => {
    expect(results).toHaveLength(firing.length + allowed.length);
    expect(results.flatMap((r) => r.fatal)).toEqual([]);
  });

  it.each(firing.map((f, i) => [f.rule, f.probe[0], f.probe[1], i] as const))('%s: %s importing %s is an error', (_rule, _file, _specifier, i) => {
    expect(results[i]?.restricted).toHaveLength(1);
  });

  it.each(allowed.map((p, i) => [p[0], p[1], firing.length + i] as const))('%s may import %s', (_file, _specifier, i) => {
    expect(results[i]?.restricted).toEqual([]);
  });
});
