// The field registry and the dissector tables are complete whichever
// module a process imports first: each case runs in a fresh Node process
// that imports one module only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allFields } from '../../../main/engine/fields/registry';
// the expected list: the whole engine loaded in this process
import '../../../main/engine/dissect';

/**
 * Runs a child program built as a bundle of its own (scripts/build.mjs bundles
 * every *-child.ts), so it holds exactly what its one import pulls in.
 */
function fresh(child: string, input = ''): string {
  const r = spawnSync(process.execPath, [join(__dirname, `${child}.js`)], { input, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `${child} failed: ${r.stderr}`);
  return r.stdout;
}

test('the filter compiler, imported alone, knows every field the dissectors declare', () => {
  const every = allFields().map((f) => f.name);
  assert.ok(every.length > 400, `expected the whole registry here, got ${every.length} fields`);
  const out = fresh('registry-compile-child', JSON.stringify(every));
  assert.deepEqual(JSON.parse(out), []);
});

test('the registry, imported alone, lists the same fields as after a dissection', () => {
  const out = fresh('registry-fields-child');
  assert.deepEqual(JSON.parse(out), allFields().map((f) => f.name).sort());
});
