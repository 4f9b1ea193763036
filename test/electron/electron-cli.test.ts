// The Electron binary as the `xdpscope` command (deb install): a CLI
// subcommand on its command line runs the CLI and exits with its code, before
// any window or single-instance lock; a capture file goes to the window.
// The shell's main.js runs in a child Node with a stand-in `electron` module
// that records what it was asked to do, so stdout and exit codes are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliArgv } from '../../main/electron/cli';
import { CAPTURES, CLI, ROOT } from '../lib/env';

const MAIN_JS = join(ROOT, 'dist', 'main', 'electron', 'main.js');
const CAPTURE = join(CAPTURES, 'gopacket-test_dns.pcap');

// Runs main.js as the packaged binary would be run: process.argv = [/usr/bin/xdpscope, ...args].
const RUNNER = `
const Module = require('node:module');
const calls = [];
const report = (what) => process.stderr.write('\\n@@' + JSON.stringify({ what, calls }) + '\\n');
const electron = {
  app: {
    disableHardwareAcceleration: () => calls.push('disableHardwareAcceleration'),
    exit: (code) => { report('exit:' + code); process.exit(code); },
    requestSingleInstanceLock: () => { calls.push('requestSingleInstanceLock'); return true; },
    whenReady: () => { calls.push('whenReady'); setTimeout(() => { report('window'); process.exit(99); }, 50); return new Promise(() => {}); },
    on: (ev) => calls.push('on:' + ev), quit: () => calls.push('quit'), getVersion: () => '0.0.0',
  },
  BrowserWindow: class { constructor() { calls.push('BrowserWindow'); } },
  Menu: {}, dialog: {}, ipcMain: {}, session: {},
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
process.argv = ['/usr/bin/xdpscope', ...JSON.parse(process.env.XS_ARGS)];
require(process.env.XS_MAIN);
`;

function shell(args: string[]) {
  const r = spawnSync(process.execPath, ['-e', RUNNER], {
    env: { ...process.env, XS_ARGS: JSON.stringify(args), XS_MAIN: MAIN_JS }, encoding: 'utf8', timeout: 60_000,
  });
  const m = /\n@@(.*)\n$/.exec(r.stderr);
  assert.ok(m, `the shell reported what it did (stderr: ${r.stderr})`);
  const rep = JSON.parse(m[1]) as { what: string; calls: string[] };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, m.index), ...rep };
}

test('cliArgv: a known subcommand (or --help/--version) first among the non-flag arguments means the CLI', () => {
  assert.deepEqual(cliArgv(['/usr/bin/xdpscope', 'read', '-r', 'x.pcap'], false), ['read', '-r', 'x.pcap']);
  assert.deepEqual(cliArgv(['/usr/bin/xdpscope', '--no-sandbox', 'serve', '--port', '0'], false), ['serve', '--port', '0']);
  assert.deepEqual(cliArgv(['electron', '.', 'insights', 'x.pcap'], true), ['insights', 'x.pcap']);
  assert.deepEqual(cliArgv(['/usr/bin/xdpscope', '--version'], false), ['--version']);
  for (const c of ['grant', 'capture', 'interfaces']) assert.deepEqual(cliArgv(['xdpscope', c], false), [c]);
  assert.equal(cliArgv(['/usr/bin/xdpscope'], false), null);
  assert.equal(cliArgv(['/usr/bin/xdpscope', 'read.pcap'], false), null);
  assert.equal(cliArgv(['/usr/bin/xdpscope', '/tmp/x.pcapng', 'read'], false), null, 'a capture file first: the window');
  assert.equal(cliArgv(['electron', '.'], true), null, '"." is the app path, not an argument');
});

test('`xdpscope read ...` on the Electron binary prints what the plain CLI prints and exits with its code, without a window', () => {
  const args = ['read', '-r', CAPTURE, '-c', '3'];
  const plain = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stdout.trim().split('\n').length, 3);
  const r = shell(args);
  assert.equal(r.what, 'exit:0');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, plain.stdout);
  assert.ok(!r.calls.includes('requestSingleInstanceLock'), 'no single-instance lock: a CLI run is never routed to an open window');
  assert.ok(!r.calls.includes('whenReady') && !r.calls.includes('BrowserWindow'), 'no window');
});

test('CLI usage errors and --help keep their exit codes through the Electron binary', () => {
  const bad = shell(['--no-sandbox', 'read', '--no-such-option']);
  assert.equal(bad.what, 'exit:2');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-option/);
  const help = shell(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: xdpscope <command>/);
  assert.match(help.stdout, /\binsights\b/);
});

test('a capture file on the command line goes to the (single-instance) window, not the CLI', () => {
  const r = shell([CAPTURE]);
  assert.equal(r.what, 'window');
  assert.ok(r.calls.includes('requestSingleInstanceLock'));
  assert.ok(r.calls.includes('whenReady'));
  assert.equal(r.stdout, '');
});
