// Lint = the layers of the house, checked on every `npm test`:
// - src-renderer runs in a sandboxed browser page: it imports src-shared and libraries only
//   (never src-main, src-hub, Node built-ins, the node/ parts of src-shared, or electron);
// - src-main (desktop) and src-hub (hub) are two programs: neither imports the other, except in
//   `*.int.test.ts` integration tests, which start both;
// - only src-main/electron imports `electron` (the same services also run in the web host);
// - src-shared imports none of the programs;
// - product code in src-* never imports test infrastructure (test-support/, test-int/, e2e/);
// - `process.env.PRONTO_*` is read only by the config modules (src-main/config*, src-hub/config*)
//   and by tests, benches and e2e: everything else gets its settings handed down as options.
// Each file gets exactly one block of restrictions (built below from its tree and its kind),
// because a later flat-config block replaces a rule's options instead of adding to them.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const CODE = '**/*.{ts,tsx,mts,cts,js,mjs,cjs}';

/** An import specifier that names a top-level folder of the repo (relative or not). */
const tree = (name) => `(^|/)${name}(/|$)`;

const R = {
  main: { regex: tree('src-main'), message: 'src-main is the desktop program: only its own tree (and *.int.test.ts of the hub) may import it.' },
  hub: { regex: tree('src-hub'), message: 'src-hub is the hub program: only its own tree (and *.int.test.ts of the desktop) may import it.' },
  renderer: { regex: tree('src-renderer'), message: 'src-renderer is the page: other layers reach it through src-shared contracts, never by import.' },
  sharedNode: { regex: '(^|/)src-shared/(.*/)?node(/|$)', message: 'src-shared/**/node/** needs Node: the renderer cannot import it.' },
  nodePrefixed: { regex: '^node:', message: 'The renderer runs in a browser page: no Node built-ins.' },
  deskSupport: { regex: '(^|/)test-support/desktop(/|$)', message: 'Desktop test support in a hub test: make it a *.int.test.ts or use test-support/hub.' },
  hubSupport: { regex: '(^|/)test-support/hub(/|$)', message: 'Hub test support in a desktop test: make it a *.int.test.ts or use test-support/desktop.' },
  testInfra: { regex: '(^|/)(test-support|test-int|e2e|bench)(/|$)', message: 'Product code never imports test infrastructure.' },
};
const ELECTRON = { name: 'electron', message: 'Only src-main/electron imports electron: the services also run in the web host.' };
const NODE_BUILTINS = builtinModules
  .filter((m) => !m.startsWith('_'))
  .map((name) => ({ name, message: 'The renderer runs in a browser page: no Node built-ins.' }));

// esquery regexes cannot hold a "/", so dynamic import() is matched on the folder name alone.
const dynamicImport = (folder) => ({
  selector: `ImportExpression[source.value=/\\b${folder}\\b/]`,
  message: `Dynamic import of ${folder} breaks the layers (see eslint.config.js).`,
});
const ENV_READS = [
  {
    selector: "MemberExpression[object.type='MemberExpression'][object.object.name='process'][object.property.name='env'][property.name=/^PRONTO_/]",
    message: 'Read PRONTO_* settings in src-main/config* or src-hub/config* and hand them down as options.',
  },
  {
    selector: "MemberExpression[object.type='MemberExpression'][object.object.name='process'][object.property.name='env'][property.value=/^PRONTO_/]",
    message: 'Read PRONTO_* settings in src-main/config* or src-hub/config* and hand them down as options.',
  },
  {
    selector: "VariableDeclarator[init.object.name='process'][init.property.name='env'] > ObjectPattern > Property[key.name=/^PRONTO_/]",
    message: 'Read PRONTO_* settings in src-main/config* or src-hub/config* and hand them down as options.',
  },
];

