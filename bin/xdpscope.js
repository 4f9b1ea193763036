#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node
// Entry point of the `xdpscope` command. The CLI itself is TypeScript built
// into dist/; build it first when this is a fresh checkout.
//
// The shebang fixes glibc's mmap threshold, as scripts/start.mjs does for the
// app: a freed multi-megabyte buffer otherwise raises it, later ones come
// from the heap and fragment it (`serve` held ~40 MB more after opening
// 200,000 packets, bench/RESULTS.md; `read` costs the same CPU either way).
// glibc reads it only at start, hence before node runs.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'main', 'cli', 'main.js');
if (!existsSync(cli)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
}
require(cli).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`xdpscope: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
