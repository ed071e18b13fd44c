/**
 * Custom UI weight and first paint: the gzip size of what each page loads before it can render (the entry
 * script, its static imports and CSS, read from the built index.html) and of its lazy chunks, then the
 * first contentful paint of each page served by the sandbox's Forge host in headless Debian Chromium
 * (median of 5 cold loads, cache disabled), and when its first data is on screen. Target: first contentful
 * paint < 1 s. Builds the UI first.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../test/ui/browser';
import { startTestSandbox } from '../test/support/sandbox-harness';

const ROOT = join(__dirname, '..');
/** `ready`: shown once the page's first data arrived (the Connection tab's web trigger; the panel's answer). */
const PAGES = [
  { app: 'settings', path: '/static/settings-ui/?user=alice', ready: '[data-testid="webtrigger-url"]' },
  { app: 'panel', path: '/static/panel-ui/?user=alice&issueKey=OPS-1', ready: 'main.panel > :not(.loading):not(h1)' },
] as const;
const LOADS = 5;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzip = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Files index.html loads at once (script, modulepreload, stylesheet) versus every other chunk (loaded on demand). */
function weigh(app: string): { initial: number; lazy: number } {
  const dir = join(ROOT, 'static', app);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const referenced = new Set([...html.matchAll(/(?:src|href)="\.\/(build\/[^"]+)"/g)].map((m) => m[1] ?? ''));
  let initial = 0;
  let lazy = 0;
  for (const name of readdirSync(join(dir, 'build'))) {
    const size = gzip(join(dir, 'build', name));
    if (referenced.has(`build/${name}`)) initial += size;
    else lazy += size;
  }
  return { initial, lazy };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function benchUi(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: ROOT, stdio: 'inherit' });
  const running = await startTestSandbox();
  const browser = await launchBrowser();
  try {
    for (const { app, path, ready } of PAGES) {
      const { initial, lazy } = weigh(app);
      const paints: number[] = [];
      const readies: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const page = await browser.context.newPage();
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await page.goto(`${running.sandbox.urls.forgeHost}${path}`);
        const fcp = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              new PerformanceObserver((list) => {
                const entry = list.getEntriesByName('first-contentful-paint')[0];
                if (entry) resolve(entry.startTime);
              }).observe({ type: 'paint', buffered: true });
            }),
        );
        paints.push(fcp);
        await page.waitForSelector(ready);
        readies.push(await page.evaluate(() => performance.now()));
        await page.close();
      }
      console.log(`${app}: initial ${kb(initial)} gzip, lazy ${kb(lazy)} gzip; first contentful paint median ${median(paints).toFixed(0)} ms of ${LOADS} (target < 1000 ms), data shown at ${median(readies).toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await running.close();
  }
}
