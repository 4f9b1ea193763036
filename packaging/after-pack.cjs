// electron-builder afterPack hook (Linux): puts a launcher script where the
// Electron binary was and renames the binary beside it, so the deb's command,
// its desktop entry and the AppImage's AppRun all start xdpscope through it.
//
// Why: glibc reads its malloc tunables only when a process starts, so the
// mmap threshold that scripts/start.mjs and bin/xdpscope.js set for node
// (-28 MB loaded RSS at 1M packets, bench/RESULTS.md) cannot be set from
// inside Electron; electron-builder refuses a desktop Exec of our own
// (linux.desktop.entry.Exec), so the executable itself has to be the script.
'use strict';
const { renameSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const REAL_SUFFIX = '.bin';

function launcher(exe) {
  return `#!/bin/sh
# xdpscope's launcher (packaging/after-pack.cjs): glibc reads MALLOC_MMAP_THRESHOLD_
# only at start; a fixed threshold keeps big buffers mmapped and returned when freed.
# A value the user exported wins.
: "\${MALLOC_MMAP_THRESHOLD_:=131072}"
export MALLOC_MMAP_THRESHOLD_
here=$(dirname "$(readlink -f "$0")")
exec "$here/${exe}${REAL_SUFFIX}" "$@"
`;
}

/** Wraps `dir/exe` (the renamed Electron binary) in the launcher; returns the binary's new path. */
function wrapExecutable(dir, exe) {
  const bin = join(dir, exe);
  const real = bin + REAL_SUFFIX;
  if (!existsSync(bin)) throw new Error(`after-pack: ${bin} is missing (electron-builder's executableName changed?)`);
  renameSync(bin, real);
  writeFileSync(bin, launcher(exe), { mode: 0o755 });
  return real;
}

module.exports = async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  wrapExecutable(context.appOutDir, context.packager.executableName);
};
module.exports.wrapExecutable = wrapExecutable;
