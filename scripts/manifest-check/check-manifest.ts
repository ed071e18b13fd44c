import fs from 'node:fs';
import path from 'node:path';
import { checkHandlerExports, resolveHandlerFile, splitHandler, type FunctionDecl } from './handler-exports';
import { checkUnusedFunctions } from './function-usage';
import { checkResourceIcons } from './resource-icons';
import { checkPackageScopes, checkUnusedScopes, findPackageScopeUses } from './code-scopes';
import { collectBundleSources } from './source-graph';
import { locateJiraSwaggers } from './jira-spec';
import { loadManifest, runClientSideLinters } from './forge-packages';
import type { CheckReport, Finding } from './types';

export interface CheckOptions {
  /** Directory holding manifest.yml and src/. */
  appDir: string;
  /** Directory with the pinned Jira specs; defaults to ../shared/jira next to the project. */
  jiraSpecDir?: string;
  /** Runtimes to report as deprecated (a warning, as the Forge CLI does). */
  deprecatedRuntimes?: readonly string[];
}

const HANDLERS_DIR = 'src';

/** Both @forge packages resolve manifest.yml, tsconfig.json and sources from process.cwd(). */
async function withCwd<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(previous);
  }
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.severity}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function functionDecls(modules: Record<string, unknown>): FunctionDecl[] {
  const list = Array.isArray(modules.function) ? (modules.function as Array<Record<string, unknown>>) : [];
  return list.flatMap((f) => (typeof f.key === 'string' && typeof f.handler === 'string' ? [{ key: f.key, handler: f.handler }] : []));
}

function report(findings: readonly Finding[], jiraSpec: string, lintedFiles: string[]): CheckReport {
  const unique = dedupe(findings);
  const sorted = [...unique.filter((f) => f.severity === 'error'), ...unique.filter((f) => f.severity === 'warning')];
  return {
    findings: sorted,
    errorCount: sorted.filter((f) => f.severity === 'error').length,
    warningCount: sorted.filter((f) => f.severity === 'warning').length,
    jiraSpec,
    lintedFiles,
  };
}

/**
 * The offline equivalent of `forge lint`: @forge/manifest full validation, @forge/lint client-side linters
 * (Permission linter fed a local Jira spec), and the checks those packages leave out: handler exports,
 * unused functions, scopes needed by @forge/kvs, deprecated egress as an error, unused scopes.
 */
export async function checkManifest(options: CheckOptions): Promise<CheckReport> {
  const appDir = path.resolve(options.appDir);
  const swaggers = locateJiraSwaggers(options.jiraSpecDir);
  const forgeOpts = { swaggers, deprecatedRuntimes: options.deprecatedRuntimes ?? [] };
  if (!fs.existsSync(path.join(appDir, 'manifest.yml'))) {
    return report([{ severity: 'error', source: 'manifest', message: `no manifest.yml in ${appDir}` }], swaggers.description, []);
  }
  return withCwd(appDir, async () => {
    const load = await loadManifest(forgeOpts);
    if (!load.manifest) return report(load.findings, swaggers.description, []);
    const manifest = load.manifest;
    const modules = (manifest.modules ?? {}) as Record<string, unknown>;
    const functions = functionDecls(modules);
    const entries = functions.flatMap((f) => {
      const parts = splitHandler(f.handler);
      const file = parts && resolveHandlerFile(appDir, HANDLERS_DIR, parts.file);
      return file ? [file] : [];
    });
    const files = collectBundleSources(appDir, [...new Set(entries)]);
    const lint = await runClientSideLinters(manifest, files, forgeOpts);
    const declared = Array.isArray(manifest.permissions?.scopes) ? (manifest.permissions.scopes as string[]) : [];
    const packageUses = findPackageScopeUses(appDir, files);
    const required = new Set([...lint.requiredScopes, ...packageUses.map((u) => u.scope)]);
    const findings = [
      ...load.findings,
      ...lint.findings,
      ...checkHandlerExports(appDir, HANDLERS_DIR, functions),
      ...checkUnusedFunctions(modules),
      ...checkResourceIcons(appDir, modules, Array.isArray(manifest.resources) ? manifest.resources : []),
      ...checkPackageScopes(packageUses, declared),
      ...checkUnusedScopes(declared, required),
    ];
    return report(findings, swaggers.description, files);
  });
}
