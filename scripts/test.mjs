#!/usr/bin/env node
// Runs every check: type checking, lint, then the node:test suites under
// dist/test (built from test/). Ends with one line: "N passed, N failed[, N skipped]".
// XDPSCOPE_TEST=pattern runs only test files whose path contains the pattern.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const only = process.env.XDPSCOPE_TEST;
const counts = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const bin = (n) => join(root, 'node_modules', '.bin', n);

function check(name, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok' : 'FAILED'}: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (ok) counts.passed++; else { counts.failed++; failures.push(name); }
}

if (!only) {
  // each layer on its own (Node code without the DOM, the renderer without Node), then tests and benchmarks
  for (const c of ['tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.json']) check(`typecheck ${c} (tsc --noEmit, strict)`, bin('tsc'), ['--noEmit', '-p', c]);
  check('lint (eslint)', bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/eslint', '.']);
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else if (p.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const files = walk('dist/test').filter((f) => !only || f.includes(only)).sort();
mkdirSync('test-output', { recursive: true });
const tally = join(tmpdir(), `xdpscope-tally-${process.pid}.json`);
if (files.length) {
  const r = spawnSync(process.execPath, [
    '--enable-source-maps', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'test-reporter.mjs')}`, `--test-reporter-destination=${tally}`,
    ...files,
  ], { stdio: 'inherit', env: { ...process.env, XDPSCOPE_ROOT: root } });
  if (existsSync(tally)) {
    const t = JSON.parse(readFileSync(tally, 'utf8'));
    rmSync(tally);
    counts.passed += t.passed; counts.failed += t.failed; counts.skipped += t.skipped;
    failures.push(...t.failures);
    if (t.skips.length) console.log(`\nskipped:\n  ${t.skips.join('\n  ')}`);
  } else { counts.failed++; failures.push(`node --test exited ${r.status} without a tally`); }
  if (r.status !== 0 && counts.failed === 0) { counts.failed++; failures.push(`node --test exited ${r.status}`); }
}
if (failures.length) console.log(`\nfailed:\n  ${failures.join('\n  ')}`);
console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(counts.failed ? 1 : 0);
