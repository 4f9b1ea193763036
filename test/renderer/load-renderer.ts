// Renderer modules are bundled for the browser by scripts/build.mjs, not
// transpiled into dist/; tests bundle the one they need for Node.
import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'xs-renderer-'));

export function loadRendererModule<T>(entry: string): T {
  const outfile = join(dir, `${basename(entry).replace(/\.tsx?$/, '')}-${Math.random().toString(36).slice(2)}.js`);
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  return require(outfile) as T;
}
