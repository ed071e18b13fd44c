import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Whether this build runs from TypeScript sources (tsx, jest) or from the esbuild bundle in dist/relay. */
const fromSources = __filename.endsWith('.ts');

/**
 * Starts a worker thread on a module of the relay: `sourcePath` under src/relay when running from sources (tsx's
 * CommonJS hook registered inside the thread first), else the bundle's `<name>.js` beside main.js in dist/relay
 * (each thread body is an esbuild entry point of `npm run build:relay`).
 */
export function spawnRelayThread(sourcePath: string, workerData: unknown): Worker {
  const name = sourcePath.replace(/^.*\//, '');
  if (!fromSources) return new Worker(join(__dirname, `${name}.js`), { workerData });
  const entry = join(__dirname, '..', `${sourcePath}.ts`);
  const bootstrap = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
