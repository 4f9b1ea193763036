// Once a file is loaded the service thread gives back the young generation
// the load grew (service/heap-settle.ts): a loaded server that sits idle
// does not keep ~30 MB of empty semi-spaces committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { outputDir, sharedCapturesSkipReason } from '../../lib/env';

const skip = sharedCapturesSkipReason() ?? false;

test('a loaded file\'s service thread shrinks its young generation once allocation is quiet', { skip }, () => {
  const r = spawnSync(process.execPath, [join(__dirname, 'heap-settle-child.js'), outputDir('heap-settle')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { state: string; packets: number; grown: number; now: number; settledMs: number };
  assert.equal(out.state, 'done');
  assert.ok(out.grown >= 16 << 20, `the load grew new space (${out.grown} bytes): else this proves nothing`);
  assert.ok(out.settledMs >= 0, `new space still ${out.now} bytes 25 s after the load (grown to ${out.grown})`);
});
