import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '../..');

const BUILD_LOCK = join(ROOT, 'static/.build-lock');
const BUILD_WAIT_MS = 180_000;

const uiBuilt = (): boolean => ['settings', 'panel'].every((app) => existsSync(join(ROOT, 'static', app, 'build')) && existsSync(join(ROOT, 'static', app, 'index.html')));

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The pages are served from static/<app>/: build them when the output is missing (npm test builds first).
 * Suites run in parallel workers, so one builds under a lock directory and the others wait for it: no suite
 * depends on another having run first, and no build wipes bundles another suite is serving.
 */
export function ensureUiBuilt(): void {
  if (uiBuilt()) return;
  try {
    mkdirSync(BUILD_LOCK);
  } catch {
    // A lock older than the wait is left by a killed run; otherwise another suite is building.
    if (Date.now() - statSync(BUILD_LOCK).mtimeMs > BUILD_WAIT_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
    const deadline = Date.now() + BUILD_WAIT_MS;
    while (existsSync(BUILD_LOCK) && Date.now() < deadline) sleepSync(200);
    if (uiBuilt()) return;
    return ensureUiBuilt();
  }
  try {
    execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** Installs Chromium through the project's system package script when missing; never skips. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execFileSync('bash', [join(ROOT, 'scripts/ensure-system-packages.sh')], { stdio: 'inherit' });
}

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'bridge-ui-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
