#!/usr/bin/env node
// Builds what is out of date: the BPF object and helper (make), the Node-side
// bundles (esbuild: one CommonJS bundle per entry point, for Node 20 and
// Electron), and the browser bundles (renderer, Electron preload).
// Type checking is separate (`npm run typecheck`), so a build takes seconds.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdirSync, copyFileSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// esbuild resolves entries against the working directory its service started in,
// not the process's current one: every build passes absWorkingDir (bin/xdpscope.js
// builds a fresh checkout from wherever the user is).
process.chdir(root);
const quiet = process.argv.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build: ${m}\n`); };

/**
 * The Node entry points, each bundled to the same place under dist/ as its
 * source (main/cli/main.ts → dist/main/cli/main.js), so paths written
 * against the dist tree keep working.
 */
const NODE_ENTRIES = [
  'main/cli/main.ts', // the `xdpscope` command (bin/xdpscope.js loads it)
  'main/electron/main.ts', // the Electron main process (package.json "main")
  'main/engine/service/worker.ts', // the engine service's worker thread (service/client.ts starts it)
  'main/engine/parallel/worker.ts', // the parallel read's worker threads (parallel/read.ts starts them)
  'main/engine/service/open-worker.ts', // the parallel open's worker threads (service/open-pool.ts starts them)
  'main/engine/service/open-insights-worker.ts', // and its insights thread
];
/**
 * Besides every *.test.ts and every *-child.ts (a program a test starts as a
 * child process), found by name: what tests load by path, and data generators.
 */
const TEST_SCRIPTS = [
  'test/lib/engine.ts', // the engine parts child processes and workers of tests load by path
  'test/engine/filter/make-answers.ts',
  'test/engine/filter/make-multi-ip.ts',
  'scripts/make-wireshark-fields.ts', // regenerates main/engine/fields/wireshark-fields.gz from tshark
  'scripts/sweep-fields.ts', // every declared field against tshark on every capture (see its header)
];
/** Benchmarks (each runs as `node dist/bench/<dir>/<name>.js`). */
const BENCH_SCRIPTS = [
  'bench/block/run.ts',
  'bench/capture/capture-bench.ts',
  'bench/filter/filter-bench.ts',
  'bench/formats/read-speed.ts',
  'bench/insights/run.ts',
  'bench/lib/big-capture.ts',
  'bench/livecap/livecap-bench.ts',
  'bench/livecap/service-child.ts',
  'bench/open/run.ts',
  'bench/open/thread-start.ts',
  'bench/open/walk.ts',
  'bench/open/same.ts',
  'bench/read/run.ts',
  'bench/session/open-save.ts',
  'bench/ui/bench.ts',
  'bench/uilive/uilive-bench.ts',
];

function walk(dir, pred, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== 'data') walk(p, pred, out); }
    else if (pred(p)) out.push(p);
  }
  return out;
}
const newest = (files) => files.reduce((m, f) => Math.max(m, statSync(f).mtimeMs), 0);
const stampPath = (name) => join('dist', `.stamp-${name}`);
function outOfDate(name, inputs) {
  const s = stampPath(name);
  if (!existsSync(s)) return true;
  return newest(inputs) > statSync(s).mtimeMs || readFileSync(s, 'utf8') !== String(inputs.length);
}
function touch(name, inputs) { mkdirSync('dist', { recursive: true }); writeFileSync(stampPath(name), String(inputs.length)); }
function fail(what, e) {
  const errors = e?.errors?.length ? e.errors.map((x) => `${x.location ? `${x.location.file}:${x.location.line}:${x.location.column}: ` : ''}${x.text}`) : [e?.message ?? String(e)];
  console.error(`build: ${what} failed:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}

// 1. C: BPF object and helper. make knows what is stale.
for (const dir of ['bpf', 'helper']) {
  if (existsSync(join(dir, 'Makefile'))) {
    try { execFileSync('make', ['-s', '-C', dir], { stdio: ['ignore', 'inherit', 'inherit'] }); }
    catch { console.error(`build: make -C ${dir} failed`); process.exit(1); }
  }
}

/**
 * Bundling moves a module's code into its entry's bundle, so `__dirname` and
 * `__filename` would name the bundle's folder instead of the module's. Code
 * here locates files relative to its own place in dist/ (the helper, the
 * renderer, worker entries, the repository root), so each module keeps
 * seeing the dist path its source maps to: `__xdpscope_dist` (set by the
 * banner of every bundle) plus the module's folder. Same line count, so
 * source maps stay exact.
 */
function distPaths(sources) {
  // Only the files that use them go through the plugin (JS plugins slow esbuild down).
  const using = sources.filter((f) => /\b__(dirname|filename)\b/.test(readFileSync(f, 'utf8'))).map((f) => resolve(f));
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    name: 'dist-paths',
    setup(b) {
      if (!using.length) return;
      b.onLoad({ filter: new RegExp(`^(${using.map(escape).join('|')})$`) }, (args) => {
        const rel = relative(root, args.path).split(sep).join('/');
        const file = rel.replace(/\.tsx?$/, '.js');
        return {
          loader: args.path.endsWith('x') ? 'tsx' : 'ts',
          contents: readFileSync(args.path, 'utf8')
            .replace(/\b__dirname\b/g, `(__xdpscope_dist + ${JSON.stringify(`/${dirname(rel)}`)})`)
            .replace(/\b__filename\b/g, `(__xdpscope_dist + ${JSON.stringify(`/${file}`)})`),
        };
      });
    },
  };
}

