#!/usr/bin/env node
// Entry point of the `xdpscope` command. The CLI itself is TypeScript built
// into dist/; build it first when this is a fresh checkout.
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
