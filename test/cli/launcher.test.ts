// bin/xdpscope.js run as a program (npm links it as `xdpscope`): its shebang
// starts node with glibc's mmap threshold fixed, which a running process
// cannot set for itself (memory of `xdpscope serve`, issue 19).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CLI } from '../lib/env';

test('the xdpscope command starts node with MALLOC_MMAP_THRESHOLD_ set, and runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-launch-'));
  try {
    // preloaded before the CLI: reports the environment node started with
    const probe = join(dir, 'probe.js');
    writeFileSync(probe, "process.stdout.write(`threshold=${process.env.MALLOC_MMAP_THRESHOLD_}\\n`);\n");
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    delete env.MALLOC_MMAP_THRESHOLD_;
    const out = execFileSync(CLI, ['--version'], { env, encoding: 'utf8' });
    assert.match(out, /^threshold=131072\n/);
    assert.match(out.split('\n')[1]!, /\d+\.\d+/, 'the CLI ran after it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