// 2. Node-side TypeScript → one bundle per entry under dist/ (dist/main, dist/test, dist/bench).
const isTs = (p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts');
// the build script is an input too: a change to how bundles are made remakes them
const nodeSrc = ['main', 'test', 'bench', 'scripts'].flatMap((d) => walk(d, isTs)).concat('scripts/build.mjs');
const rendererSrc = walk('renderer', (p) => /\.(tsx?|css|html|svg|png)$/.test(p));
const sharedUi = walk('main/engine', (p) => /\.tsx?$/.test(p)).concat(walk('main/api', isTs));
const nodeEntries = [
  ...NODE_ENTRIES,
  ...walk('test', (p) => p.endsWith('.test.ts') || p.endsWith('-child.ts')).sort(),
  ...TEST_SCRIPTS,
  ...BENCH_SCRIPTS,
];
for (const e of nodeEntries) if (!existsSync(e)) fail('the Node bundles', new Error(`declared entry ${e} does not exist (scripts/build.mjs lists it)`));
if (outOfDate('node', nodeSrc)) {
  log(`bundling ${nodeEntries.length} Node entry points`);
  // The banner gives each bundle the dist root; it depends on how deep the
  // bundle sits, so entries are built in one esbuild run per depth.
  const byDepth = new Map();
  for (const e of nodeEntries) {
    const depth = e.split('/').length - 1;
    if (!byDepth.has(depth)) byDepth.set(depth, []);
    byDepth.get(depth).push(e);
  }
  const outputs = new Set();
  const paths = distPaths(nodeSrc.filter(isTs));
  try {
    await Promise.all([...byDepth].map(async ([depth, entryPoints]) => {
      const up = JSON.stringify(Array(depth).fill('..').join('/'));
      const r = await build({
        entryPoints, outdir: 'dist', outbase: '.', absWorkingDir: root, bundle: true, format: 'cjs', platform: 'node',
        target: 'node20', sourcemap: 'linked', sourcesContent: false, logLevel: 'warning', jsx: 'automatic', metafile: true,
        // npm packages load from node_modules at run time (electron-builder ships the
        // dependencies): electron is provided by Electron itself, ws has optional
        // native add-ons, the GeoIP package is data found through require.resolve.
        packages: 'external',
        banner: { js: `var __xdpscope_dist = require("node:path").resolve(__dirname, ${up});` },
        plugins: [paths],
      });
      for (const o of Object.keys(r.metafile.outputs)) outputs.add(resolve(o));
    }));
  } catch (e) { fail('the Node bundles', e); }
  // Files of an earlier layout (or of a removed entry) must not linger: a test
  // could load a stale copy and pass.
  const preloadOut = resolve('dist/main/electron/preload.js');
  for (const f of ['dist/main', 'dist/test', 'dist/bench'].flatMap((d) => walk(d, (p) => /\.js(\.map)?$/.test(p)))) {
    const p = resolve(f);
    if (!outputs.has(p) && !p.startsWith(preloadOut)) rmSync(p);
  }
  touch('node', nodeSrc);
}

// Data files the engine reads beside its code (dist/main/** is what packages ship).
for (const f of ['main/engine/fields/wireshark-fields.gz']) {
  const dst = join('dist', f);
  if (!existsSync(dst) || statSync(dst).mtimeMs < statSync(f).mtimeMs) { mkdirSync(dirname(dst), { recursive: true }); copyFileSync(f, dst); }
}

// 3. Renderer bundle (browser) and the Electron preload (sandboxed: must be one file).
const rendererEntry = 'renderer/index.tsx';
if (outOfDate('renderer', rendererSrc.concat(sharedUi))) {
  log('bundling renderer');
  try {
    await build({
      entryPoints: { app: rendererEntry }, absWorkingDir: root, bundle: true, outdir: 'dist/renderer', format: 'iife',
      platform: 'browser', target: ['chrome120'], sourcemap: true, minify: true, logLevel: 'silent',
      jsx: 'automatic', loader: { '.svg': 'dataurl', '.png': 'dataurl' },
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  } catch (e) { fail('the renderer bundle', e); }
  for (const f of walk('renderer', (p) => /\.(html|ico)$/.test(p))) {
    const dst = join('dist', f); mkdirSync(dirname(dst), { recursive: true }); copyFileSync(f, dst);
  }
  touch('renderer', rendererSrc.concat(sharedUi));
}
const preload = 'main/electron/preload.ts';
const preloadInputs = [preload, ...walk('main/electron', isTs), ...walk('main/api', isTs)];
if (outOfDate('preload', preloadInputs) || !existsSync('dist/main/electron/preload.js')) {
  log('bundling Electron preload');
  try {
    await build({
      entryPoints: [preload], absWorkingDir: root, bundle: true, outfile: 'dist/main/electron/preload.js', format: 'cjs',
      platform: 'node', target: 'node20', external: ['electron'], logLevel: 'silent',
    });
  } catch (e) { fail('the Electron preload bundle', e); }
  touch('preload', preloadInputs);
}
log(`up to date (${relative(root, 'dist') || 'dist'})`);
