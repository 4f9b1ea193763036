#!/usr/bin/env node
// Builds what is out of date: the BPF object and helper (make), the Node-side
// TypeScript (transpiled file by file with esbuild into dist/, CommonJS for
// Node 20 and Electron), and the browser bundles (renderer, Electron preload).
// Type checking is separate (`npm run typecheck`), so a build takes seconds.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdirSync, copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const quiet = process.argv.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build: ${m}\n`); };

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

// 1. C: BPF object and helper. make knows what is stale.
for (const dir of ['bpf', 'helper']) {
  if (existsSync(join(dir, 'Makefile'))) {
    try { execFileSync('make', ['-s', '-C', dir], { stdio: ['ignore', 'inherit', 'inherit'] }); }
    catch { console.error(`build: make -C ${dir} failed`); process.exit(1); }
  }
}

// 2. Node-side TypeScript → dist/ (keeps the tree layout: dist/main, dist/test, dist/bench).
const isTs = (p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts');
const nodeSrc = ['main', 'test', 'bench'].flatMap((d) => walk(d, isTs));
const rendererSrc = walk('renderer', (p) => /\.(tsx?|css|html|svg|png)$/.test(p));
const sharedUi = walk('main/engine', (p) => /\.tsx?$/.test(p)).concat(walk('main/api', isTs));
if (outOfDate('node', nodeSrc)) {
  log(`transpiling ${nodeSrc.length} TypeScript files`);
  const opts = {
    outdir: 'dist', outbase: '.', format: 'cjs', platform: 'node',
    target: 'node20', sourcemap: 'inline', logLevel: 'silent', jsx: 'automatic',
  };
  try {
    await build({ ...opts, entryPoints: nodeSrc });
    touch('node', nodeSrc);
  } catch {
    // One broken file must not stop the others from building (several people
    // work in this tree at once): transpile file by file, name the broken ones, fail at the end.
    const broken = [];
    for (const f of nodeSrc) {
      try { await build({ ...opts, entryPoints: [f] }); }
      catch (e) { broken.push(`${f}: ${e.errors?.[0]?.text ?? e.message}`); }
    }
    console.error(`build: ${broken.length} file(s) failed to transpile:\n  ${broken.join('\n  ')}`);
    process.exitCode = 1;
  }
}

// 3. Renderer bundle (browser) and the Electron preload (sandboxed: must be one file).
const rendererEntry = ['renderer/index.tsx', 'renderer/main.tsx'].find((p) => existsSync(p));
if (rendererEntry && outOfDate('renderer', rendererSrc.concat(sharedUi))) {
  log('bundling renderer');
  await build({
    entryPoints: { app: rendererEntry }, bundle: true, outdir: 'dist/renderer', format: 'iife',
    platform: 'browser', target: ['chrome120'], sourcemap: true, minify: true, logLevel: 'error',
    jsx: 'automatic', loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const f of walk('renderer', (p) => /\.(html|ico)$/.test(p))) {
    const dst = join('dist', f); mkdirSync(dirname(dst), { recursive: true }); copyFileSync(f, dst);
  }
  touch('renderer', rendererSrc.concat(sharedUi));
}
const preload = 'main/electron/preload.ts';
const preloadInputs = [preload, ...walk('main/electron', isTs), ...walk('main/api', isTs)];
if (existsSync(preload) && outOfDate('preload', preloadInputs)) {
  log('bundling Electron preload');
  await build({
    entryPoints: [preload], bundle: true, outfile: 'dist/main/electron/preload.js', format: 'cjs',
    platform: 'node', target: 'node20', external: ['electron'], logLevel: 'error',
  });
  touch('preload', preloadInputs);
}
log(`up to date (${relative(root, 'dist') || 'dist'})`);
