// `xdpscope serve` as a command: usage, errors, the printed URL, and a clean
// shutdown on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { CLI } from '../lib/env';

const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'serve', ...args], { encoding: 'utf8', timeout: 20_000 });

test('serve --help prints usage and exits 0; usage errors exit 2 with one line', () => {
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage: xdpscope serve \[--port N\] \[--open\] \[FILE\]/);
  const bad = run(['--port', 'http']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--port must be 0\.\.65535/);
  const unknown = run(['--bogus']);
  assert.equal(unknown.status, 2);
  const missing = run(['/nonexistent/capture.pcap']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /\/nonexistent\/capture\.pcap: no such file/);
});

test('serve prints a tokenised 127.0.0.1 URL and stops on SIGTERM', async () => {
  const p = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no URL: ${out}`)), 20_000);
    p.stdout.on('data', (d) => { out += String(d); const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(out); if (m) { clearTimeout(t); resolve(m[1]); } });
  });
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<div id="root">/);
  assert.equal((await fetch(url.replace(/\?token=.*/, ''))).status, 401);
  const code = await new Promise<number | null>((resolve) => { p.on('exit', (c) => resolve(c)); p.kill('SIGTERM'); });
  assert.equal(code, 0);
});
