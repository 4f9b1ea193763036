// `xdpscope serve` as a command: usage, errors, the root refusal, the printed
// one-time link, --open without secrets on a command line, and a clean
// shutdown on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, isRoot } from '../lib/env';

const env = { ...process.env, XDPSCOPE_SCRATCH_DIR: mkdtempSync(join(tmpdir(), 'xs-scratch-')) };
const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'serve', '--allow-root', ...args], { encoding: 'utf8', timeout: 20_000, env });

test('serve --help prints usage and exits 0; usage errors exit 2 with one line', () => {
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage: xdpscope serve \[--port N\] \[--open\] \[--allow-root\] \[FILE\]/);
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

test('serve refuses to run as root without --allow-root (the UI is never root)', { skip: isRoot() ? false : 'needs root' }, () => {
  const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0'], { encoding: 'utf8', timeout: 20_000, env });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to run as root/);
  assert.match(r.stderr, /--allow-root/);
  assert.equal(r.stdout, '', 'no link was printed: nothing listened');
});

/** Start serve and wait for its printed sign-in link. */
function serve(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ p: ChildProcess; url: string; out: () => string }> {
  const p = spawn(process.execPath, [CLI, 'serve', '--allow-root', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...extraEnv } });
  let out = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`no URL: ${out}`)); }, 20_000);
    p.on('exit', (c) => { clearTimeout(t); reject(new Error(`serve exited ${c}: ${out}`)); });
    p.stdout!.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]{48})\n/.exec(out);
      if (m) { clearTimeout(t); p.removeAllListeners('exit'); resolve({ p, url: m[1], out: () => out }); }
    });
  });
}

function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => { if (p.exitCode !== null) { resolve(p.exitCode); return; } p.on('exit', (c) => resolve(c)); p.kill(signal); });
}

test('serve prints a one-time sign-in link on 127.0.0.1 and stops on SIGTERM', async () => {
  const { p, url } = await serve([]);
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/');
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  assert.match(cookie, /^xdpscope_token_\d+=[0-9a-f]{64}$/);
  const page = await fetch(new URL('/', url), { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);
  assert.equal((await fetch(url, { redirect: 'manual' })).status, 403, 'the link works once');
  assert.equal((await fetch(new URL('/', url))).status, 401);
  assert.equal(await stop(p), 0);
});

test('serve --open hands the browser a private file, never the code or the token on its command line', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'xs-browser-'));
  const argvFile = join(bin, 'argv');
  // a stand-in browser: records its arguments
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${argvFile}.tmp && mv ${argvFile}.tmp ${argvFile}\n`, { mode: 0o755 });
  const { p, url } = await serve(['--open'], { PATH: `${bin}:${process.env.PATH}` });
  try {
    let argv = '';
    for (let i = 0; i < 2000 && !argv; i++) { await new Promise((r) => setTimeout(r, 5)); try { argv = readFileSync(argvFile, 'utf8'); } catch { /* not yet */ } }
    const arg = argv.trim();
    assert.match(arg, /^file:\/\//, `the browser got a file link: ${arg}`);
    assert.ok(!/code=|token=/.test(arg), 'no secret on the browser command line');
    const page = fileURLToPath(arg);
    assert.equal(statSync(page).mode & 0o777, 0o600);
    const link = /url=(http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]+)/.exec(readFileSync(page, 'utf8'))?.[1];
    assert.ok(link, 'the file forwards to a sign-in link');
    assert.notEqual(link, url, 'its own code, not the printed one');
    assert.equal((await fetch(link, { redirect: 'manual' })).status, 303);
    assert.equal((await fetch(url, { redirect: 'manual' })).status, 303, 'the printed link still works, once');
  } finally {
    assert.equal(await stop(p), 0);
  }
});
