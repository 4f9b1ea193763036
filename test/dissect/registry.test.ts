// The field registry and the dissector tables are complete whichever
// module a process imports first: each case runs in a fresh Node process
// that imports one module only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allFields } from '../../main/engine/fields/registry';
// the expected list: the whole engine loaded in this process
import '../../main/engine/dissect';

/** dist/main/engine, seen from dist/test/dissect */
const ENGINE = join(__dirname, '..', '..', 'main', 'engine');

/** Runs `script` in a fresh process with `mod` (a path under dist/main/engine) bound to m; returns its stdout. */
function fresh(mod: string, script: string): string {
  const code = `const m = require(${JSON.stringify(join(ENGINE, mod))}); ${script}`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `fresh process for ${mod} failed: ${r.stderr}`);
  return r.stdout;
}

test('the filter compiler, imported alone, knows every field the dissectors declare', () => {
  const every = allFields().map((f) => f.name);
  assert.ok(every.length > 400, `expected the whole registry here, got ${every.length} fields`);
  const out = fresh('filter/compile', `
    const bad = [];
    for (const n of ${JSON.stringify(every)}) { const r = m.compileDisplayFilter(n); if (!r.ok) bad.push(n + ': ' + r.error.message); }
    process.stdout.write(JSON.stringify(bad));`);
  assert.deepEqual(JSON.parse(out), []);
});

test('the registry, imported alone, lists the same fields as after a dissection', () => {
  const out = fresh('fields/registry', 'process.stdout.write(JSON.stringify(m.allFields().map((f) => f.name).sort()))');
  assert.deepEqual(JSON.parse(out), allFields().map((f) => f.name).sort());
});
