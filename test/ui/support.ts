/**
 * What every browser suite shares: the UI bundle and Chromium, a browser and a sandbox for the whole suite,
 * pages opened on the Forge host, the resolver responses the pages received (for the secret scans),
 * screenshots and the axe check.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { ImpactSimulator } from '../../src/sandbox/impact-sim';
import { SANDBOX_USERS } from '../../src/sandbox/jira-sim';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { impactSandboxForSuite } from '../support/impact-sandbox';
import { ensureChromium, ensureUiBuilt, launchBrowser, type TestBrowser } from './browser';

const SCREENSHOTS = join(__dirname, '../../test-results/screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface BrowserSuiteOptions {
  /** Playwright's default timeout for each opened page; Playwright's own default when absent. */
  readonly pageTimeoutMs?: number;
}

export interface BrowserSuite {
  /** The running sandbox; only inside hooks and tests (it starts in beforeAll). */
  readonly sandbox: Sandbox;
  readonly impact: ImpactSimulator;
  readonly context: BrowserContext;
  /** Every body the pages received from the Forge host's /api/invoke/ endpoints, in arrival order. */
  readonly resolverResponses: readonly string[];
  /** A new page at this path of the Forge host (e.g. `/static/settings-ui/?user=alice`). */
  open(path: string): Promise<Page>;
  /** A new page `width` px wide at this path, collecting console errors and uncaught exceptions from the first byte. */
  openAt(path: string, width: number): Promise<{ page: Page; errors: string[] }>;
  /** Calls a settings-page resolver (on OPS) as `user`, alice (admin of OPS) by default, over HTTP and returns its `result`. */
  invokeSettings<T = unknown>(functionKey: string, payload?: Record<string, unknown>, user?: keyof typeof SANDBOX_USERS): Promise<T>;
  /** Calls an issue panel resolver on `issueKey` as `user` over HTTP and returns its `result`. */
  invokePanel<T = unknown>(functionKey: string, issueKey: string, user: keyof typeof SANDBOX_USERS, payload?: Record<string, unknown>): Promise<T>;
  /**
   * Saves a screenshot as test-results/screenshots/<suite>/<fileName>, <suite> being the test file's name
   * without `.test.ts`, so no two suites write the same file.
   */
  screenshot(page: Page, fileName: string, options?: { fullPage?: boolean }): Promise<void>;
}

/** Registers the beforeAll/afterAll that start and close the suite's browser and sandbox; call at the top of a test file. */
export function browserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  let browser: TestBrowser | undefined;
  const resolverResponses: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    ensureChromium();
    browser = await launchBrowser();
    browser.context.on('response', (response) => {
      if (response.url().includes('/api/invoke/')) response.text().then((t) => resolverResponses.push(t), () => undefined);
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  // Registered after the browser's hooks, so (jest runs afterAll hooks in order) the browser closes first.
  const env = impactSandboxForSuite();

  const context = (): BrowserContext => {
    if (!browser) throw new Error('the suite browser is not running (use it inside hooks and tests)');
    return browser.context;
  };
  // Read when a suite asks for the suite's name, i.e. inside a test: jest knows the file then.
  const suiteName = (): string => basename(expect.getState().testPath ?? 'unknown', '.test.ts');

  return {
    get sandbox() {
      return env.sandbox;
    },
    get impact() {
      return env.impact;
    },
    get context() {
      return context();
    },
    resolverResponses,
    async open(path) {
      const page = await context().newPage();
      if (options.pageTimeoutMs !== undefined) page.setDefaultTimeout(options.pageTimeoutMs);
      await page.goto(`${env.sandbox.urls.forgeHost}${path}`);
      return page;
    },
    async openAt(path, width) {
      const page = await context().newPage();
      if (options.pageTimeoutMs !== undefined) page.setDefaultTimeout(options.pageTimeoutMs);
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${env.sandbox.urls.forgeHost}${path}`);
      return { page, errors };
    },
    async invokePanel<T = unknown>(functionKey: string, issueKey: string, user: keyof typeof SANDBOX_USERS, payload: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-issue-panel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
        body: JSON.stringify({ functionKey, payload, extension: { issue: { key: issueKey }, project: { key: issueKey.split('-')[0] } } }),
      });
      return ((await response.json()) as { result: T }).result;
    },
    async invokeSettings<T = unknown>(functionKey: string, payload: Record<string, unknown> = {}, user: keyof typeof SANDBOX_USERS = 'alice'): Promise<T> {
      const response = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-settings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
        body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS' } } }),
      });
      return ((await response.json()) as { result: T }).result;
    },
    async screenshot(page, fileName, screenshotOptions = {}) {
      const dir = join(SCREENSHOTS, suiteName());
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, fileName), ...screenshotOptions });
    },
  };
}

/** Runs axe-core in the page and lists its serious and critical violations as `id: help (where)`. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown; failureSummary?: string }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.trim()).join(' | ')})`);
}

export interface HorizontalOverflow {
  readonly scrollWidth: number;
  readonly viewport: number;
  /** The widest elements sticking out past the viewport's right edge (at most 5). */
  readonly offenders: string[];
}

/**
 * What sticks out past the viewport's right edge, measured from layout: the document's scroll width and the
 * elements whose box ends right of the viewport, except inside a scroller of their own (the tab strip, a wide
 * table's wrapper) that itself fits: there an element may be wider, the page is not.
 */
export async function horizontalOverflow(page: Page): Promise<HorizontalOverflow> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const offenders: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= viewport + 1) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= viewport + 1) {
          clipped = true;
          break;
        }
      }
      if (!clipped) offenders.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${String(el.className).slice(0, 40)} right=${Math.round(box.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewport, offenders: offenders.slice(0, 5) };
  });
}

/** No horizontal overflow, no serious or critical axe violation, a full-page screenshot, and no console error so far. */
export async function expectFitsAndAccessible(ui: BrowserSuite, page: Page, errors: readonly string[], name: string): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect({ name, ...overflow }).toEqual({ name, scrollWidth: overflow.viewport, viewport: overflow.viewport, offenders: [] });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await ui.screenshot(page, `${name}.png`, { fullPage: true });
  expect(errors).toEqual([]);
}
