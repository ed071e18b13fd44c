import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'static/**/build/**', '.data/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Plain CommonJS scripts run by node directly.
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', console: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // ES module helpers that tests run with plain node (test/lint/lint-probes.mjs).
    files: ['test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly' } },
  },
  {
    // The pure domain must not reach into Forge, I/O or the clock.
    files: ['src/forge/domain/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'fetch', 'setTimeout', 'setInterval'],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain takes time as input.' }, { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'The domain takes time as input.' }],
    },
  },
  // Import boundaries (docs/architecture.md), one no-restricted-imports block per area: flat config replaces a
  // rule's options rather than merging them, so the areas below are disjoint and each lists all its limits.
  ...importBoundaries(),
);

/**
 * Every limit is a regex on the import specifier, so it holds at any depth (`../adapters/x`,
 * `../../adapters/x`, `../../../src/forge/adapters/x`). test/eslint-boundaries.test.ts lints a probe for each.
 */
function importBoundaries() {
  const folder = (name) => `(^|/)${name}(/|$)`;
  const limits = {
    forgeApi: { regex: '^@forge/', message: '@forge/* only in src/forge/adapters/ and src/forge/index.ts: go through a port.' },
    nodeBuiltins: { regex: `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/')).join('|')})(/.*)?$`, message: 'The domain does no I/O: take it as input.' },
    adapters: { regex: folder('adapters'), message: 'The domain uses no adapters: the feature passes what it needs.' },
    ports: { regex: folder('ports'), message: 'The domain knows no ports: the feature calls them.' },
    wiring: { regex: folder('wiring'), message: 'Only src/forge/index.ts builds dependencies (wiring/).' },
    delivery: { regex: folder('delivery'), message: 'The domain knows no delivery log.' },
    entry: { regex: folder('entry'), message: 'entry/ is a leaf: only src/forge/index.ts imports it. Move what you need to a feature folder or ports/.' },
    forgeIndex: { regex: '^(\\.\\./)*\\.\\.?(/index(\\.ts)?)?$', message: 'Import the module, not a folder index (src/forge/index.ts is the Forge entry).' },
    forge: { regex: folder('forge'), message: 'The relay and shared code import nothing from src/forge (separate deployables).' },
    relay: { regex: folder('relay'), message: 'src/forge and src/shared import nothing from src/relay (separate deployables).' },
    sandbox: { regex: folder('sandbox'), message: 'Production code imports nothing from src/sandbox (the simulators).' },
  };
  const area = (files, names, ignores = []) => ({
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns: names.map((n) => limits[n]) }] },
  });
  const forgeArea = ['src/forge/**/*.ts'];
  return [
    area(['src/forge/index.ts'], ['relay', 'sandbox']),
    area(['src/forge/adapters/**/*.ts'], ['entry', 'wiring', 'forgeIndex', 'relay', 'sandbox']),
    area(['src/forge/domain/**/*.ts'], ['forgeApi', 'nodeBuiltins', 'adapters', 'ports', 'wiring', 'delivery', 'entry', 'forgeIndex', 'relay', 'sandbox']),
    // entry/ files import each other by relative paths that never name entry/.
    area(['src/forge/entry/**/*.ts'], ['forgeApi', 'wiring', 'forgeIndex', 'relay', 'sandbox']),
    area(forgeArea, ['forgeApi', 'entry', 'forgeIndex', 'relay', 'sandbox'], ['src/forge/index.ts', 'src/forge/adapters/**', 'src/forge/domain/**', 'src/forge/entry/**']),
    area(['src/relay/**/*.ts'], ['forgeApi', 'forge', 'sandbox']),
    area(['src/shared/**/*.ts'], ['forgeApi', 'forge', 'relay', 'sandbox']),
    area(['src/sandbox/**/*.ts'], ['forgeApi']),
  ];
}