// Trees: name, files, ignores, forbidden import patterns, folders forbidden in import(), extras.
const TREES = [
  ['renderer', ['src-renderer/**'], [], [R.main, R.hub, R.sharedNode, R.nodePrefixed], ['src-main', 'src-hub'], { paths: NODE_BUILTINS }],
  ['shared', ['src-shared/**'], [], [R.main, R.hub, R.renderer], ['src-main', 'src-hub', 'src-renderer']],
  ['hub', ['src-hub/**'], [], [R.main, R.renderer, R.deskSupport], ['src-main', 'src-renderer'], { config: ['src-hub/config*.ts', 'src-hub/config/**'] }],
  ['electron', ['src-main/electron/**'], [], [R.hub, R.renderer, R.hubSupport], ['src-hub', 'src-renderer'], { electronAllowed: true }],
  ['main', ['src-main/**'], ['src-main/electron/**'], [R.hub, R.renderer, R.hubSupport], ['src-hub', 'src-renderer'], { config: ['src-main/config*.ts', 'src-main/config/**'] }],
  // build and test tooling: their PRONTO_* switches are not program settings (README: "Tests, benchmarks…")
  ['tools', ['bench/**', 'e2e/**', 'test-support/**', 'test-int/**', 'electron.vite.config.ts'], [], [], []],
  ['rest', [CODE], ['src-*/**', 'bench/**', 'e2e/**', 'test-support/**', 'test-int/**', 'electron.vite.config.ts'], [], []],
];
const TESTS = '**/*.test.{ts,tsx}';
const INT_TESTS = '**/*.int.test.ts';

/**
 * One block per (tree, kind): product code, unit test, integration test, plus the config modules.
 * A `files` entry that is an array matches files that match all its globs.
 */
function layerBlocks() {
  const blocks = [];
  for (const [name, files, ignores, forbid, dynamic, extra = {}] of TREES) {
    const inSrc = name !== 'tools' && name !== 'rest';
    const kinds = [
      { kind: 'product', files, ignores: [...ignores, TESTS], env: inSrc || name === 'rest' },
      { kind: 'test', files: files.map((f) => [f, TESTS]), ignores: [...ignores, INT_TESTS], env: false },
      { kind: 'int', files: files.map((f) => [f, INT_TESTS]), ignores, env: false },
      ...(extra.config ? [{ kind: 'config', files: extra.config, ignores: [TESTS], env: false }] : []),
    ];
    for (const k of kinds) {
      // Integration tests start both programs (and use both programs' test support).
      const crossing = k.kind === 'int' ? [R.main, R.hub, R.deskSupport, R.hubSupport] : [];
      const patterns = forbid.filter((p) => !crossing.includes(p));
      if (inSrc && (k.kind === 'product' || k.kind === 'config')) patterns.push(R.testInfra);
      const paths = [...(extra.paths ?? []), ...(extra.electronAllowed ? [] : [ELECTRON])];
      const syntax = dynamic.filter((f) => k.kind !== 'int' || (f !== 'src-main' && f !== 'src-hub')).map(dynamicImport);
      blocks.push({
        name: `pronto/layers/${name}/${k.kind}`,
        files: k.files,
        ignores: k.ignores,
        rules: {
          'no-restricted-imports': ['error', { paths, patterns }],
          'no-restricted-syntax': ['error', ...syntax, ...(k.env ? ENV_READS : [])],
        },
      });
    }
  }
  return blocks;
}

export default defineConfig(
  {
    ignores: [
      'node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'migrations/**',
      // Generated from sip.js's PEG grammar by make-sip-grammar.mjs: not ours to lint.
      'src-renderer/telephony/vendor/sip-grammar.js',
    ],
  },
  { files: [CODE], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  { files: [CODE], ignores: ['src-renderer/**'], languageOptions: { globals: { ...globals.node } } },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: [CODE],
    rules: {
      // Playwright fixtures must destructure their first argument, even when they need nothing.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      // `_name` marks a deliberately unused binding; a caught error need not be used.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  ...layerBlocks(),
  {
    // A Node build script that regenerates the vendored grammar next to the file it writes; it is
    // not part of the page (nothing imports it).
    files: ['src-renderer/telephony/vendor/make-sip-grammar.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON] }] },
  },
);
