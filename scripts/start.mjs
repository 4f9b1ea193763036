#!/usr/bin/env node
// `npm start`: the Electron app when its binary is present; otherwise the
// same UI served to a browser (`xdpscope serve --open`), URL printed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

let electronBin = null;
try {
  const p = require('electron'); // the package exports the binary's path, and throws when it was not downloaded
  if (typeof p === 'string' && existsSync(p)) electronBin = p;
} catch { /* binary absent */ }

// glibc raises its mmap threshold each time a big block is freed, so later
// multi-megabyte buffers (a capture's batches, growing columns) come from the
// heap and leave it fragmented: a fixed threshold keeps them mmapped and
// returned when freed (-50 to -80 MB after a 200k-packet open, bench/RESULTS.md).
// glibc reads it only at start, hence here, in the launcher.
const env = { MALLOC_MMAP_THRESHOLD_: '131072', ...process.env };

let child;
if (electronBin && existsSync(join(root, 'dist/main/electron/main.js'))) {
  child = spawn(electronBin, [root, ...args], { stdio: 'inherit', env });
} else {
  console.error('xdpscope: Electron binary not available here; serving the same UI to the browser instead.');
  child = spawn(process.execPath, [join(root, 'bin/xdpscope.js'), 'serve', '--open', ...args], { stdio: 'inherit', env });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
