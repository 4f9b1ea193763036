// `xdpscope insights`: text and JSON output, settings from a file, usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, CLI, sharedCapturesSkipReason } from '../../lib/env';
import { scratch } from './pipeline';

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'insights', ...args], { encoding: 'utf8', timeout: 60_000 });
const skip = sharedCapturesSkipReason() ?? false;
const SSH = join(CAPTURES, 'zeek-get-to-ssh-server.pcap');

test('insights --json lists the alert with its filter and the statistics', { skip }, () => {
  const r = run('-r', SSH, '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.alerts.map((a: { title: string }) => a.title), ['HTTP on port 22']);
  assert.equal(j.alerts[0].filter, 'frame.number == 4');
  assert.equal(j.stats.summary.packets, 9);
  assert.deepEqual(j.stats.conversations.tcp.map((c: { portA: number; portB: number; packets: number }) => [c.portA, c.portB, c.packets]), [[44338, 22, 9]]);
  assert.equal(j.settings.scan.minPorts, 20);
});

test('--io-filter adds an I/O graph series counting the packets the filter matches', { skip }, () => {
  const r = run('-r', join(CAPTURES, 'zeek-post.pcap'), '--json', '--io-filter', 'tcp.flags.syn == 1', '--interval', '10');
  assert.equal(r.status, 0, r.stderr);
  const io = JSON.parse(r.stdout).stats.io;
  assert.equal(io.intervalSec, 10);
  assert.deepEqual(io.packets, [14]);
  assert.deepEqual(io.series, [{ name: 'tcp.flags.syn == 1', filter: 'tcp.flags.syn == 1', packets: [2] }]);
  const bad = run('-r', SSH, '--io-filter', 'tcp.nosuchfield == 1');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--io-filter 'tcp\.nosuchfield == 1'/);
});

test('insights prints readable tables', { skip }, () => {
  const r = run('-r', SSH);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /== Alerts \(1\) ==/);
  assert.match(r.stdout, /\[MEDIUM\] service-mismatch: HTTP on port 22/);
  assert.match(r.stdout, /filter: frame\.number == 4/);
  assert.match(r.stdout, /== Protocol hierarchy ==\neth +frames:9/);
  assert.match(r.stdout, /== TCP conversations/);
});

test('--settings overrides the policy; a wrong setting is a usage error', { skip }, () => {
  const ok = scratch('settings-ok.json');
  writeFileSync(ok, JSON.stringify({ policy: { services: { ssh: [22], http: [22, 80] } } }));
  const r = run('-r', SSH, '--json', '--settings', ok);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).alerts, []);
  const bad = scratch('settings-bad.json');
  writeFileSync(bad, JSON.stringify({ scan: { minPort: 3 } }));
  const b = run('-r', SSH, '--settings', bad);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /settings\.scan\.minPort: unknown setting/);
});

test('usage errors exit 2 with one line; --help exits 0', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^xdpscope insights: missing -r FILE/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(run('-r', 'x', '--interval', '0').status, 2);
  const h = run('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage: xdpscope insights -r FILE/);
});

test('a missing file is a failure (exit 1) naming the file', () => {
  const r = run('-r', '/nonexistent/x.pcap');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /x\.pcap/);
});
