// The man pages the deb installs under /usr/share/man/man1, gzipped as
// Debian policy (12.1) wants them. electron-builder's deb target takes
// extra files only as fpm "SOURCE=DEST" arguments (deb.fpm in
// electron-builder.yml), whose sources are paths relative to the directory
// electron-builder runs in (the project root, under `npm run dist`): the
// beforePack hook writes them to dist/man/ before fpm runs.
'use strict';
const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync, constants } = require('node:zlib');

/** Where the gzipped pages go, relative to the project root. */
const OUT_DIR = 'dist/man';

/** The pages in man/, by file name (xdpscope.1, xdpscope-read.1, ...). */
function manPages(projectDir) {
  return readdirSync(join(projectDir, 'man')).filter((f) => /^xdpscope(-[a-z]+)?\.1$/.test(f)).sort();
}

/**
 * Gzips every page into OUT_DIR at the best compression; zlib writes no name
 * and a zero mtime, so the same page always gives the same bytes (as gzip -9n).
 */
function gzipManPages(projectDir) {
  const out = join(projectDir, OUT_DIR);
  mkdirSync(out, { recursive: true });
  return manPages(projectDir).map((page) => {
    const path = join(out, `${page}.gz`);
    writeFileSync(path, gzipSync(readFileSync(join(projectDir, 'man', page)), { level: constants.Z_BEST_COMPRESSION }));
    return path;
  });
}

/** The fpm arguments installing them: what deb.fpm in electron-builder.yml must list. */
function fpmManArgs(projectDir) {
  return manPages(projectDir).map((page) => `${OUT_DIR}/${page}.gz=/usr/share/man/man1/${page}.gz`);
}

module.exports = { OUT_DIR, manPages, gzipManPages, fpmManArgs };
