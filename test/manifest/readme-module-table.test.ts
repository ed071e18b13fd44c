/**
 * The README's "manifest module → handler" table is the map a maintainer reads first; this keeps it true.
 * It fails when a manifest module, function key, trigger event or entity property is missing from the table
 * (or the table names one the manifest does not have), when a function's export differs from its
 * `forge/index.<export>` handler, when `src/forge/index.ts` does not export it, or when a handler file is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const HEADER = '| manifest module | key | function key | export in `src/forge/index.ts` | handler |';

interface TableRow {
  readonly moduleType: string;
  readonly events: readonly string[];
  readonly ignoreSelf: boolean;
  readonly interval: string | undefined;
  readonly key: string;
  readonly functionKey: string | undefined;
  readonly exportName: string | undefined;
  readonly handler: string;
}

/** Backticked words of one table cell, in order. */
const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

function readTable(): TableRow[] {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === HEADER);
  if (start < 0) throw new Error(`README.md has no table with the header ${HEADER}`);
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 5) throw new Error(`README module table row has ${cells.length} cells, not 5: ${line}`);
    const [moduleCell = '', keyCell = '', fnCell = '', exportCell = '', handlerCell = ''] = cells;
    const moduleTicks = ticks(moduleCell);
    rows.push({
      moduleType: moduleTicks[0] ?? '',
      events: moduleTicks.filter((t) => t.startsWith('avi:')),
      ignoreSelf: moduleTicks.includes('ignoreSelf'),
      interval: /\((hour|day|week)\b/.exec(moduleCell)?.[1],
      key: ticks(keyCell)[0] ?? '',
      functionKey: ticks(fnCell)[0],
      exportName: ticks(exportCell)[0],
      handler: ticks(handlerCell)[0] ?? '',
    });
  }
  return rows;
}

interface ManifestModule {
  readonly key: string;
  readonly function?: string;
  readonly resolver?: { readonly function?: string };
  readonly events?: readonly string[];
  readonly filter?: { readonly ignoreSelf?: boolean };
  readonly interval?: string;
  readonly propertyKey?: string;
  /** Only on `function` entries: `forge/index.<export>`. */
  readonly handler?: string;
}
interface Manifest {
  readonly modules: Record<string, readonly ManifestModule[]>;
}

const manifest = parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
const indexSource = fs.readFileSync(path.join(ROOT, 'src/forge/index.ts'), 'utf8');
const table = readTable();

/** Every module of the manifest except the function list itself, as (type, module). */
const manifestModules = Object.entries(manifest.modules)
  .filter(([type]) => type !== 'function')
  .flatMap(([type, list]) => list.map((m) => ({ type, m })));

const functionOf = (m: ManifestModule): string | undefined => m.function ?? m.resolver?.function;

describe('README module → handler table matches manifest.yml and src/forge/index.ts', () => {
  it('has one row per manifest module, no more', () => {
    const inTable = table.map((r) => `${r.moduleType} ${r.key}`).sort();
    const inManifest = manifestModules.map(({ type, m }) => `${type} ${m.key}`).sort();
    expect(inTable).toEqual(inManifest);
  });

  it.each(manifestModules.map(({ type, m }) => [`${type} ${m.key}`, type, m] as const))('row %s: function, events, filter, interval', (_name, type, m) => {
    const row = table.find((r) => r.moduleType === type && r.key === m.key);
    expect(row).toBeDefined();
    if (!row) return;
    expect(row.functionKey).toBe(functionOf(m));
    expect([...row.events].sort()).toEqual([...(m.events ?? [])].sort());
    expect(row.ignoreSelf).toBe(m.filter?.ignoreSelf === true);
    expect(row.interval).toBe(m.interval);
    if (type === 'jira:entityProperty') expect(row.handler).toBe(m.propertyKey);
  });

  it('names every function key with the export its manifest handler points at', () => {
    const fromTable = new Map(table.filter((r) => r.functionKey).map((r) => [r.functionKey, r.exportName]));
    const fromManifest = new Map((manifest.modules['function'] ?? []).map((f) => [f.key, (f.handler ?? '').replace(/^forge\/index\./, '')]));
    expect(Object.fromEntries(fromTable)).toEqual(Object.fromEntries(fromManifest));
  });

  it('names exports that src/forge/index.ts really has, and handler files that exist', () => {
    for (const row of table.filter((r) => r.exportName)) {
      expect(indexSource).toMatch(new RegExp(`export (async function|function|const) ${row.exportName}\\b`));
      expect(fs.existsSync(path.join(ROOT, row.handler))).toBe(true);
    }
  });
});
