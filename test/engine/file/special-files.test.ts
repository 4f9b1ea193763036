// Paths that are not regular files (a FIFO, a device, a socket, a
// directory) are refused before any byte is read, with a message that says
// what they are: a FIFO used to block the open for good, which left the
// service 'loading' with nothing cancelOpen could stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants as fsc, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFile, openCaptureFile } from '../../../main/engine/file/open';
import { NotAFileError } from '../../../main/engine/file/errors';
import { openSession } from '../../../main/engine/session/open';
import { EngineService } from '../../../main/engine/service/service';
import { CAPTURES, CLI, sharedCapturesSkipReason } from '../../lib/env';

process.env.XDPSCOPE_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'xs-config-'));

/** A FIFO; `release` opens it for writing once, which frees an open(2) blocked on it (as before the fix). */
function fifo(dir: string): { path: string; release(): void } {
  const path = join(dir, 'pipe');
  execFileSync('mkfifo', [path]);
  return {
    path,
    release: () => { try { closeSync(openSync(path, fsc.O_WRONLY | fsc.O_NONBLOCK)); } catch { /* no reader waits */ } },
  };
}

test('a FIFO, a character device, a socket and a directory are refused by name, before reading', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-special-'));
  const f = fifo(dir);
  const sock = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    for (const [path, kind, code] of [
      [f.path, 'a FIFO (named pipe)', 'EFTYPE'],
      ['/dev/null', 'a character device', 'EFTYPE'],
      [sock, 'a socket', 'EFTYPE'],
      [dir, 'a directory', 'EISDIR'],
    ] as const) {
      await assert.rejects(openCaptureFile(path), (e: unknown) =>
        e instanceof NotAFileError && e.code === code && e.message.startsWith(`it is ${kind}, not a capture file`));
    }
    await assert.rejects(openCaptureFile(f.path), /a capture or gzip stream from a pipe is not supported: save it to a file first/);
    await assert.rejects(openSession(f.path), (e: Error & { code?: string }) =>
      e.code === 'EFTYPE' && e.message.startsWith(`Cannot open "${f.path}": it is a FIFO (named pipe), not a capture file`));
  } finally {
    f.release();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xdpscope read on a FIFO exits 1 at once, saying it is a FIFO', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-special-'));
  const f = fifo(dir);
  try {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = execFile(process.execPath, [CLI, 'read', '-r', f.path], { timeout: 20_000 }, (_e, _out, stderr) => resolve({ code: c.exitCode, stderr }));
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^xdpscope read: ${f.path}: it is a FIFO \\(named pipe\\), not a capture file`));
  } finally {
    f.release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the service refuses a FIFO and cancelOpen always leaves it out of "loading"', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-special-'));
  const f = fifo(dir);
  const s = new EngineService({ emit: () => undefined });
  try {
    const opened = s.call('openFile', { path: f.path }).then(() => null, (e: Error) => e);
    const st = await s.call('cancelOpen', {});
    assert.notEqual(st.state, 'loading');
    const err = await opened;
    assert.match(String(err?.message), /it is a FIFO \(named pipe\), not a capture file/);
    assert.equal(s.status().state, 'error');
    assert.match(s.status().error?.message ?? '', /FIFO/);
    assert.notEqual((await s.call('cancelOpen', {})).state, 'loading', 'a second cancel changes nothing');
  } finally {
    f.release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader stuck in a read: cancelOpen still ends "loading" within its 2 s, keeping the packets read', { skip: sharedCapturesSkipReason() ?? undefined, timeout: 20_000 }, async () => {
  const original = CaptureFile.prototype.batches;
  // the first batch, then a read that never returns (a hung file system, say)
  CaptureFile.prototype.batches = async function* (this: CaptureFile) {
    for await (const b of original.call(this)) { yield b; break; }
    await new Promise(() => undefined);
  };
  try {
    const s = new EngineService({ emit: () => undefined });
    await s.call('openFile', { path: join(CAPTURES, 'zeek-post.pcap') });
    assert.equal(s.status().state, 'loading');
    const st = await s.call('cancelOpen', {});
    assert.equal(st.state, 'done');
    assert.equal(s.rows(0, 100).number.length, 14, 'the packets read before are kept');
    assert.match(st.error?.message ?? '', /cancelled after 14 packets/);
  } finally {
    CaptureFile.prototype.batches = original;
  }
});
