// The field sweep (scripts/sweep-fields.ts) on the shared captures: every
// field we declare that tshark 4.0 knows, for the protocols tshark sees in
// each capture, printed with every occurrence; any difference not listed
// in scripts/sweep-justified.ts fails. Runs only where tshark is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTURES, hasCommand, sharedCapturesSkipReason } from '../lib/env';
import { captureFiles, report, sweep } from '../../scripts/sweep-fields';
import { JUSTIFIED } from '../../scripts/sweep-justified';

/** cells compared on the shared corpus when this was written: 54,591 in 480 fields over 29 captures */
const MIN_CELLS = 50_000;
const MIN_FIELDS = 400;

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');

test('every field we share with tshark agrees on every shared capture, every occurrence, unless justified', { skip, timeout: 240_000 }, () => {
  const files = captureFiles([CAPTURES]);
  assert.ok(files.length >= 20, `expected the shared corpus, found ${files.length} captures in ${CAPTURES}`);
  const r = sweep(files, { inProcess: true, onePass: true });
  const text = report(r);
  console.log(text.split('\n').map((l) => `# ${l}`).join('\n'));
  assert.deepEqual(r.problems, [], 'every capture has as many frames as tshark shows');
  // it cannot pass by comparing nothing: a missing tshark field list or corpus fails here
  const fields = [...r.fields.values()].filter((t) => t.cells > 0);
  const cells = fields.reduce((n, t) => n + t.cells, 0);
  assert.ok(fields.length >= MIN_FIELDS && cells >= MIN_CELLS, `only ${cells} cells of ${fields.length} fields compared (expected >= ${MIN_CELLS} of >= ${MIN_FIELDS})`);
  const differing = fields.filter((t) => t.differing > 0).map((t) => `${t.field}: ${t.differing} of ${t.cells} cells, first ${t.first?.capture} frame ${t.first?.frame}: tshark ${JSON.stringify(t.first?.tshark)}, ours ${JSON.stringify(t.first?.ours)}`);
  assert.deepEqual(differing, [], 'differences from tshark not justified in scripts/sweep-justified.ts');
  // the list stays honest: an entry scoped to shared captures that excuses nothing any more goes
  const shared = new Set(files.map((f) => f.split('/').pop()));
  const stale = JUSTIFIED.filter((j) => j.captures?.every((c) => shared.has(c)) && !r.used.has(j)).map((j) => `${String(j.field)} on ${j.captures?.join(', ')}`);
  assert.deepEqual(stale, [], 'justifications that no longer excuse anything');
});
