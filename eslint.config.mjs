// Lint the TypeScript sources; type errors are tsc's job, so only the
// recommended non-type-aware rules run here (fast on two cores), plus the
// layer rule below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The layers, and what each may import (docs/ARCHITECTURE.md):
 *   renderer     → main/api and npm packages (it runs in a browser page)
 *   main/api     → itself and npm packages (the contract both sides share)
 *   main/engine  → itself and main/api; no face, no Electron
 *   faces (main/cli, main/server, main/electron) → main/api, each other, and
 *                  the engine through its public entry main/engine/index.ts
 *                  (or read-entry.ts: the few modules `xdpscope read` loads)
 * Tests, benchmarks and scripts may import anything.
 */
const LAYERS = [
  { name: 'renderer', dir: 'renderer', may: ['renderer', 'main/api'], node: false },
  { name: 'main/api', dir: 'main/api', may: ['main/api'], packagesOnly: true },
  { name: 'the engine', dir: 'main/engine', may: ['main/engine', 'main/api'], banned: ['electron'] },
  ...['main/cli', 'main/server', 'main/electron'].map((dir) => ({
    name: `the face ${dir}`, dir, may: ['main/api', 'main/cli', 'main/server', 'main/electron', 'main/engine/index.ts', 'main/engine/read-entry.ts', 'package.json'],
  })),
];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const rel = (p) => relative(root, p).split(sep).join('/');
const inside = (file, dir) => file === dir || file.startsWith(`${dir}/`) || file === `${dir}.ts` || file === `${dir}.tsx`;

const layers = {
  meta: { type: 'problem', schema: [], messages: { forbidden: '{{layer}} may not import {{what}} (allowed: {{allowed}}; see the layer list in eslint.config.mjs)' } },
  create(context) {
    const file = rel(context.filename);
    const layer = LAYERS.find((l) => inside(file, l.dir));
    if (!layer) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      let what = null;
      if (source.startsWith('.')) {
        const target = rel(resolve(dirname(context.filename), source));
        if (!layer.may.some((d) => inside(target, d) || inside(target, d.replace(/\.ts$/, '')))) what = target;
      } else if (layer.banned?.includes(source) || (layer.node === false && NODE_BUILTINS.has(source))) {
        what = `'${source}'`;
      }
      if (what) context.report({ node, messageId: 'forbidden', data: { layer: layer.name, what, allowed: layer.may.join(', ') } });
    };
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n.arguments[0], n.arguments[0].value);
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-output/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { xdpscope: { rules: { layers } } },
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
      // CommonJS output: lazy require() keeps start-up fast and optional modules optional.
      '@typescript-eslint/no-require-imports': 'off',
      'xdpscope/layers': 'error',
    },
  },
  // The renderer runs in a browser page: browser globals, not Node's.
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser, ...Object.fromEntries(Object.keys(globals.node).map((k) => [k, 'off'])) } } },
  // The API is shared by both sides: only what both have.
  { files: ['main/api/**'], languageOptions: { globals: { ...Object.fromEntries(Object.keys(globals.node).map((k) => [k, 'off'])), ...globals['shared-node-browser'] } } },
  // Tests and benchmarks drive browser pages (page.evaluate callbacks run there).
  { files: ['test/**', 'bench/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
