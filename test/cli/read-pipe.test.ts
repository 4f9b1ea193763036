// `xdpscope read` into a pipe whose reader is slower than the decoder, when
// the pipe is non-blocking (as `2>&1 | less` leaves it once anything touches
// process.stderr): every byte still arrives, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../lib/env';

const skip = sharedCapturesSkipReason() ?? (hasCommand('python3') && hasCommand('mkfifo') ? false : 'needs python3 and mkfifo');

/** bytes the process has written so far (/proc/PID/io's wchar), -1 once it is gone */
function written(pid: number): number {
  try {
    return Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? -1);
  } catch { return -1; }
}

test('a non-blocking pipe that fills up loses nothing: the output waits for its reader', { skip }, async () => {
  const cap = join(CAPTURES, 'zeek-100-continue.pcap');
  const args = ['read', '-r', cap, '-V'];
  const expected = spawnSync(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 });
  assert.equal(expected.status, 0, String(expected.stderr));
  assert.ok(expected.stdout.length > 64 * 4096, 'the output is many times the pipe');

  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-pipe-'));
  try {
    const fifo = join(dir, 'out');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // fd 1 (and fd 2: 2>&1) is the FIFO, shrunk to one page (F_SETPIPE_SZ) and made non-blocking
    const setup = 'import os, sys, fcntl; fcntl.fcntl(1, 1031, 4096); os.set_blocking(1, False); os.execv(sys.argv[1], sys.argv[1:])';
    const child = spawn('sh', ['-c', 'exec python3 -c "$0" "$@" > "$FIFO" 2>&1', setup, process.execPath, CLI, ...args], {
      env: { ...process.env, FIFO: fifo }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const reader = createReadStream(fifo);
    reader.pause();
    // read nothing until the pipe is full (the writer has put a page in it) or the writer is gone
    const pid = child.pid as number;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const w = written(pid);
        if (w < 0 || w >= 4096) { clearInterval(poll); resolve(); }
      }, 5);
    });
    const chunks: Buffer[] = [];
    reader.on('data', (c) => chunks.push(c as Buffer));
    const ended = new Promise<void>((resolve, reject) => { reader.on('end', resolve); reader.on('error', reject); });
    reader.resume();
    const [code] = await Promise.all([exited, ended]);
    const got = Buffer.concat(chunks);
    assert.equal(code, 0, got.subarray(-600).toString());
    assert.equal(got.length, expected.stdout.length);
    assert.ok(got.equals(expected.stdout), 'the same bytes as into an ordinary pipe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
