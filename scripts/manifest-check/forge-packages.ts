import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripAnsi } from './ansi';
import { ProcessorBuilder, ValidationTypes, type ManifestSchema } from '@forge/manifest';
import { getClientSideLintersOnly, parseSourceFile, tsParser, type LintInput, type LintResult } from '@forge/lint';
import { PermissionLinter } from '@forge/lint/out/lint/linters/permission-linter/permission-linter';
import { CachedConf, type StatsigService } from '@forge/cli-shared';
import type { Finding } from './types';
import { shareSchemaCompilation } from './shared-schema-compile';
import type { JiraSwaggerFiles } from './jira-spec';

/**
 * Runs @forge/manifest's full validation and @forge/lint's client-side linters with no login and no network.
 * Both packages read manifest.yml, tsconfig.json and sources relative to process.cwd(), so the caller runs this
 * with cwd = the app dir (see withCwd in check-manifest.ts).
 */

const LINT_ENVIRONMENT = 'development';

export interface ForgeRunOptions {
  swaggers: JiraSwaggerFiles;
  /** Runtimes the Forge CLI would flag as deprecated (normally fetched from Statsig). */
  deprecatedRuntimes: readonly string[];
}

export interface ManifestLoad {
  manifest: ManifestSchema | null;
  findings: Finding[];
}

/** References of @forge/* findings we fail on although the package only warns. */
const ESCALATE_REFERENCES = new Set(['valid-module-required']);

function lintOptions(opts: ForgeRunOptions) {
  return { deprecatedRuntimes: [...opts.deprecatedRuntimes] };
}

/** The same cached processor FullManifestLinter uses (same options → one schema compile per process). */
export async function loadManifest(opts: ForgeRunOptions): Promise<ManifestLoad> {
  shareSchemaCompilation();
  const result = await ProcessorBuilder.instance().withValidation(ValidationTypes.FULL).withOptions(lintOptions(opts)).build().process();
  const typed = (result.manifestObject as { typedContent?: ManifestSchema } | undefined)?.typedContent ?? null;
  const findings: Finding[] = (result.errors ?? []).map((e) => ({
    severity: e.level === 'warning' ? 'warning' : 'error',
    source: 'manifest',
    message: stripAnsi(e.message),
    ...(e.line ? { line: e.line } : {}),
  }));
  return { manifest: typed, findings };
}

/** Env the Permission linter reads: with all seven set it reads files instead of downloading swaggers. */
function swaggerEnv(swaggers: JiraSwaggerFiles, emptySwagger: string): Record<string, string> {
  return {
    USE_LOCAL_SWAGGER: 'true',
    LOCAL_JIRA_SWAGGER: swaggers.platform,
    LOCAL_JSW_SWAGGER: swaggers.software ?? emptySwagger,
    LOCAL_JSM_SWAGGER: emptySwagger,
    LOCAL_CONF_SWAGGER: emptySwagger,
    LOCAL_CONF_V2_SWAGGER: emptySwagger,
    LOCAL_BB_SWAGGER: emptySwagger,
  };
}

/** Sets the swagger env and an in-memory linter cache (instead of ~/.config) for the duration of fn. */
async function withOfflineLinters<T>(swaggers: JiraSwaggerFiles, fn: () => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-validate-'));
  const emptySwagger = path.join(dir, 'empty-swagger.json');
  fs.writeFileSync(emptySwagger, JSON.stringify({ paths: {} }));
  const env = swaggerEnv(swaggers, emptySwagger);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const originalGetCache = CachedConf.getCache;
  Object.assign(process.env, env);
  CachedConf.getCache = () => CachedConf.memoryCache();
  try {
    return await fn();
  } finally {
    CachedConf.getCache = originalGetCache;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const statsigStub = (opts: ForgeRunOptions): StatsigService =>
  ({ getDeprecatedRuntimes: async () => [...opts.deprecatedRuntimes] }) as Pick<StatsigService, 'getDeprecatedRuntimes'> as StatsigService;

/**
 * Parses sources without the project's tsconfig: @forge/lint's own `lint()` skips every .ts file unless
 * tsconfig's include lists it file by file (ours lists directories), and type-aware parsing would fail on
 * unrelated type errors. Syntax errors still throw.
 */
// `tsconfigRootDir` is the key typescript-estree reads (the package's ParseOptions type spells it differently).
const NO_TSCONFIG = { project: undefined, tsconfigRootDir: undefined } as Parameters<typeof tsParser>[2];

async function parseSources(files: readonly string[]): Promise<LintInput[]> {
  return Promise.all(files.map((f) => parseSourceFile(f, (code, filepath) => tsParser(code, filepath, NO_TSCONFIG))));
}

function toFindings(results: readonly LintResult[], linterName: (r: LintResult) => string): Finding[] {
  const out: Finding[] = [];
  for (const r of results) {
    const file = r.file === 'manifest.yml' ? undefined : r.file;
    const add = (severity: Finding['severity'], rule: { message: string; reference: string; line: number }) =>
      out.push({
        severity: severity === 'warning' && ESCALATE_REFERENCES.has(rule.reference) ? 'error' : severity,
        source: linterName(r),
        message: stripAnsi(file && rule.line ? `${file}:${rule.line} ${rule.message}` : rule.message),
        ...(rule.line ? { line: rule.line } : {}),
        ...(file ? { file } : {}),
      });
    r.errors.forEach((e) => add('error', e));
    r.warnings.forEach((w) => add(hasDeprecatedEgress(w.metadata) ? 'error' : 'warning', w));
    r.approvals.forEach((a) => add('error', a));
  }
  return out;
}

function hasDeprecatedEgress(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.hasDeprecatedEgressPermissions === true;
}

export interface LintRun {
  findings: Finding[];
  /** Scopes the Permission linter says the sources need, computed against a copy of the manifest with none. */
  requiredScopes: Set<string>;
}

export async function runClientSideLinters(manifest: ManifestSchema, files: readonly string[], opts: ForgeRunOptions): Promise<LintRun> {
  return withOfflineLinters(opts.swaggers, async () => {
    const logged: string[] = [];
    const logger = { info: (msg: string) => void logged.push(stripAnsi(String(msg)).trim()) };
    const linters = await getClientSideLintersOnly(manifest, LINT_ENVIRONMENT, logger, statsigStub(opts));
    const withoutScopes = { ...manifest, permissions: { ...manifest.permissions, scopes: [] } } as ManifestSchema;
    const scopeProbe = new PermissionLinter(LINT_ENVIRONMENT, withoutScopes, logger);
    const inputs = await parseSources(files);
    const all = [...linters, scopeProbe];
    await Promise.all(all.map((l) => l.bootstrap()));
    const names = new Map<LintResult, string>();
    const results: LintResult[] = [];
    for (const linter of linters) {
      for (const r of await linter.batchExecute(inputs)) {
        names.set(r, linter.constructor.name);
        results.push(r);
      }
    }
    const requiredScopes = new Set<string>();
    for (const r of await scopeProbe.batchExecute(inputs)) {
      for (const rule of [...r.errors, ...r.warnings]) {
        const scope = rule.metadata?.missingPermission;
        if (typeof scope === 'string') requiredScopes.add(scope);
      }
    }
    const findings = toFindings(results, (r) => names.get(r) ?? 'lint');
    // AbstractLinter swallows exceptions and only logs them: a linter that could not run is a failure here.
    for (const msg of logged) findings.push({ severity: /could not perform/i.test(msg) ? 'error' : 'warning', source: 'lint', message: msg });
    return { findings, requiredScopes };
  });
}
