import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.cjs'];

function isFile(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isFile();
}

/** Resolves a relative import the way the bundler would: exact file, added extension, `.js`→`.ts`, or index. */
export function resolveRelativeImport(fromFile: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stem = base.replace(/\.(c?js|jsx)$/, '');
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((ext) => base + ext),
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => path.join(base, 'index' + ext)),
  ];
  return candidates.find((c) => SOURCE_EXTENSIONS.includes(path.extname(c)) && isFile(c)) ?? null;
}

/**
 * The files bundled for the given entry files: the entries plus everything they import by relative path.
 * These are what the code linters must read (not src/relay or src/sandbox, which never ship to Forge).
 * Returns paths relative to appDir, sorted.
 */
export function collectBundleSources(appDir: string, entryFiles: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = entryFiles.map((f) => path.resolve(appDir, f)).filter(isFile);
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const resolved = resolveRelativeImport(file, ref.fileName);
      if (resolved && !seen.has(resolved)) queue.push(resolved);
    }
  }
  return [...seen].map((f) => path.relative(appDir, f).split(path.sep).join('/')).sort();
}
