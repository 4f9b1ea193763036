// electron-builder beforePack hook: the helper is a native binary built by
// `make -C helper` for this machine; refuse to put it in a package for
// another architecture (it would not run, and the package would look fine).
// It also gzips the man pages the deb installs (packaging/man-pages.cjs).
'use strict';
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { gzipManPages } = require('./man-pages.cjs');

// electron-builder's Arch enum → ELF e_machine
const MACHINE = { 0: ['ia32', 3], 1: ['x64', 62], 2: ['armv7l', 40], 3: ['arm64', 183] };

function elfMachine(path) {
  const b = readFileSync(path);
  if (b.length < 20 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF executable`);
  return b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18);
}

function checkHelperArch(projectDir, arch) {
  const helper = join(projectDir, 'helper', 'xdpscope-helper');
  if (!existsSync(helper)) throw new Error(`${helper} is missing: run npm run build (make -C helper) first`);
  const [name, want] = MACHINE[arch] ?? [String(arch), -1];
  const got = elfMachine(helper);
  if (got !== want) {
    throw new Error(`${helper} is built for ELF machine ${got}, but this package is for ${name} (${want}); build the package on a ${name} machine`);
  }
}

module.exports = async function beforePack(context) {
  checkHelperArch(context.packager.projectDir, context.arch);
  gzipManPages(context.packager.projectDir);
};
module.exports.checkHelperArch = checkHelperArch;
