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

let child;
if (electronBin && existsSync(join(root, 'dist/main/electron/main.js'))) {
  child = spawn(electronBin, [root, ...args], { stdio: 'inherit' });
} else {
  console.error('xdpscope: Electron binary not available here; serving the same UI to the browser instead.');
  child = spawn(process.execPath, [join(root, 'bin/xdpscope.js'), 'serve', '--open', ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
