/**
 * Builds one Custom UI app per run: `vite build --mode settings|panel`. Sources live in static/<app>/src and
 * build INTO static/<app> (the manifest resource folder): index.html there, bundles under build/ (ignored by
 * eslint). Relative base so the same output works at Forge's CDN and at the sandbox's /static/<resource>/.
 */
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { defineConfig } from 'vite';

const APPS = ['settings', 'panel'] as const;

export default defineConfig(({ mode }) => {
  const app = APPS.find((a) => a === mode);
  if (!app) throw new Error(`vite: pass --mode ${APPS.join('|')}`);
  const root = resolve(__dirname, 'static', app, 'src');
  const outDir = resolve(__dirname, 'static', app);
  // Only the previous bundles go; the sources and icon.svg share the folder.
  rmSync(resolve(outDir, 'build'), { recursive: true, force: true });
  return {
    root,
    base: './',
    publicDir: false,
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic' } },
    build: { outDir, emptyOutDir: false, assetsDir: 'build', sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 1500 },
  };
});
